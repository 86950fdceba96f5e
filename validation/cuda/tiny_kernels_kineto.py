#!/usr/bin/env python3
"""Times tiny_kernels.cu's kernels as PyTorch's Kineto traces time kernels (CUPTI activity records).

Usage: python3 tiny_kernels_kineto.py LIBTINY.so OUT.json
LIBTINY.so: nvcc -O3 -gencode=arch=compute_90,code=sm_90 -std=c++17 -Xcompiler -fPIC -shared
            -o libtiny.so validation/cuda/tiny_kernels.cu
Writes the trace (chrome trace JSON, kernels in launch order) and prints each kernel's duration.
"""
import ctypes
import json
import sys

import torch


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib = ctypes.CDLL(sys.argv[1])
    torch.zeros(1, device="cuda")  # the context exists before profiling starts
    torch.cuda.synchronize()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        if lib.run_tiny_kernels() != 0:
            return 1
        torch.cuda.synchronize()
    prof.export_chrome_trace(sys.argv[2])
    with open(sys.argv[2]) as f:
        events = json.load(f)["traceEvents"]
    for e in events:
        if e.get("cat") == "kernel":
            print(f'{e["name"][:40]},{e["args"].get("grid")},{e["dur"]}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
