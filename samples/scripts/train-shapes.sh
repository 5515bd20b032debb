#!/usr/bin/env bash
# Reproduces the embedded default model (samples/MODEL_CARD.md) on a CPU: tokenizer, transformer,
# Canny and depth control encoders, then the bundle and its metrics. Every stage checkpoints every
# 100 steps into work/shapes and resumes when run again, so the script can run in pieces.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=PASSIVE
./arpg train vq --work work/shapes --steps 650 --batch 32 --lr 2e-3
export ARPG_NO_BUILD=1
./arpg train arpg --work work/shapes --steps 2000 --batch 32 --lr 1e-3 --images 6000
./arpg train control --condition canny --work work/shapes --steps 200 --batch 32 --lr 2e-3 --images 4000
./arpg train control --condition depth --work work/shapes --steps 200 --batch 32 --lr 2e-3 --images 4000
./arpg train bundle --work work/shapes --bundle-out samples/src/main/resources/models/shapes
./arpg eval --bundle samples/src/main/resources/models/shapes --images 40
