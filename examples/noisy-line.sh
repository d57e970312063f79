#!/usr/bin/env bash
# A noisy line: the first program of most gradient-descent lessons. 100 points of y = 2x + 1
# plus Gaussian noise (σ 2), x ~ N(0, 10²) (examples/data/noisy-line.csv, from seed 13 by
# examples/data/make-noisy-line.ts); one linear unit with an intercept (PyTorch's
# nn.Linear(1, 1)), mean squared error (nn.MSELoss), plain gradient descent on the full batch,
# lr 0.001, 10 epochs from zeros, the features as given; the loss at every epoch, the line
# learned, and its prediction at x = 10. The textbook loop, in float64:
#   w = b = 0; repeat 10 times: r = w·x + b − y; w −= 0.001·mean(2r·x); b −= 0.001·mean(2r)
# Only 10 epochs at this rate: w has nearly reached 2, b has barely left 0 (its curvature is
# 1/100 of w's, as x varies by 10), as in the textbook run.
#
#   bash examples/noisy-line.sh            (OUT=DIR keeps the files: run JSON, weights, plot)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

# --record-every 1 with full batches: one recording per epoch; --shuffle off: the file's order
result="$(npx tsx src/cli/train.ts --task regression --csv examples/data/noisy-line.csv --target y \
  --loss mse --batch-size full --lr 0.001 --epochs 10 --init zeros \
  --standardize off --test-fraction 0 --shuffle off --record-every 1 \
  --quiet --json "$OUT/noisy-line.json" --save "$OUT/noisy-line.weights")"
npx tsx examples/noisy-line.ts "$OUT/noisy-line.json" examples/data/noisy-line.csv "$OUT/noisy-line.svg"
echo "$result"
npx tsx src/cli/predict.ts --load "$OUT/noisy-line.weights" --x 10
