#!/usr/bin/env bash
# The main job (README: "Run"): check the examples, then train two GANs from examples/ on
# data that ships with the project, and draw what they learned.
#   1. the lecture's original GAN on a ring of 8 Gaussians (2-D points, ~15 s);
#   2. a small DCGAN on the bundled MNIST digits (1,000 steps of 64: about 6 minutes on
#      two cores: digit-like strokes, not yet clean digits);
# then sample grids and a latent walk into demo-output/.
# DEMO_DCGAN_STEPS=N trains the DCGAN shorter or longer (e.g. 3000 for cleaner digits).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f dist/cli.js ] || npm run --silent build
cli=(node dist/cli.js)
out=demo-output
runs=$out/runs
mkdir -p "$out"

echo "── 1. check every example (gan-studio validate, inspect)"
"${cli[@]}" validate examples/*.gan.json
"${cli[@]}" inspect examples/dcgan-mnist.gan.json

echo
echo "── 2. the original GAN on a ring of 8 Gaussians"
"${cli[@]}" train examples/gan-2d-ring.gan.json --out "$runs"
ring=$(ls -td "$runs"/the-original-gan-on-a-ring* | head -1)
"${cli[@]}" sample "$ring" --out "$out/ring-samples.png"

echo
echo "── 3. a small DCGAN on MNIST digits (both cores: data-parallel workers)"
"${cli[@]}" train examples/dcgan-mnist-small.gan.json --steps "${DEMO_DCGAN_STEPS:-1000}" --out "$runs"
dcgan=$(ls -td "$runs"/small-dcgan-on-mnist* | head -1)
"${cli[@]}" sample "$dcgan" --n 64 --out "$out/dcgan-samples.png"
"${cli[@]}" walk "$dcgan" --frames 12 --from 0 --to 5 --out "$out/dcgan-walk.png"

echo
echo "Done. Look at:"
echo "  $out/ring-samples.png   generated points (and D's verdict) over the 8 real modes"
echo "  $out/dcgan-samples.png  64 generated digits"
echo "  $out/dcgan-walk.png     a walk in the latent space between two of them"
echo "  $runs/                  the run folders: spec, metrics.jsonl, samples/, checkpoints/, log.txt"
