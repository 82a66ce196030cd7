#!/usr/bin/env bash
# Times classic mode's --fair solver (dev.tessera.classic.FairAssignment) on issue 5's sizes with random
# 48-float features. Compiles nothing: build first with `mvn -B -q -DskipTests test-compile`.
# Usage: bench/fair-timing.sh [CELLSxTEMPLATES ...]   (default 4096x1700 10000x10000 65536x1700:1 65536x1700;
# a ":ROUNDS" suffix caps the flow solves and reports the proven gap bound instead of solving exactly)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f target/test-classes/dev/tessera/classic/FairAssignmentTiming.class ]]; then
    echo "fair-timing: target/test-classes lacks FairAssignmentTiming; run 'mvn -B -q -DskipTests test-compile' first" >&2
    exit 2
fi
exec java -Xmx4g -cp target/classes:target/test-classes dev.tessera.classic.FairAssignmentTiming "$@"
