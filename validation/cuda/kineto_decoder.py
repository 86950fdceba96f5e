"""Captures real Kineto (PyTorch profiler) traces of decoder layers in bf16 on the GPU, written in
plain PyTorch operators as Hugging Face's GPT-2 and Llama modelling code writes them, for the Kineto
import's coverage and the GPU model's held-out validation:

  gpt2_small_causal_seq1024   GPT-2 small: d 768, 12 heads of 64, LayerNorm, GELU (tanh) MLP of
                              3072, linear layers with bias, causal attention; batch 8, 1024 tokens
  llama2_7b_causal_seq2048    Llama-2-7B: d 4096, 32 heads of 128, RMSNorm, rotary embeddings,
                              SwiGLU MLP of 11008, no biases, causal attention; batch 1, 2048 tokens
  llama3_8b_gqa_seq2048       Llama-3-8B: as Llama-2-7B with 8 key/value heads (grouped-query
                              attention, K and V repeated to the 32 query heads) and an MLP of 14336
  llama2_7b_decode_kv2048     Llama-2-7B decoding one token at batch 1 against a KV cache of 2048
                              tokens: GEMV-like projections, the cache grown by torch.cat
  attention_hd256_seq2048     scaled_dot_product_attention alone with head_dim 256 (Gemma-style),
                              batch 1, 8 heads, causal and full

Usage (on the GPU machine): python3 validation/cuda/kineto_decoder.py OUT_DIR [NAME ...]
Writes OUT_DIR/kineto_<NAME>.json (chrome-trace JSON with input shapes), one forward pass each after
three warm-up passes; the device, driver, clocks and date are added under the trace's "cascade" key.
With --once (OUT_DIR then unused) each pass runs once without the profiler, for Nsight Compute:
  ncu --csv --page raw --clock-control none -k regex:'at::native|splitKreduce|lean_reduction'
      --metrics gpu__time_duration.sum,smsp__inst_executed.sum,dram__bytes_read.sum,dram__bytes_write.sum
      python3 validation/cuda/kineto_decoder.py --once > ncu_decoder.csv
"""
import json
import math
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

once = "--once" in sys.argv
args = [a for a in sys.argv[1:] if a != "--once"]
out_dir = "." if once else (args[0] if args else ".")
os.makedirs(out_dir, exist_ok=True)
device = torch.device("cuda")
dtype = torch.bfloat16
torch.manual_seed(0)


def weight(*shape):
    return (torch.randn(*shape, device=device, dtype=dtype) / math.sqrt(shape[-1]))


class Gpt2Layer:
    """GPT-2's block (transformers' GPT2Block): pre-LayerNorm, fused QKV projection with bias, causal
    attention, output projection, GELU (tanh) MLP."""

    def __init__(self, d=768, heads=12, ffn=3072):
        self.d, self.heads = d, heads
        self.ln1 = torch.nn.LayerNorm(d, device=device, dtype=dtype)
        self.ln2 = torch.nn.LayerNorm(d, device=device, dtype=dtype)
        self.w_qkv, self.b_qkv = weight(3 * d, d), torch.zeros(3 * d, device=device, dtype=dtype)
        self.w_o, self.b_o = weight(d, d), torch.zeros(d, device=device, dtype=dtype)
        self.w_fc, self.b_fc = weight(ffn, d), torch.zeros(ffn, device=device, dtype=dtype)
        self.w_proj, self.b_proj = weight(d, ffn), torch.zeros(d, device=device, dtype=dtype)

    def __call__(self, x):
        b, s, d = x.shape
        h = self.ln1(x)
        q, k, v = F.linear(h, self.w_qkv, self.b_qkv).split(d, dim=2)
        q, k, v = (t.view(b, s, self.heads, d // self.heads).transpose(1, 2) for t in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        a = a.transpose(1, 2).reshape(b, s, d)
        x = x + F.linear(a, self.w_o, self.b_o)
        h = self.ln2(x)
        h = F.gelu(F.linear(h, self.w_fc, self.b_fc), approximate="tanh")
        return x + F.linear(h, self.w_proj, self.b_proj)


def rms_norm(x, w, eps=1e-5):
    # transformers' LlamaRMSNorm: in fp32, then back to the input's type.
    t = x.to(torch.float32)
    t = t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + eps)
    return w * t.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaLayer:
    """Llama's decoder layer (transformers' LlamaDecoderLayer): RMSNorm, Q/K/V projections without
    bias, rotary embeddings, K and V repeated to the query heads (grouped-query attention where
    kv_heads < heads), causal attention, output projection, SwiGLU MLP."""

    def __init__(self, d=4096, heads=32, kv_heads=32, ffn=11008, max_len=4096):
        self.d, self.heads, self.kv_heads, self.hd = d, heads, kv_heads, d // heads
        self.norm1 = torch.ones(d, device=device, dtype=dtype)
        self.norm2 = torch.ones(d, device=device, dtype=dtype)
        self.w_q, self.w_k, self.w_v = weight(d, d), weight(kv_heads * self.hd, d), weight(kv_heads * self.hd, d)
        self.w_o = weight(d, d)
        self.w_gate, self.w_up, self.w_down = weight(ffn, d), weight(ffn, d), weight(d, ffn)
        inv = 1.0 / (10000 ** (torch.arange(0, self.hd, 2, device=device, dtype=torch.float32) / self.hd))
        freqs = torch.outer(torch.arange(max_len, device=device, dtype=torch.float32), inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.cos, self.sin = emb.cos().to(dtype), emb.sin().to(dtype)

    def __call__(self, x, cache=None, start=0):
        b, s, d = x.shape
        h = rms_norm(x, self.norm1)
        q = F.linear(h, self.w_q).view(b, s, self.heads, self.hd).transpose(1, 2)
        k = F.linear(h, self.w_k).view(b, s, self.kv_heads, self.hd).transpose(1, 2)
        v = F.linear(h, self.w_v).view(b, s, self.kv_heads, self.hd).transpose(1, 2)
        cos, sin = self.cos[start:start + s][None, None], self.sin[start:start + s][None, None]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            k = torch.cat((cache[0], k), dim=2)
            v = torch.cat((cache[1], v), dim=2)
        groups = self.heads // self.kv_heads
        if groups > 1:  # transformers' repeat_kv
            k = k[:, :, None].expand(b, self.kv_heads, groups, k.shape[2], self.hd).reshape(b, self.heads, -1, self.hd)
            v = v[:, :, None].expand(b, self.kv_heads, groups, v.shape[2], self.hd).reshape(b, self.heads, -1, self.hd)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None)
        a = a.transpose(1, 2).reshape(b, s, d)
        x = x + F.linear(a, self.w_o)
        h = rms_norm(x, self.norm2)
        return x + F.linear(F.silu(F.linear(h, self.w_gate)) * F.linear(h, self.w_up), self.w_down)


def cases():
    gpt2 = Gpt2Layer()
    yield ("gpt2_small_causal_seq1024", "GPT-2 small block (768, 12 heads, 3072, LayerNorm, GELU tanh), causal, batch 8",
           lambda x: gpt2(x), torch.randn(8, 1024, 768, device=device, dtype=dtype))
    llama2 = LlamaLayer()
    yield ("llama2_7b_causal_seq2048", "Llama-2-7B layer (4096, 32 heads of 128, RMSNorm, RoPE, SwiGLU 11008), causal, batch 1",
           lambda x: llama2(x), torch.randn(1, 2048, 4096, device=device, dtype=dtype))
    cache = (torch.randn(1, 32, 2048, 128, device=device, dtype=dtype),
             torch.randn(1, 32, 2048, 128, device=device, dtype=dtype))
    yield ("llama2_7b_decode_kv2048", "Llama-2-7B layer decoding 1 token at batch 1 against a KV cache of 2048",
           lambda x: llama2(x, cache=cache, start=2048), torch.randn(1, 1, 4096, device=device, dtype=dtype))
    del llama2, cache
    llama3 = LlamaLayer(kv_heads=8, ffn=14336)
    yield ("llama3_8b_gqa_seq2048", "Llama-3-8B layer (4096, 32 query and 8 key/value heads of 128, SwiGLU 14336), causal, batch 1",
           lambda x: llama3(x), torch.randn(1, 2048, 4096, device=device, dtype=dtype))
    del llama3
    q, k, v = (torch.randn(1, 8, 2048, 256, device=device, dtype=dtype) for _ in range(3))
    yield ("attention_hd256_seq2048", "scaled_dot_product_attention, batch 1, 8 heads of 256, 2048 tokens, causal then full",
           lambda _: (F.scaled_dot_product_attention(q, k, v, is_causal=True),
                      F.scaled_dot_product_attention(q, k, v)), None)


def smi(query):
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=" + query, "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def main():
    wanted = set(args if once else args[1:])
    for name, model, run, x in cases():
        if wanted and name not in wanted:
            continue
        if once:
            with torch.no_grad():
                run(x)
                torch.cuda.synchronize()
            continue
        with torch.no_grad():
            for _ in range(3):  # warm-up: cuBLAS handles, kernel selection
                run(x)
            torch.cuda.synchronize()
            with torch.profiler.profile(
                    activities=[torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA],
                    record_shapes=True) as prof:
                run(x)
                torch.cuda.synchronize()
        path = os.path.join(out_dir, f"kineto_{name}.json")
        prof.export_chrome_trace(path)
        with open(path) as f:
            trace = json.load(f)
        trace["traceName"] = os.path.basename(path)  # not the capturing machine's path
        trace.setdefault("cascade", {}).update({
            "gpu": torch.cuda.get_device_name(0),
            "driver": smi("driver_version"),
            "clocks_sm_mem_mhz": smi("clocks.sm,clocks.mem"),
            "torch": torch.__version__,
            "cuda": torch.version.cuda,
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "model": model,
        })
        with open(path, "w") as f:
            json.dump(trace, f)
        kernels = [e for e in trace.get("traceEvents", []) if e.get("cat") == "kernel"]
        print(f"{name}: {len(kernels)} kernels, {sum(e.get('dur', 0) for e in kernels):.1f} us on the GPU -> {path}")


if __name__ == "__main__":
    main()
