#!/usr/bin/env bash
# `npm run bench`: the speed numbers, printed with their targets and ratios (no timed tests).
#   spec     checking a 500-layer .gan.json (target: well under 10 ms)
#   engine   the real engine's training step on examples/dcgan-mnist.gan.json and the small
#            DCGAN, 1 vs 2 workers, next to PyTorch (+ OpenBLAS) when python3-torch is installed
#   kernels  stock tfjs-wasm vs GAN Studio's kernels, per-kernel breakdown, peak memory
#   panel    images/s of a training run in a real VS Code with the panel open vs closed
#            (target: ≤ 5% slower; needs code-server: npm run setup)
# `scripts/bench.sh spec engine` runs only those. PyTorch reference: apt-get install python3-torch libopenblas0-pthread
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(spec engine kernels panel)
npm run --silent build >/dev/null || exit 1
npx tsc -p . || exit 1
status=0
for part in "${parts[@]}"; do
  echo "════════ $part  (load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
  case $part in
    spec) node out/bench/spec-check.js ;;
    engine) node out/bench/engine-step.js ;;
    kernels) node out/bench/training-step.js --no-pytorch ;;
    panel) test/vscode/prepare.sh >/dev/null && node out/bench/panel-overhead.js ;;
    *) echo "unknown part: $part"; false ;;
  esac || status=1
done
exit $status
