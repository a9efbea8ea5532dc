#!/usr/bin/env python3
"""Reference peer for Learner checkpoints, using PyPI `safetensors` with NumPy.

read FILE            print {"tensors": {name: [shape, sum of squares (float64), first value]}, "metadata": {...}}
write FILE N=AxB...  write float32 tensors with values i*0.001-0.5 (C order) and metadata {"writer": "numpy"}
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read":
        tensors = load_file(path)
        with safe_open(path, framework="numpy") as f:
            metadata = f.metadata() or {}
        out = {}
        for name, t in tensors.items():
            assert t.dtype == np.float32, name
            flat = t.reshape(-1).astype(np.float64)
            out[name] = [list(t.shape), float(np.dot(flat, flat)), float(flat[0]) if flat.size else None]
        print(json.dumps({"tensors": out, "metadata": metadata}))
    elif mode == "write":
        tensors = {}
        for spec in sys.argv[3:]:
            name, shape = spec.rsplit("=", 1)
            dims = [int(d) for d in shape.split("x")]
            n = int(np.prod(dims))
            tensors[name] = (np.arange(n, dtype=np.float32) * np.float32(0.001) - np.float32(0.5)).reshape(dims)
        save_file(tensors, path, metadata={"writer": "numpy"})
    else:
        sys.exit("usage: safetensors_roundtrip.py read FILE | write FILE NAME=AxB ...")


if __name__ == "__main__":
    main()
