#!/usr/bin/env bash
# d2l.ai's "Minibatch Stochastic Gradient Descent" (section 12.5): the classic comparison of
# batch sizes for linear regression on 1500 examples with 5 standardised features (here a seeded
# synthetic stand-in for the airfoil data), half mean squared error: gd (lr 1, batch 1500, 10
# epochs), sgd (lr 0.005, batch 1, 2 epochs), batch 100 (lr 0.4) and batch 10 (lr 0.05), 2
# epochs each. Prints time per epoch and final loss beside d2l's printed PyTorch numbers, and
# d2l's four conclusions, each as holds / does not hold with the numbers that decide it; writes
# the loss against training time (log x axis) to $OUT/batch-size-comparison.svg. Times, and so
# the conclusions about time, depend on the machine and its load.
#
#   bash examples/batch-size-comparison.sh     (OUT=DIR keeps the plot and the JSON)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

npx tsx examples/batch-size-comparison.ts "$OUT"
