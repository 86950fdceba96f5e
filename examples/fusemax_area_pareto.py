"""FuseMax's 2D array shape and global buffer for BERT-Base at 64K tokens, within the area of FuseMax's
own cloud configuration: the Pareto front of time, energy and area among the shapes that fit.

    cascade script examples/fusemax_area_pareto.py [OUT_DIR]

Sweeps the 2D array's rows and columns (64 to 512) and the global buffer (4 to 64 MiB, its energy per
access scaled with the square root of its capacity as configs/arch/fusemax_cloud.pbtxt's is), keeps the
configurations whose area (arch/spatial/AreaModel.h) is at most FuseMax's, and prints the front: the
configurations no other beats in time, energy and area at once. With
OUT_DIR, writes every row (fusemax_area_sweep.csv), the front (fusemax_area_front.csv) and a chart
(fusemax_area_front.png, .svg).
"""
import csv
import os
import sys

import cascade
from fusemax_buffer import MIB, energy_fields, line_energy_pj

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUSEMAX = os.path.join(ROOT, "configs", "arch", "fusemax_cloud.pbtxt")
BERT = os.path.join(ROOT, "workloads", "library", "transformers", "bert_base.pbtxt")



def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else None
    base = cascade.load_arch(FUSEMAX)
    budget = base.area_mm2
    read, write = energy_fields(base)
    capacities = [4 * MIB, 8 * MIB, 16 * MIB, 32 * MIB, 64 * MIB]
    line_pj = [line_energy_pj(c) for c in capacities]
    sizes = list(range(64, 513, 64))
    spec = {"arch": [FUSEMAX], "workload": [BERT], "sizes": {"M": 65536},
            "axis": [{"field": "array2d.rows", "values": sizes}, {"field": "array2d.cols", "values": sizes}],
            "zip": [{"axis": [{"field": "global_buffer.capacity_bytes", "values": capacities},
                              {"field": read, "values": line_pj}, {"field": write, "values": line_pj}]}],
            "constraint": [{"name": "area_mm2", "max": budget}],
            "metric": ["seconds", "energy_j", "area_mm2", "edp_js"]}
    rows = cascade.sweep(spec, root=ROOT, threads=2)
    evaluated = [r for r in rows if "error" not in r]
    front = cascade.pareto(evaluated, minimize=["seconds", "energy_j", "area_mm2"])
    print(f"FuseMax on BERT-Base at 64K tokens, area budget {budget:.1f} mm2 (FuseMax's cloud configuration):")
    print(f"{len(sizes) ** 2 * len(capacities)} configurations, {len(rows)} within the budget, "
          f"{len(front)} on the Pareto front of time, energy and area:")
    print(f"{'rows':>5} {'cols':>5} {'buffer MiB':>10} {'seconds':>9} {'energy J':>9} {'area mm2':>9}")
    for r in front:
        p = r["params"]
        print(f"{p['array2d.rows']:>5} {p['array2d.cols']:>5} {int(p['global_buffer.capacity_bytes']) // MIB:>10} "
              f"{r['seconds']:>9.4f} {r['energy_j']:>9.2f} {r['area_mm2']:>9.1f}")
    own = cascade.run(base, BERT, {"M": 65536})
    fastest = min(front, key=lambda r: r["seconds"])
    print(f"FuseMax's own shape (256 x 256, 16 MiB): {own['seconds']:.4f} s; the fastest within its area: "
          f"{fastest['seconds']:.4f} s ({own['seconds'] / fastest['seconds']:.2f}x)")
    buffers = sorted({int(r["params"]["global_buffer.capacity_bytes"]) // MIB for r in front})
    print(f"finding: the front's buffers are {', '.join(str(b) for b in buffers)} MiB: at 64K tokens the area goes "
          f"to PEs, not buffer")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        for name, table in (("fusemax_area_sweep.csv", evaluated), ("fusemax_area_front.csv", front)):
            with open(os.path.join(out_dir, name), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["id", "array2d.rows", "array2d.cols", "global_buffer.capacity_bytes", "seconds",
                            "energy_j", "area_mm2", "edp_js"])
                for r in table:
                    p = r["params"]
                    w.writerow([r["id"], p["array2d.rows"], p["array2d.cols"], p["global_buffer.capacity_bytes"],
                                repr(r["seconds"]), repr(r["energy_j"]), repr(r["area_mm2"]), repr(r["edp_js"])])
        cascade.plot_pareto(evaluated, front, "area_mm2", "seconds", os.path.join(out_dir, "fusemax_area_front"))
        print(f"wrote {out_dir}/fusemax_area_sweep.csv, fusemax_area_front.csv, fusemax_area_front.png and .svg")


main()
