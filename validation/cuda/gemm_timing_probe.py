"""How a cuBLAS GEMM's time depends on how it is timed: the harness's event pair around one launch
after an idle GPU, the same with the GPU kept busy before the first event (a sleep kernel, so the
library's host work before its launch is hidden), launches back to back, and the kernels' own
durations from the profiler (Kineto). FP32 (SIMT sgemm, no TF32) and bf16, on shapes of
validation/traces/h100/kernels.csv.

Usage: python3 gemm_timing_probe.py OUT.csv
"""
import csv
import statistics
import subprocess
import sys
import time

import torch
from torch.profiler import ProfilerActivity, profile

SHAPES = [  # name, M, N, K (the harness's column-major M x N x K)
    ("sq1024", 1024, 1024, 1024),
    ("sq2048", 2048, 2048, 2048),
    ("bert_b_ffn1", 4096, 3072, 768),
    ("bert_l_qkv", 4096, 3072, 1024),
    ("llama7b_o", 2048, 4096, 4096),
    ("sq4096", 4096, 4096, 4096),
]
RUNS, WARMUP, B2B = 20, 5, 200


def smi():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm,power.draw,temperature.gpu", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        return out.replace(", ", "/")
    except (OSError, subprocess.SubprocessError):  # informational only
        return "n/a"


def main():
    out_path = sys.argv[1]
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rows = []
    for dtype_name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        for name, m, n, k in SHAPES:
            per_set = (m * k + k * n + m * n) * (4 if dtype == torch.float32 else 2)
            sets = max(1, -(-4 * 60 * 2**20 // per_set))
            # C (M x N, column-major) = A B is, row-major, C^T (N x M) = B^T (N x K) A^T (K x M).
            bt = [torch.rand(n, k, device="cuda", dtype=dtype) - 0.5 for _ in range(sets)]
            at = [torch.rand(k, m, device="cuda", dtype=dtype) - 0.5 for _ in range(sets)]
            ct = [torch.empty(n, m, device="cuda", dtype=dtype) for _ in range(sets)]

            def launch(i):
                torch.mm(bt[i % sets], at[i % sets], out=ct[i % sets])

            for i in range(WARMUP):
                launch(i)
            torch.cuda.synchronize()
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

            def event_runs(busy_first):
                times, host = [], []
                for i in range(RUNS):
                    if busy_first:
                        torch.cuda._sleep(2_000_000)  # ~1 ms of a spinning kernel before the first event
                    a.record()
                    h0 = time.perf_counter()
                    launch(WARMUP + i)
                    host.append((time.perf_counter() - h0) * 1e6)
                    b.record()
                    b.synchronize()
                    times.append(a.elapsed_time(b) * 1e3)
                return statistics.median(times), statistics.median(host)

            state_before = smi()
            idle_us, host_us = event_runs(False)
            busy_us, _ = event_runs(True)
            torch.cuda.synchronize()
            a.record()
            for i in range(B2B):
                launch(i)
            b.record()
            b.synchronize()
            b2b_us = a.elapsed_time(b) * 1e3 / B2B
            state_after = smi()
            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                for i in range(RUNS):
                    launch(WARMUP + i)
                    torch.cuda.synchronize()
            kernels = {}
            for ev in prof.events():
                if ev.device_type == torch.autograd.DeviceType.CUDA:
                    kernels.setdefault(ev.name, []).append(ev.device_time if hasattr(ev, "device_time") else ev.cuda_time)
            main_kernel = max(kernels.items(), key=lambda kv: sum(kv[1]))
            kernel_us = statistics.median(main_kernel[1])
            all_kernels_us = sum(sum(v) for v in kernels.values()) / RUNS
            row = dict(shape=name, dtype=dtype_name, M=m, N=n, K=k, sets=sets, event_after_idle_us=round(idle_us, 2),
                       event_after_busy_us=round(busy_us, 2), back_to_back_us=round(b2b_us, 2),
                       kineto_kernel_us=round(kernel_us, 2), kineto_all_kernels_us=round(all_kernels_us, 2),
                       host_call_us=round(host_us, 2), kernel=main_kernel[0][:90], kernels_per_call=round(sum(len(v) for v in kernels.values()) / RUNS, 2),
                       smi_before=state_before, smi_after=state_after)
            print(row, flush=True)
            rows.append(row)
            del at, bt, ct
            torch.cuda.empty_cache()
    with open(out_path, "w", newline="") as f:
        f.write("# gemm_timing_probe.py on %s, torch %s, CUDA %s, date %s\n" % (
            torch.cuda.get_device_name(), torch.__version__, torch.version.cuda, time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())))
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
