"""How the NGPC's speedup on NeRF at 4K and its area follow its processors, grid-SRAM size and clock:
the sensitivity of the paper's design (Mubarik et al., ISCA 2023; docs/ngpc.md) with the grid SRAM
sized for real (CAPACITY mode: a level larger than an engine's SRAM misses to L2 at the rate its size
implies), and the Pareto front of speedup and area.

    cascade script examples/ngpc_sensitivity.py [OUT_DIR]

Sweeps processors (8 to 64), the grid SRAM per engine (256 KiB to 4 MiB) and the clock (0.5 to
1.5 GHz) of configs/arch/ngpc.pbtxt on workloads/library/neural_graphics/nerf.pbtxt at 4K, prints
the front (the designs no other beats in both speedup and area) and the smallest design that
renders 4K at 30 frames a second. With OUT_DIR, writes every row (ngpc_sensitivity.csv) and the
front's chart (ngpc_sensitivity_front.png, .svg).
"""
import csv
import os
import sys

import cascade

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGPC = os.path.join(ROOT, "configs", "arch", "ngpc.pbtxt")
NERF = os.path.join(ROOT, "workloads", "library", "neural_graphics", "nerf.pbtxt")
KIB = 1024
PIXELS_4K = 3840 * 2160


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else None
    processors = [8, 16, 32, 64]
    srams = [256 * KIB, 512 * KIB, 1024 * KIB, 2048 * KIB, 4096 * KIB]
    clocks = [0.5e9, 1.0e9, 1.5e9]
    spec = {"arch": [NGPC], "workload": [NERF], "sizes": {"P": PIXELS_4K},
            "axis": [{"field": "grid_sram_mode", "values": ["CAPACITY"]},
                     {"field": "processors", "values": processors},
                     {"field": "encoding.grid_sram_bytes", "values": srams},
                     {"field": "clock_hz", "values": clocks}],
            "metric": ["seconds", "stat.speedup", "stat.frames_per_second", "area_mm2"]}
    rows = [r for r in cascade.sweep(spec, root=ROOT, threads=2) if "error" not in r]
    front = cascade.pareto(rows, minimize=["area_mm2"], maximize=["stat.speedup"])
    front.sort(key=lambda r: r["area_mm2"])
    print(f"NGPC beside the RTX 3090 on NeRF at 4K, grid SRAM in CAPACITY mode: {len(rows)} designs, "
          f"{len(front)} on the Pareto front of speedup and area:")
    print(f"{'N':>3} {'SRAM KiB':>9} {'GHz':>5} {'speedup':>8} {'FPS':>7} {'area mm2':>9}")
    for r in front:
        p = r["params"]
        print(f"{p['processors']:>3} {int(p['encoding.grid_sram_bytes']) // KIB:>9} {float(p['clock_hz']) / 1e9:>5.1f} "
              f"{r['stat.speedup']:>8.1f} {r['stat.frames_per_second']:>7.1f} {r['area_mm2']:>9.1f}")
    fast_enough = [r for r in rows if r["stat.frames_per_second"] >= 30]
    if fast_enough:
        best = min(fast_enough, key=lambda r: r["area_mm2"])
        p = best["params"]
        print(f"smallest design at 4K@30: {p['processors']} processors, {int(p['encoding.grid_sram_bytes']) // KIB} KiB "
              f"per engine, {float(p['clock_hz']) / 1e9:.1f} GHz: {best['stat.frames_per_second']:.1f} FPS in "
              f"{best['area_mm2']:.1f} mm2")
    else:
        print("no design renders 4K at 30 frames a second")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "ngpc_sensitivity.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "processors", "grid_sram_bytes", "clock_hz", "seconds", "speedup", "frames_per_second",
                        "area_mm2"])
            for r in rows:
                p = r["params"]
                w.writerow([r["id"], p["processors"], p["encoding.grid_sram_bytes"], p["clock_hz"], repr(r["seconds"]),
                            repr(r["stat.speedup"]), repr(r["stat.frames_per_second"]), repr(r["area_mm2"])])
        cascade.plot_pareto(rows, front, "area_mm2", "stat.speedup", os.path.join(out_dir, "ngpc_sensitivity_front"))
        print(f"wrote {out_dir}/ngpc_sensitivity.csv, ngpc_sensitivity_front.png and .svg")


main()
