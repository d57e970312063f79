"""The benchmark's PyTorch peer: what a user would pick instead of downhill on this CPU.

    python3 bench/peers/pytorch.py --data DIR --batch-sizes 1,10,full --lrs 0.01,0.1,0.5 \
        [--reps 5 --warmup-ms 300 --rep-ms 400 --max-ms 6000 --seed 1 --threads 2 --curve-steps 0]

Trains the model downhill trains (nn.Linear(784, 10), cross-entropy as the batch mean, plain SGD,
zero initial weights, pixels / 255) on the MNIST IDX files in DIR (gzip or not), with every tensor
in memory and a new order of the examples each epoch, indexed per batch (X[perm[i:i + b]]).
Throughput is measured as src/measure/throughput.ts measures it: a warm-up of at least two steps
and warmup_ms, then repetitions of K consecutive steps (K from the warm-up's step time and
rep_ms, wrapping around the epoch and reshuffling at its end), each timed to completion (PyTorch
on the CPU is synchronous), until `reps` are done or max_ms has passed (at least 3, or 1 when one
repetition alone takes a third of max_ms). With --curve-steps S > 0, a loss curve too: the whole
training set's loss at log-spaced update counts up to S, evaluation off the clock.

Prints one JSON object on stdout: {"torch", "threads", "blas", "examples", "setupMs", "runs": [{"batchSize", "lr",
"stepsPerRep", "samplesPerSecond": [...], "curve": [[step, trainMs, loss], ...]}]}.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F


def read_idx(path):
    """An IDX file (gzip or not) as a uint8 tensor of its shape."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, kind, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or kind != 0x08:
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(f">{dims}I", raw[4 : 4 + 4 * dims])
    data = torch.frombuffer(bytearray(raw[4 + 4 * dims :]), dtype=torch.uint8)
    return data.reshape(shape)


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"{folder}: no {stem} (or {stem}.gz)")


class Trainer:
    """One model and its optimiser over X (N x 784 float32, pixels / 255) and y, in epochs of shuffled batches."""

    def __init__(self, x, y, batch, lr, seed):
        self.x, self.y, self.batch = x, y, batch
        self.model = torch.nn.Linear(784, 10)
        torch.nn.init.zeros_(self.model.weight)
        torch.nn.init.zeros_(self.model.bias)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=lr)
        self.gen = torch.Generator().manual_seed(seed)
        self.steps_per_epoch = math.ceil(len(y) / batch)
        self.next = 0
        self.perm = torch.randperm(len(y), generator=self.gen)

    def run(self, count):
        """`count` consecutive steps (a new order at each epoch's start); returns the samples seen."""
        samples = 0
        for _ in range(count):
            if self.next == self.steps_per_epoch:
                self.next = 0
                self.perm = torch.randperm(len(self.y), generator=self.gen)
            idx = self.perm[self.next * self.batch : (self.next + 1) * self.batch]
            loss = F.cross_entropy(self.model(self.x[idx]), self.y[idx])
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            samples += len(idx)
            self.next += 1
        return samples

    def loss(self):
        with torch.no_grad():
            return float(F.cross_entropy(self.model(self.x), self.y))


def throughput(t, a):
    """Samples/s of each timed repetition, after the warm-up (see the module's header)."""
    warm_steps, warm_s = 0, 0.0
    while warm_s * 1000 < a.warmup_ms or (warm_steps < 2 and warm_s * 1000 < a.max_ms / 3):
        n = max(1, warm_steps)
        t0 = time.perf_counter()
        t.run(n)
        warm_s += time.perf_counter() - t0
        warm_steps += n
    step_ms = warm_s * 1000 / warm_steps
    steps_per_rep = max(1, round(a.rep_ms / step_ms))
    min_reps = 1 if step_ms * steps_per_rep > a.max_ms / 3 else 3
    rates = []
    started = time.perf_counter()
    while len(rates) < a.reps and (len(rates) < min_reps or (time.perf_counter() - started) * 1000 < a.max_ms):
        t0 = time.perf_counter()
        samples = t.run(steps_per_rep)
        rates.append(samples / (time.perf_counter() - t0))
    return steps_per_rep, rates


def curve(t, steps, points=10):
    """[step, trainMs, loss] at log-spaced update counts up to `steps`, evaluation off the clock."""
    marks = sorted({max(1, round(steps ** (k / (points - 1)))) for k in range(points)})
    out, done, train_s = [[0, 0.0, t.loss()]], 0, 0.0
    for m in marks:
        t0 = time.perf_counter()
        t.run(m - done)
        train_s += time.perf_counter() - t0
        done = m
        out.append([m, train_s * 1000, t.loss()])
    return out


def loaded_blas():
    """The BLAS libraries this process has loaded, after a matrix product (Debian's torch is built
    against the generic libblas.so.3, which the alternatives system points at OpenBLAS or not)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    with open("/proc/self/maps") as maps:
        paths = {os.path.realpath(line.split()[-1]) for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(os.path.basename(p) for p in paths)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--batch-sizes", required=True, help="comma-separated, 1..N or 'full'")
    p.add_argument("--lrs", required=True, help="one learning rate per batch size")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup-ms", type=float, default=300)
    p.add_argument("--rep-ms", type=float, default=400)
    p.add_argument("--max-ms", type=float, default=6000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--curve-steps", type=int, default=0)
    a = p.parse_args()
    started = time.perf_counter()
    torch.set_num_threads(a.threads)
    images = read_idx(find(a.data, "train-images-idx3-ubyte"))
    labels = read_idx(find(a.data, "train-labels-idx1-ubyte"))
    x = images.reshape(len(images), -1).to(torch.float32) / 255
    y = labels.to(torch.int64)
    sizes = [len(y) if s.strip() == "full" else int(s) for s in a.batch_sizes.split(",")]
    setup_ms = (time.perf_counter() - started) * 1000
    lrs = [float(s) for s in a.lrs.split(",")]
    if len(sizes) != len(lrs):
        raise SystemExit(f"--lrs has {len(lrs)} rates for {len(sizes)} batch sizes")
    blas = loaded_blas()
    runs = []
    for batch, lr in zip(sizes, lrs):
        t = Trainer(x, y, batch, lr, a.seed)
        steps_per_rep, rates = throughput(t, a)
        run = {"batchSize": batch, "lr": lr, "stepsPerRep": steps_per_rep, "samplesPerSecond": rates}
        if a.curve_steps > 0:
            run["curve"] = curve(Trainer(x, y, batch, lr, a.seed), a.curve_steps)
        runs.append(run)
        print(f"  pytorch-cpu batch {batch}: {round(sorted(rates)[len(rates) // 2]):,} samples/s (n={len(rates)})", file=sys.stderr)
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "examples": len(y), "setupMs": setup_ms, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
