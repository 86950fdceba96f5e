"""Times the kernels of kineto_decoder.py's Llama-2-7B decode step three ways, to tell what a kernel
costs in a pass from what it costs on its own:

  pass     the step as kineto_decoder.py traces it (each kernel after other kernels, with the
           layer's 400 MB of weights streamed through L2 between a kernel's launches)
  repeat   every operator run 5 times in a row (the 2nd to 5th launch find the kernel's code,
           constants, page translations and data where the 1st left them)
  cold     every operator run after a 256 MiB read (torch.sum) has filled L2 with other lines,
           and the GPU idle again

Usage (on the GPU machine): python3 validation/cuda/kineto_decode_repeat.py OUT_DIR
Writes OUT_DIR/decode_{pass,repeat,cold}.json (Kineto traces) and OUT_DIR/decode_repeat.csv: one
row a kernel of the pass, in order, with its duration in each (us; repeat's five launches).
"""
import csv
import json
import os
import sys
import time

import torch
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kineto_decoder import LlamaLayer, device, dtype, smi  # noqa: E402

REPEATS = 5
EVICT_BYTES = 256 << 20


class EachOperator(TorchDispatchMode):
    """Runs every ATen operator `times` times, each after `before()`."""

    def __init__(self, times=1, before=None):
        super().__init__()
        self.times, self.before = times, before

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = None
        for _ in range(self.times):
            if self.before:
                self.before()
            out = func(*args, **(kwargs or {}))
        return out


def kernels_of(run, path):
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        run()
        torch.cuda.synchronize()
    prof.export_chrome_trace(path)
    with open(path) as f:
        trace = json.load(f)
    return sorted((e for e in trace["traceEvents"] if e.get("cat") == "kernel"), key=lambda e: e["ts"])


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    layer = LlamaLayer()
    cache = (torch.randn(1, 32, 2048, 128, device=device, dtype=dtype),
             torch.randn(1, 32, 2048, 128, device=device, dtype=dtype))
    x = torch.randn(1, 1, 4096, device=device, dtype=dtype)
    big = torch.ones(EVICT_BYTES // 4, device=device)
    total = torch.zeros((), device=device)

    def evict():
        torch.sum(big, dim=0, out=total)
        torch.cuda.synchronize()

    def step():
        return layer(x, cache=cache, start=2048)

    with torch.no_grad():
        for _ in range(3):
            step()
        torch.cuda.synchronize()
        runs = {}
        runs["pass"] = kernels_of(step, os.path.join(out_dir, "decode_pass.json"))

        def repeated():
            with EachOperator(REPEATS):
                step()

        def cold():
            with EachOperator(1, evict):
                step()

        repeated()
        cold()
        torch.cuda.synchronize()
        runs["repeat"] = kernels_of(repeated, os.path.join(out_dir, "decode_repeat.json"))
        runs["cold"] = kernels_of(cold, os.path.join(out_dir, "decode_cold.json"))

    names = [k["name"] for k in runs["pass"]]
    # cold: the pass's kernels between the eviction's reductions (a grid of thousands of blocks).
    evicting = lambda k: "reduce_kernel" in k["name"] and k["args"]["grid"][0] * k["args"]["grid"][1] >= 256
    cold_kernels = [k for k in runs["cold"] if not evicting(k)]
    # repeat: each operator's kernels (a run of the pass's kernels) five times over.
    rep, groups, i, j = runs["repeat"], [], 0, 0
    while i < len(names):
        for length in range(1, len(names) - i + 1):
            seq = names[i:i + length]
            if [k["name"] for k in rep[j:j + REPEATS * length]] == seq * REPEATS:
                for n in range(length):
                    groups.append([rep[j + r * length + n]["dur"] for r in range(REPEATS)])
                i, j = i + length, j + REPEATS * length
                break
        else:
            raise SystemExit(f"repeat trace does not match the pass at kernel {i} ({names[i][:60]})")
    if [k["name"] for k in cold_kernels] != names:
        raise SystemExit("cold trace does not match the pass")
    path = os.path.join(out_dir, "decode_repeat.csv")
    with open(path, "w", newline="") as f:
        f.write(f"# gpu: {torch.cuda.get_device_name(0)}; driver: {smi('driver_version')}; clocks sm,mem MHz: "
                f"{smi('clocks.sm,clocks.mem')}; torch {torch.__version__}; date_utc "
                f"{time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}\n")
        w = csv.writer(f)
        w.writerow(["index", "kernel", "grid", "block", "pass_us", "cold_us"] + [f"repeat{r + 1}_us" for r in range(REPEATS)])
        for n, (k, c, g) in enumerate(zip(runs["pass"], cold_kernels, groups)):
            a = k["args"]
            w.writerow([n, k["name"][:120], "x".join(map(str, a["grid"])), "x".join(map(str, a["block"])),
                        k["dur"], c["dur"]] + g)
    print(open(path).read())


if __name__ == "__main__":
    main()
