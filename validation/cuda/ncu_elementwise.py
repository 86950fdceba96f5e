"""PyTorch's vectorized element-wise kernels of the decoder layers (bf16), each alone: GPT-2's tanh
GELU and an erf GELU on [8, 1024, 3072], Llama-2's SiLU on [2048, 11008], a multiply and an add of
two such tensors, and a copy (clone) of one. Each is timed back to back with CUDA events (200 launches
after 20 warm-ups; the period a launch) and run once more for Nsight Compute, whose full set
(instructions, issue activity, warp stall reasons, DRAM bytes) says where a kernel whose
instructions and bytes would each take about as long as the other spends its time.

Usage (on the GPU machine):
  python3 validation/cuda/ncu_elementwise.py --time > elementwise_times.csv
  ncu --csv --page raw --set full -k regex:elementwise python3 validation/cuda/ncu_elementwise.py > ncu_elementwise.csv
"""
import sys

import torch

CASES = [
    ("gelu_tanh_8x1024x3072", lambda a, b: torch.nn.functional.gelu(a, approximate="tanh"), (8, 1024, 3072)),
    ("gelu_erf_8x1024x3072", lambda a, b: torch.nn.functional.gelu(a), (8, 1024, 3072)),
    ("silu_2048x11008", lambda a, b: torch.nn.functional.silu(a), (2048, 11008)),
    ("mul_2048x11008", lambda a, b: a * b, (2048, 11008)),
    ("add_8x1024x3072", lambda a, b: a + b, (8, 1024, 3072)),
    ("clone_8x1024x3072", lambda a, b: a.clone(), (8, 1024, 3072)),
]


def main():
    timing = "--time" in sys.argv
    if timing:
        print("name,elements,period_us")
    with torch.no_grad():
        for name, op, shape in CASES:
            a = torch.randn(*shape, device="cuda", dtype=torch.bfloat16)
            b = torch.randn(*shape, device="cuda", dtype=torch.bfloat16)
            if not timing:
                op(a, b)
                torch.cuda.synchronize()
                continue
            for _ in range(20):
                op(a, b)
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(200):
                op(a, b)
            end.record()
            torch.cuda.synchronize()
            print(f"{name},{a.numel()},{start.elapsed_time(end) * 1e3 / 200:.3f}")


if __name__ == "__main__":
    main()
