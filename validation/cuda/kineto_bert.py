"""Captures real Kineto (PyTorch profiler) traces of a BERT-Base encoder layer forward pass in bf16
on the GPU, at sequence lengths 512 and 4096 (for the Kineto import and the GPU model's validation).

Usage (on the GPU machine): python3 validation/cuda/kineto_bert.py OUT_DIR [SEQ ...]
Writes OUT_DIR/kineto_bert_base_bf16_seq{SEQ}.json (chrome-trace JSON with input shapes), by default
for SEQ = 512 and 4096.
BERT-Base: d_model 768, 12 heads, FFN 3072, GELU, batch 8 (FuseMax paper's dimensions; batch chosen
to keep the trace small).
"""
import json
import os
import sys
import time

import torch

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out_dir, exist_ok=True)
device = torch.device("cuda")
torch.manual_seed(0)
layer = torch.nn.TransformerEncoderLayer(
    d_model=768, nhead=12, dim_feedforward=3072, activation="gelu", batch_first=True,
    dropout=0.0).to(device=device, dtype=torch.bfloat16).eval()

for seq in [int(a) for a in sys.argv[2:]] or [512, 4096]:
    x = torch.randn(8, seq, 768, device=device, dtype=torch.bfloat16)
    with torch.no_grad():
        for _ in range(3):  # warm-up: cuBLAS handles, kernel selection
            layer(x)
        torch.cuda.synchronize()
        with torch.profiler.profile(
                activities=[torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA],
                record_shapes=True) as prof:
            y = layer(x)
            torch.cuda.synchronize()
    path = os.path.join(out_dir, f"kineto_bert_base_bf16_seq{seq}.json")
    prof.export_chrome_trace(path)
    # Record the device and date beside the trace's own metadata.
    with open(path) as f:
        trace = json.load(f)
    trace.setdefault("cascade", {}).update({
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": "torch.nn.TransformerEncoderLayer(768, 12, 3072, gelu), bf16, batch 8",
        "seq_len": seq,
    })
    with open(path, "w") as f:
        json.dump(trace, f)
    kernels = [e for e in trace.get("traceEvents", []) if e.get("cat") == "kernel"]
    print(f"seq {seq}: {len(kernels)} kernels, {sum(e.get('dur', 0) for e in kernels):.1f} us on the GPU -> {path}")
