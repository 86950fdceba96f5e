"""Times torch.nn.functional.scaled_dot_product_attention (fp16, head dim 64, batch*heads 96 = 8 x 12,
non-causal) at sequence lengths 512..4096, for comparison with neural.cu's own flash-style kernel.
Writes sdpa.csv with neural.csv's columns (class "attention_lib").

Usage (on the GPU machine): python3 validation/cuda/sdpa_timing.py OUT_DIR [--energy-s 1.0] [--deadline-s 90]

Per row: a correctness check of one (batch, head) slice against a float64 softmax(QK^T/sqrt(E))V, then
5 warm-up calls and 20 calls each between a CUDA event pair (median/min/max), then, if NVML loads
(ctypes, libnvidia-ml.so.1), an energy window of back-to-back calls lasting ~energy_s seconds bracketed
by nvmlDeviceGetTotalEnergyConsumption after torch.cuda.synchronize().
Backends: "default" (torch's own choice), then each of flash / efficient / cudnn forced through
torch.nn.attention.sdpa_kernel where available; a backend that refuses the inputs gets a row with
check "n/a unsupported ..." and no timing (not counted as a failure of the harness).
"""
import ctypes
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

HEADER = ("name,class,dtype,grid,block,regs,smem,flops,bytes,median_ms,min_ms,max_ms,runs,energy_window_s,"
          "launches_in_window,energy_j_per_launch,avg_power_w,ss_power_w,ss_updates,temp_c_end,sm_clock_mhz_end,"
          "clock_event_reasons_end,blocks_per_sm,ilp,warps_per_sm,M,N,K,batch,layout,rot_sets,tflops,gbps,check,"
          "table_size,levels,features,points,dense_levels,base_res,growth,gather_bytes,width,layers,rows,seq,head_dim,bh,"
          "rel_l2,max_abs_err")
COLS = HEADER.split(",")


class Nvml:
    def __init__(self):
        self.ok = False
        self.why = ""
        try:
            self.lib = ctypes.CDLL("libnvidia-ml.so.1")
            if self.lib.nvmlInit_v2() != 0:
                self.why = "nvmlInit_v2 failed"
                return
            self.dev = ctypes.c_void_p()
            bus = torch.cuda.get_device_properties(0)
            pci = getattr(bus, "pci_bus_id", None)
            r = -1
            if pci is not None:
                busid = "%08x:%02x:%02x.0" % (getattr(bus, "pci_domain_id", 0), pci, getattr(bus, "pci_device_id", 0))
                r = self.lib.nvmlDeviceGetHandleByPciBusId_v2(busid.encode(), ctypes.byref(self.dev))
            if r != 0:
                r = self.lib.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(self.dev))
            if r != 0:
                self.why = "no NVML device handle"
                return
            if self.energy_mj() is None:
                self.why = "nvmlDeviceGetTotalEnergyConsumption failed"
                return
            self.ok = True
        except OSError as e:
            self.why = "dlopen libnvidia-ml.so.1 failed: %s" % e

    def energy_mj(self):
        v = ctypes.c_ulonglong()
        if self.lib.nvmlDeviceGetTotalEnergyConsumption(self.dev, ctypes.byref(v)) != 0:
            return None
        return v.value

    def uint_query(self, fn, arg):
        v = ctypes.c_uint()
        f = getattr(self.lib, fn)
        r = f(self.dev, arg, ctypes.byref(v)) if arg is not None else f(self.dev, ctypes.byref(v))
        return v.value if r == 0 else None

    def temp_c(self):
        return self.uint_query("nvmlDeviceGetTemperature", 0)

    def sm_clock(self):
        return self.uint_query("nvmlDeviceGetClockInfo", 1)

    def reasons(self):
        v = ctypes.c_ulonglong()
        try:
            r = self.lib.nvmlDeviceGetCurrentClocksEventReasons(self.dev, ctypes.byref(v))
        except AttributeError:
            r = self.lib.nvmlDeviceGetCurrentClocksThrottleReasons(self.dev, ctypes.byref(v))
        return v.value if r == 0 else None


def time_calls(fn, warmup=5, runs=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    t = []
    for _ in range(runs):
        a.record()
        fn()
        b.record()
        b.synchronize()
        t.append(a.elapsed_time(b))
    return statistics.median(t), min(t), max(t), len(t)


def energy_window(nv, fn, target_s):
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    a.record()
    nb = 20
    for _ in range(nb):
        fn()
    b.record()
    b.synchronize()
    per = max(a.elapsed_time(b) / nb, 1e-4)
    n = max(3, int(math.ceil(target_s * 1000.0 / per)))
    torch.cuda.synchronize()
    e0 = nv.energy_mj()
    h0 = time.monotonic()
    a.record()
    for _ in range(n):
        fn()
    b.record()
    b.synchronize()
    h1 = time.monotonic()
    e1 = nv.energy_mj()
    if e0 is None or e1 is None:
        return {}
    r = nv.reasons()
    return {"energy_window_s": "%.4f" % (a.elapsed_time(b) * 1e-3), "launches_in_window": str(n),
            "energy_j_per_launch": "%.6g" % ((e1 - e0) * 1e-3 / n), "avg_power_w": "%.2f" % ((e1 - e0) * 1e-3 / (h1 - h0)),
            "temp_c_end": str(nv.temp_c() or ""), "sm_clock_mhz_end": str(nv.sm_clock() or ""),
            "clock_event_reasons_end": ("0x%x" % r) if r is not None else ""}


def backends():
    out = [("default", None)]
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        for name in ("FLASH_ATTENTION", "EFFICIENT_ATTENTION", "CUDNN_ATTENTION"):
            if hasattr(SDPBackend, name):
                out.append((name.lower().replace("_attention", ""), (sdpa_kernel, getattr(SDPBackend, name))))
    except ImportError:
        pass
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "."
    energy_s = float(sys.argv[sys.argv.index("--energy-s") + 1]) if "--energy-s" in sys.argv else 1.0
    deadline_s = float(sys.argv[sys.argv.index("--deadline-s") + 1]) if "--deadline-s" in sys.argv else 90.0
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.monotonic()
    dev = torch.device("cuda")
    nv = Nvml()
    props = torch.cuda.get_device_properties(0)
    path = os.path.join(out_dir, "sdpa.csv")
    B, H, E = 8, 12, 64
    fails = 0
    rows = 0
    with open(path, "w") as f:
        meta = {
            "program": "sdpa_timing.py",
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "gpu_name": torch.cuda.get_device_name(0),
            "compute_capability": "%d.%d" % (props.major, props.minor),
            "sm_count": str(props.multi_processor_count),
            "torch_version": torch.__version__,
            "torch_cuda_version": str(torch.version.cuda),
            "cudnn_version": str(torch.backends.cudnn.version()),
            "nvml_status": "ok" if nv.ok else nv.why,
            "timing": "CUDA event pair around each call; 5 warm-up, 20 timed; median/min/max",
            "energy": "window of ~%.2f s of back-to-back calls; torch.cuda.synchronize then "
                      "nvmlDeviceGetTotalEnergyConsumption before and after (no steady-state sampler)" % energy_s,
            "shape": "q k v (B=8, H=12, S, E=64) fp16 contiguous, non-causal, no mask, dropout 0, default scale",
            "inputs": "q ~ uniform[-2,2), k v ~ uniform[-1,1) (same ranges as neural.cu)",
            "bytes": "Q K V O each read/written once",
            "flops": "4*BH*S*S*E",
        }
        for k, v in meta.items():
            f.write("# %s: %s\n" % (k, str(v).replace("\n", " ")))
        f.write(HEADER + "\n")
        for S in (512, 1024, 2048, 4096):
            g = torch.Generator(device=dev).manual_seed(S)
            q = (torch.rand(B, H, S, E, device=dev, generator=g) * 4 - 2).half()
            k = (torch.rand(B, H, S, E, device=dev, generator=g) * 2 - 1).half()
            v = (torch.rand(B, H, S, E, device=dev, generator=g) * 2 - 1).half()
            # float64 reference for one slice (last batch, last head)
            qs, ks, vs = (x[-1, -1].double() for x in (q, k, v))
            ref = torch.softmax(qs @ ks.T / math.sqrt(E), dim=-1) @ vs
            for bname, ctx in backends():
                if time.monotonic() - t0 > deadline_s:
                    print("deadline: skipping %s s%d" % (bname, S))
                    continue
                row = {c: "" for c in COLS}
                row.update({"name": "sdpa_%s_bh%d_s%d_e%d" % (bname, B * H, S, E), "class": "attention_lib",
                            "dtype": "fp16", "flops": "%.0f" % (4.0 * B * H * S * S * E),
                            "bytes": "%.0f" % (4.0 * B * H * S * E * 2), "M": str(S), "N": str(S), "K": str(E),
                            "batch": str(B * H), "seq": str(S), "head_dim": str(E), "bh": str(B * H),
                            "layout": "torch SDPA backend=%s; (B H S E) contiguous" % bname, "runs": "0"})

                def call():
                    if ctx is None:
                        return F.scaled_dot_product_attention(q, k, v)
                    with ctx[0](ctx[1]):
                        return F.scaled_dot_product_attention(q, k, v)
                try:
                    o = call()
                    torch.cuda.synchronize()
                except Exception as e:  # backend refuses these inputs
                    row["check"] = ("n/a unsupported %s" % str(e).splitlines()[0][:150]).replace(",", ";")
                    f.write(",".join(row[c] for c in COLS) + "\n")
                    print("%-32s unsupported" % row["name"])
                    continue
                got = o[-1, -1].double()
                rel = (torch.linalg.norm(got - ref) / torch.linalg.norm(ref)).item()
                mx = (got - ref).abs().max().item()
                nonfinite = int((~torch.isfinite(o)).sum().item())
                ok = nonfinite == 0 and rel <= 1e-2
                if not ok:
                    fails += 1
                    print("CHECK FAIL %s: rel_l2=%.2e nonfinite=%d" % (row["name"], rel, nonfinite))
                row["check"] = "%s nonfinite=%d slice(b=-1;h=-1) rel_l2=%.2e max_abs=%.2e tol 1e-2" % (
                    "ok" if ok else "FAIL", nonfinite, rel, mx)
                row["rel_l2"] = "%.3e" % rel
                row["max_abs_err"] = "%.3e" % mx
                med, mn, mxt, n = time_calls(call)
                row.update({"median_ms": "%.6f" % med, "min_ms": "%.6f" % mn, "max_ms": "%.6f" % mxt, "runs": str(n)})
                row["tflops"] = "%.4f" % (float(row["flops"]) / (med * 1e-3) * 1e-12)
                row["gbps"] = "%.2f" % (float(row["bytes"]) / (med * 1e-3) * 1e-9)
                if nv.ok and time.monotonic() - t0 < deadline_s - 5:
                    row.update(energy_window(nv, call, energy_s))
                f.write(",".join(row[c] for c in COLS) + "\n")
                f.flush()
                rows += 1
                print("  %-32s median %9.4f ms %8.2f TFLOP/s  %s W  [%s] t=%.0fs" % (
                    row["name"], med, float(row["tflops"]), row["avg_power_w"] or "-", row["check"],
                    time.monotonic() - t0))
            del q, k, v
            torch.cuda.empty_cache()
    print("SUMMARY sdpa: %d timed rows, %d check failures, %.1f s -> %s" % (rows, fails, time.monotonic() - t0, path))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
