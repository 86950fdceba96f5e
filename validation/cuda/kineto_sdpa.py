"""Captures Kineto (PyTorch profiler) traces of torch.nn.functional.scaled_dot_product_attention with
each backend forced, fp16, batch 8 x 12 heads, head dim 64, non-causal, at sequence lengths 512..4096
(the shapes of sdpa_timing.py's sdpa.csv). sdpa.csv times each call between CUDA events, so its times
include PyTorch's dispatch; these traces give each backend's kernel (name, grid, block, registers,
shared memory) and its device time alone.

Usage (on the GPU machine): python3 validation/cuda/kineto_sdpa.py OUT_DIR
Writes OUT_DIR/kineto_sdpa_{default,flash,efficient,cudnn}_fp16.json (chrome-trace JSON with input
shapes): per sequence length, 5 warm-up calls, then 5 profiled calls.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out_dir, exist_ok=True)
device = torch.device("cuda")
torch.manual_seed(0)

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
    BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "efficient": SDPBackend.EFFICIENT_ATTENTION,
                "cudnn": getattr(SDPBackend, "CUDNN_ATTENTION", None)}
except ImportError:  # older torch: no forced backends
    BACKENDS = {}


def context(backend):
    if backend == "default" or BACKENDS.get(backend) is None:
        import contextlib
        return contextlib.nullcontext()
    return sdpa_kernel([BACKENDS[backend]])


for backend in ("default", "flash", "efficient", "cudnn"):
    if backend != "default" and BACKENDS.get(backend) is None:
        print(f"{backend}: not available in torch {torch.__version__}")
        continue
    inputs = {}
    for seq in (512, 1024, 2048, 4096):
        q, k, v = (torch.rand(8, 12, seq, 64, device=device, dtype=torch.float16) * 4 - 2 for _ in range(3))
        inputs[seq] = (q, k, v)
    try:
        with torch.no_grad(), context(backend):
            for seq, (q, k, v) in inputs.items():
                for _ in range(5):
                    F.scaled_dot_product_attention(q, k, v)
            torch.cuda.synchronize()
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU,
                                                    torch.profiler.ProfilerActivity.CUDA],
                                        record_shapes=True) as prof:
                for seq, (q, k, v) in inputs.items():
                    for _ in range(5):
                        F.scaled_dot_product_attention(q, k, v)
                    torch.cuda.synchronize()
    except RuntimeError as e:
        print(f"{backend}: refused: {e}")
        continue
    path = os.path.join(out_dir, f"kineto_sdpa_{backend}_fp16.json")
    prof.export_chrome_trace(path)
    with open(path) as f:
        trace = json.load(f)
    trace.setdefault("cascade", {}).update({
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": f"F.scaled_dot_product_attention, backend {backend}, fp16, (8, 12, S, 64), S = 512..4096, "
                 "5 calls each",
    })
    with open(path, "w") as f:
        json.dump(trace, f)
    kernels = [e for e in trace.get("traceEvents", []) if e.get("cat") == "kernel"]
    names = sorted({e.get("name", "")[:90] for e in kernels})
    print(f"{backend}: {len(kernels)} kernels -> {path}")
    for n in names:
        durs = [e.get("dur", 0) for e in kernels if e.get("name", "")[:90] == n]
        print(f"   {len(durs):3d} x {n}  (us: {', '.join('%.1f' % d for d in durs[:20])})")
