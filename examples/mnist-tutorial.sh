#!/usr/bin/env bash
# The PyTorch tutorial's softmax classifier on MNIST: nn.Linear(784, 10), cross-entropy, plain
# SGD with lr 0.01, batches of 32 reshuffled every epoch, 10 epochs; its test accuracy and time,
# beside downhill's default (batch 100, lr 0.5, 5 epochs: `npx tsx src/cli/train.ts` with no
# options). A measured reference, not run here: PyTorch 1.13 with OpenBLAS, 2 threads, on this
# 2-core machine, the tutorial setup reached 91.65% test accuracy in 11.1 s (2026-11-23; see
# shared/docs/anchors.md). Accuracies are the same on every run of this machine (seed 1, the
# fixed step-variant rule); times are not.
#
#   bash examples/mnist-tutorial.sh        (about 30 s on SwiftShader; OUT=DIR keeps the runs' JSON and logs)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --record-every 18750: the loss of the whole training set at the start and the end only, as the
# tutorial does not compute it (each recording is an evaluation, off the training clock but not
# off the whole command's)
start=$(now_ms)
npx tsx src/cli/train.ts --batch-size 32 --lr 0.01 --epochs 10 --record-every 18750 \
  --quiet --json "$OUT/tutorial.json" > "$OUT/tutorial.log"
tutorial_ms=$(($(now_ms) - start))

start=$(now_ms)
npx tsx src/cli/train.ts --quiet --json "$OUT/default.json" > "$OUT/default.log"
default_ms=$(($(now_ms) - start))

npx tsx examples/mnist-tutorial.ts \
  "the PyTorch tutorial's setup=$OUT/tutorial.json=$tutorial_ms" \
  "downhill's default=$OUT/default.json=$default_ms"
