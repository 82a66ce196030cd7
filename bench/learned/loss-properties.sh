#!/usr/bin/env bash
# DESIGN §1 properties (1) without the viewing blur and (3) one scale instead of three, on real
# pictures: the logits fit (from classic) and a cold decoder fit (from its random start), each with
# the default viewing loss and with the paper's vgg16 loss on a seeded VGG16, each also without the
# blur and at scale 0 only. Prints a Markdown table. One family only:
# JAVA_TOOL_OPTIONS=-Dlosses=viewing (or vgg16).
# Build first: mvn -B -q -DskipTests package test-compile (needs target/lib and target/test-classes).
# Usage: bench/learned/loss-properties.sh STEPS PREPARED_SET IMAGE...   (8-px cells; sides multiples of 8)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ! -f target/test-classes/dev/tessera/train/LossPropertiesExperiment.class || ! -d target/lib ]]; then
    echo "loss-properties: run 'mvn -B -q -DskipTests package test-compile' first" >&2
    exit 2
fi
exec java -Xmx2g -cp "target/classes:target/test-classes:target/lib/*" dev.tessera.train.LossPropertiesExperiment "$@"
