# Sourced by fit-seen.sh and fit-table.sh: their shared command line, OUTDIR STEPS IMAGE... -- SET...
# Sets here (the repository), tessera (TESSERA overrides, e.g. TESSERA="java -jar /copy/of/tessera.jar"
# so that edits to the tree do not rebuild mid-run), out (created), steps, images[] and sets[];
# set_flags SET puts the template flags for SET ('glyphs' or a prepared folder) in src[].
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tessera=${TESSERA:-$here/tessera}
out=$1 steps=$2
shift 2
images=()
while [ "$1" != "--" ]; do images+=("$1"); shift; done
shift
sets=("$@")
mkdir -p "$out"
set_flags() { src=(--set "$1"); [ "$1" = glyphs ] && src=(-t glyphs); return 0; }
