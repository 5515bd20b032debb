#!/usr/bin/env bash
# Regenerates the example images of README.md with the embedded model (docs/images).
set -euo pipefail
cd "$(dirname "$0")/../.."
ex=samples/src/main/resources/examples
tmp=$(mktemp -d)
./arpg generate --class 0,1,2,3,4,5 --n 3 --grid --seed 3 --out "$tmp/classes" > /dev/null
export ARPG_NO_BUILD=1
./arpg control --condition "canny=$ex/star.png" --class 5 --n 4 --grid --seed 1 --control-guidance 2 --out "$tmp/canny" > /dev/null
./arpg control --condition "depth=$ex/ring-depth.png" --class 3 --n 4 --grid --seed 2 --control-guidance 2 --out "$tmp/depth" > /dev/null
./arpg generate --class 3 --n 4 --grid --seed 2 --out "$tmp/plain" > /dev/null
mkdir -p docs/images
cp "$tmp/classes/arpg-3-grid.png" docs/images/classes.png
cp "$tmp/canny/arpg-1-grid.png" docs/images/canny-star.png
cp "$tmp/depth/arpg-2-grid.png" docs/images/depth-ring.png
cp "$tmp/plain/arpg-2-grid.png" docs/images/ring-uncontrolled.png
cp "$ex/star.png" docs/images/star-control.png
cp "$ex/ring-depth.png" docs/images/ring-depth-control.png
rm -rf "$tmp"
echo "docs/images updated"
