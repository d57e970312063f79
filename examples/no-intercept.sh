#!/usr/bin/env bash
# A model with no intercept, as the first gradient-descent programs write it: ŷ = w·x on
# x = 1, 2, 3 and y = 2, 4, 6, w starting at 1.0, loss the mean squared error (1/m)·Σ(w·x − y)²
# (no ½), rate 0.01, 100 full-batch epochs, then a prediction at x = 4; and the stochastic
# version, one example at a time in order (no shuffling), 100 epochs.
# Run: bash examples/no-intercept.sh   (OUT=DIR keeps the JSON records and weights)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
common=(--task regression --csv examples/data/no-intercept.csv --target y --standardize off --intercept off
  --test-fraction 0 --loss mse --init '[1.0]' --lr 0.01 --epochs 100 --quiet)

echo "== full batch: 100 epochs =="
npx tsx src/cli/train.ts "${common[@]}" --batch-size full --json "$OUT/gd.json" --save "$OUT/gd.weights"
npx tsx src/cli/predict.ts --load "$OUT/gd.weights" --x 4
echo "== stochastic, in order: one example per update, 100 epochs =="
npx tsx src/cli/train.ts "${common[@]}" --batch-size 1 --shuffle off --json "$OUT/sgd.json" --save "$OUT/sgd.weights"
npx tsx src/cli/predict.ts --load "$OUT/sgd.weights" --x 4
