"""Runs PyTorch's layer norm (BERT-Base: hidden 768, bf16, batch 8) at sequence lengths 256 and 4096,
once each after a warm-up, for Nsight Compute to profile (the layer norm's instruction mix
and stalls, which the GPU model's description of vectorized_layer_norm_kernel rests on).

Usage (on the GPU machine):
  ncu --csv --page raw --set full -k regex:layer_norm python3 validation/cuda/ncu_layer_norm.py > ncu_layer_norm.csv
"""
import torch

ln = torch.nn.LayerNorm(768).to(device="cuda", dtype=torch.bfloat16)
with torch.no_grad():
    for seq in (256, 4096):
        x = torch.randn(8, seq, 768, device="cuda", dtype=torch.bfloat16)
        ln(x)
        torch.cuda.synchronize()
