#!/usr/bin/env python3
"""Times tiny_kernels.cu's kernels as PyTorch's Kineto traces time kernels (CUPTI activity records).

Usage: python3 tiny_kernels_kineto.py LIBTINY.so OUT.json [OUT_TORCH.json [OUT_L2.json]]
LIBTINY.so: nvcc -O3 -gencode=arch=compute_90,code=sm_90 -std=c++17 -Xcompiler -fPIC -shared
            -o libtiny.so validation/cuda/tiny_kernels.cu
Writes the trace (chrome trace JSON, kernels in launch order) and prints each kernel's duration.
With OUT_TORCH.json, also traces PyTorch's own kernels at a batch-1 decode step's sizes (4096
floats), 7 launches each: a contiguous add (vectorized), a strided add and a transposing copy
(TensorIterator's general kernels, offset calculators by value), a row mean (reduce_kernel), a
two-tensor cat. With OUT_L2.json, also traces run_l2_streams (float4 copies, reads and fills of
1 MiB to 512 MiB, 7 launches each on the same arrays: from L2 where they fit, else from DRAM).
"""
import ctypes
import json
import sys

import torch


def profile_kernels(run, path: str) -> list:
    """Runs `run` under PyTorch's profiler (CUDA activities), writes the trace to `path` and returns
    its kernel events in launch order."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        run()
        torch.cuda.synchronize()
    prof.export_chrome_trace(path)
    with open(path) as f:
        return sorted((e for e in json.load(f)["traceEvents"] if e.get("cat") == "kernel"), key=lambda e: e["ts"])


def checked(entry) -> None:
    if entry() != 0:
        raise RuntimeError(f"{entry.__name__} failed")


def main() -> int:
    if len(sys.argv) not in (3, 4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    lib = ctypes.CDLL(sys.argv[1])
    torch.zeros(1, device="cuda")  # the context exists before profiling starts
    torch.cuda.synchronize()
    for e in profile_kernels(lambda: checked(lib.run_tiny_kernels), sys.argv[2]):
        print(f'{e["name"][:40]},{e["args"].get("grid")},{e["dur"]}')
    if len(sys.argv) >= 4:
        torch_ops(sys.argv[3])
    if len(sys.argv) == 5:
        for e in profile_kernels(lambda: checked(lib.run_l2_streams), sys.argv[4]):
            print(f'l2,{e["name"][:30]},{e["args"].get("grid")},{e["dur"]}')
    return 0


def torch_ops(path: str) -> None:
    dev = "cuda"
    x = torch.randn(4096, device=dev)
    wide = torch.randn(8192, device=dev)
    square = torch.randn(64, 64, device=dev)
    a, b = torch.randn(2048, device=dev), torch.randn(2048, device=dev)
    ops = [
        ("add_contiguous_4096", lambda: x.add_(1.0)),
        ("add_strided_4096", lambda: wide[::2].add_(1.0)),
        ("copy_transposed_64x64", lambda: square.t().contiguous()),
        ("mean_row_1x4096", lambda: x.view(1, 4096).mean(-1)),
        ("cat_2x2048", lambda: torch.cat([a, b])),
    ]
    for _, op in ops:  # kernels loaded before profiling
        op()
    torch.cuda.synchronize()

    def run_ops() -> None:
        for _, op in ops:
            for _ in range(7):
                op()
            torch.cuda.synchronize()

    events = profile_kernels(run_ops, path)
    for i, e in enumerate(events):
        print(f'{ops[i // 7][0] if i < 7 * len(ops) else "?"},{e["name"][:60]},{e["args"].get("grid")},{e["dur"]}')


if __name__ == "__main__":
    sys.exit(main())
