#!/usr/bin/env bash
# Batch, stochastic and mini-batch gradient descent on four points, as the classic course notes
# write them: X = [[1,1],[1,2],[1,3],[1,4]] (a column of ones, x0, and x1), y = [2,4,6,8],
# θ from zeros, rate 0.01, loss (1/2m)·Σ(Xθ − y)², update θ -= α·(1/m)·Xᵀ(Xθ − y).
# The column of ones is the intercept, so downhill's own is off, and nothing is standardised or
# held out. Run: bash examples/four-points.sh   (OUT=DIR keeps the JSON records and weights)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
common=(--task regression --csv examples/data/four-points.csv --target y --standardize off --intercept off
  --test-fraction 0 --lr 0.01 --epochs 1000 --quiet)

echo "== batch gradient descent: 1000 full-batch updates =="
npx tsx src/cli/train.ts "${common[@]}" --batch-size full --json "$OUT/gd.json"
echo "== stochastic gradient descent: one example per update, 4 per epoch (reshuffled), 1000 epochs =="
npx tsx src/cli/train.ts "${common[@]}" --batch-size 1 --json "$OUT/sgd.json"
echo "== mini-batch gradient descent: batches of 2 (reshuffled every epoch), 1000 epochs =="
npx tsx src/cli/train.ts "${common[@]}" --batch-size 2 --json "$OUT/minibatch.json"
