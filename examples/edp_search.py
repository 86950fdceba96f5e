"""A search for FuseMax's lowest energy-delay product on BERT-Base at 16K tokens, within the area of
FuseMax's own cloud configuration, in at most 2,000 evaluations: random starts, then local refinement;
beside the exhaustive sweep's optimum.

    cascade script examples/edp_search.py [SEED]

The space: the 2D array's rows and columns (16 to 1024 in steps of 16) and the global buffer (4, 8, 16,
32 or 64 MiB, its energy per access scaled with the square root of its capacity): 20,480
configurations, of which those within the area budget count. The search evaluates 200 random feasible
configurations, then climbs from the best 8 of them: at each step it evaluates the unevaluated
neighbours (one step in one, two or three dimensions) and moves to the best, until none is better.
"""
import math
import os
import random
import sys

import cascade
from fusemax_buffer import MIB, energy_fields, line_energy_pj

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUSEMAX = os.path.join(ROOT, "configs", "arch", "fusemax_cloud.pbtxt")
BERT = os.path.join(ROOT, "workloads", "library", "transformers", "bert_base.pbtxt")
SIZES = list(range(16, 1025, 16))
CAPACITIES = [4 * MIB, 8 * MIB, 16 * MIB, 32 * MIB, 64 * MIB]
LINE_PJ = [line_energy_pj(c) for c in CAPACITIES]
TOKENS = 16384
BUDGET_EVALUATIONS = 2000



class Space:
    def __init__(self, budget, read, write):
        self.budget, self.read, self.write = budget, read, write
        self.seen = {}

    def overrides(self, point):
        r, c, b = point
        return {"array2d.rows": SIZES[r], "array2d.cols": SIZES[c], "global_buffer.capacity_bytes": CAPACITIES[b],
                self.read: LINE_PJ[b], self.write: LINE_PJ[b]}

    def inside(self, point):
        return all(0 <= i < n for i, n in zip(point, (len(SIZES), len(SIZES), len(CAPACITIES))))

    def edp(self, point):
        """The point's EDP (infinite beyond the area budget); each new point is one evaluation."""
        if point not in self.seen:
            arch = cascade.load_arch(FUSEMAX, self.overrides(point))
            if arch.area_mm2 > self.budget:
                self.seen[point] = math.inf
            else:
                r = cascade.run(arch, BERT, {"M": TOKENS})
                self.seen[point] = r["seconds"] * r["energy_pj"] * 1e-12
        return self.seen[point]


def exhaustive(budget, read, write):
    spec = {"arch": [FUSEMAX], "workload": [BERT], "sizes": {"M": TOKENS},
            "axis": [{"field": "array2d.rows", "values": SIZES}, {"field": "array2d.cols", "values": SIZES}],
            "zip": [{"axis": [{"field": "global_buffer.capacity_bytes", "values": CAPACITIES},
                              {"field": read, "values": LINE_PJ}, {"field": write, "values": LINE_PJ}]}],
            "constraint": [{"name": "area_mm2", "max": budget}], "metric": ["edp_js"]}
    rows = [r for r in cascade.sweep(spec, root=ROOT, threads=2) if "error" not in r]
    return len(rows), min(rows, key=lambda r: r["edp_js"])


def search(space, rng):
    starts = []
    while len(starts) < 200 and len(space.seen) < BUDGET_EVALUATIONS:
        point = (rng.randrange(len(SIZES)), rng.randrange(len(SIZES)), rng.randrange(len(CAPACITIES)))
        if point not in space.seen and space.edp(point) < math.inf:
            starts.append(point)
    steps = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1) if (a, b, c) != (0, 0, 0)]
    for point in sorted(starts, key=space.edp)[:8]:
        while len(space.seen) < BUDGET_EVALUATIONS:
            neighbours = [n for n in (tuple(p + s for p, s in zip(point, step)) for step in steps) if space.inside(n)]
            best = min(neighbours, key=space.edp)
            if space.edp(best) >= space.edp(point):
                break
            point = best
    return min(space.seen, key=space.seen.get)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    base = cascade.load_arch(FUSEMAX)
    read, write = energy_fields(base)
    space = Space(base.area_mm2, read, write)
    best = search(space, random.Random(seed))
    feasible, optimum = exhaustive(base.area_mm2, read, write)
    found = space.seen[best]
    gap = found / optimum["edp_js"] - 1
    rows, cols, buffer = SIZES[best[0]], SIZES[best[1]], CAPACITIES[best[2]] // MIB
    p = optimum["params"]
    print(f"FuseMax on BERT-Base at {TOKENS} tokens, area within {base.area_mm2:.1f} mm2: "
          f"{len(SIZES) ** 2 * len(CAPACITIES)} configurations, {feasible} within the area")
    print(f"search (seed {seed}): {len(space.seen)} evaluations, best EDP {found:.6g} J*s at "
          f"{rows} x {cols}, {buffer} MiB")
    print(f"exhaustive optimum: EDP {optimum['edp_js']:.6g} J*s at {p['array2d.rows']} x {p['array2d.cols']}, "
          f"{int(p['global_buffer.capacity_bytes']) // MIB} MiB")
    print(f"finding: the search is within {100 * gap:.2f}% of the exhaustive optimum")


main()
