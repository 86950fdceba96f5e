"""What the Llama-2 7B decoder layer's time on an H100 follows: more or fewer SMs, a faster or slower
clock, more or less memory bandwidth, one at a time, on the calibrated H100 model.

    cascade script examples/gpu_whatif_llama.py [TOKENS]

A what-if GPU keeps the H100's design and scales one resource: the SM count with the chip's peak rates
(every SM brings its tensor cores and FMA units), the SM clock with the peak rates too, or the HBM
bandwidth alone. For each, the layer's time at TOKENS tokens (4096) and its elasticity: the power of the
resource the time follows, -d log(time) / d log(resource), 1 for a layer bound by that resource, 0 for
one it does not touch.
"""
import math
import os
import sys

import cascade

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
H100 = os.path.join(ROOT, "configs", "arch", "gpu", "h100_sxm.calibrated.pbtxt")
LLAMA = os.path.join(ROOT, "workloads", "library", "transformers", "llama2_7b_layer.pbtxt")

# The H100 config's peak rates (configs/arch/gpu/h100_sxm.calibrated.pbtxt), scaled with SMs and clock.
PEAKS = {"peak.fp32_fma_per_second": 33.45e12, "peak.fp64_fma_per_second": 16.73e12,
         "peak.sfu_ops_per_second": 4.18e12, "peak.tensor_flops_per_second[bf16]": 989.4e12,
         "peak.tensor_flops_per_second[fp16]": 989.4e12, "peak.tensor_flops_per_second[fp8]": 1978.9e12,
         "peak.tensor_flops_per_second[tf32]": 494.7e12}
SMS, BOOST_MHZ, HBM = 132, 1980, 3.35e12


def scaled_peaks(factor):
    return {path: value * factor for path, value in PEAKS.items()}


def what_ifs():
    """(resource, factor, overrides) for each what-if GPU."""
    for f in (0.5, 0.75, 1.5, 2.0):
        yield "SMs", f, {"sm_count": round(SMS * f), **scaled_peaks(round(SMS * f) / SMS)}
    for f in (0.75, 0.9, 1.1, 1.25):
        yield "SM clock", f, {"clocks.sm_boost_mhz": BOOST_MHZ * f, "clocks.sm_base_mhz": 1590 * min(f, 1.0),
                              **scaled_peaks(f)}
    for f in (0.5, 0.75, 1.5, 2.0):
        yield "HBM bandwidth", f, {"memory.dram_bandwidth_bytes_per_second": HBM * f}


def main():
    tokens = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    base = cascade.run(cascade.load_arch(H100), LLAMA, {"M": tokens})
    print(f"Llama-2 7B layer, {tokens} tokens, on the calibrated H100: {base['seconds'] * 1e3:.3f} ms, "
          f"{len(base['kernel'])} kernels")
    print(f"{'resource':<14} {'x':>5} {'ms':>9} {'speedup':>8}")
    elasticity = {}
    for resource, factor, overrides in what_ifs():
        r = cascade.run(cascade.load_arch(H100, overrides), LLAMA, {"M": tokens})
        speedup = base["seconds"] / r["seconds"]
        elasticity.setdefault(resource, []).append(math.log(speedup) / math.log(factor))
        print(f"{resource:<14} {factor:>5.2f} {r['seconds'] * 1e3:>9.3f} {speedup:>8.3f}")
    print("elasticity of the layer's time (1: bound by it, 0: untouched by it):")
    for resource, values in elasticity.items():
        print(f"  {resource:<14} {sum(values) / len(values):.2f}")
    leading = max(elasticity, key=lambda k: sum(elasticity[k]) / len(elasticity[k]))
    print(f"finding: the layer's time follows {leading} most")


main()
