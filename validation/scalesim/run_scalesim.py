#!/usr/bin/env python3
"""Runs SCALE-Sim v2 (github.com/scalesim-project/scale-sim-v2) on GEMMs and collects its compute
reports into one CSV: the comparison `cascade reproduce scalesim` reads (docs/systolic.md).

    run_scalesim.py --scalesim SCALE_SIM_REPO --out FILE.csv [--python PYTHON] [--jobs N]

SCALE-Sim runs each GEMM alone (a one-layer GEMM topology, `-i gemm`) in a fresh process, so its
wall time is that GEMM's, on an array with SRAM large enough never to stall (1e6 kB a buffer). Its
dependencies come from Debian: python3-numpy python3-tqdm python3-pandas python3-absl.

The GEMMs: every layer of the GEMM topologies SCALE-Sim ships (topologies/GEMM_mnk/*.csv) and the
GEMMs of BERT-base at 512 tokens from our transformer library (workloads/library/transformers/
bert_base_layer.pbtxt: the QKV, output and FFN projections, one head's scores and values), and a
one-MAC GEMM whose wall time is SCALE-Sim's start-up (Python, imports, reports), on square
arrays of 8 to 256 PEs a side and two rectangular ones, with the output-, weight- and input-
stationary dataflows. SCALE-Sim builds each fold's operand matrices cycle by cycle in Python (about
4.5 us a cycle and array column on the machine the committed CSV was made on), so a run is kept
only where its cycles x columns stay under --max-work (default 2e6, about 10 s a run); the skipped
ones are listed on standard error.
"""
import argparse
import concurrent.futures
import csv
import glob
import math
import os
import subprocess
import sys
import tempfile
import time

ARRAYS = [(8, 8), (16, 16), (32, 32), (64, 64), (128, 128), (256, 256), (16, 64), (64, 16)]
DATAFLOWS = ["os", "ws", "is"]
# BERT-base (hidden 768, 12 heads of 64, FFN 3072) at 512 tokens, as C[M,N] = A[M,K] B[K,N].
BERT_BASE_SEQ512 = [("qkv_projection", 512, 2304, 768), ("output_projection", 512, 768, 768),
                    ("ffn_up", 512, 3072, 768), ("ffn_down", 512, 768, 3072),
                    ("attention_scores", 512, 512, 64), ("attention_values", 512, 64, 512)]

CONFIG = """[general]
run_name = gemm

[architecture_presets]
ArrayHeight: {rows}
ArrayWidth: {cols}
IfmapSramSzkB: 1000000
FilterSramSzkB: 1000000
OfmapSramSzkB: 1000000
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth: 10
Dataflow: {dataflow}
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
"""


def expected_cycles(m, n, k, rows, cols, dataflow):
    """SCALE-Sim's compute cycles as its code builds them, to size the runs: folds x fold - 1."""
    if dataflow == "os":
        return math.ceil(m / rows) * math.ceil(n / cols) * (k + rows + cols - 2) - 1
    t, folds = (m, math.ceil(k / rows) * math.ceil(n / cols)) if dataflow == "ws" else \
        (n, math.ceil(k / rows) * math.ceil(m / cols))
    return folds * (2 * rows + cols + t - 2) - 1


def gemms(scalesim):
    out = []
    for path in sorted(glob.glob(os.path.join(scalesim, "topologies", "GEMM_mnk", "*.csv"))):
        with open(path, newline="") as f:
            for row in list(csv.reader(f))[1:]:
                cells = [c.strip() for c in row if c.strip()]
                if len(cells) >= 4:
                    out.append((os.path.basename(path), cells[0], int(cells[1]), int(cells[2]), int(cells[3])))
    out += [("cascade:bert_base_layer@512", name, m, n, k) for name, m, n, k in BERT_BASE_SEQ512]
    # SCALE-Sim's start-up: a one-MAC GEMM, whose wall time is the interpreter, imports and reports.
    out.append(("startup", "one_mac", 1, 1, 1))
    return out


def run_one(scalesim, python, case):
    topology, layer, m, n, k, rows, cols, dataflow = case
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "scale.cfg"), "w") as f:
            f.write(CONFIG.format(rows=rows, cols=cols, dataflow=dataflow))
        with open(os.path.join(d, "gemm.csv"), "w") as f:
            f.write(f"Layer,M,N,K,\n{layer},{m},{n},{k},\n")
        start = time.monotonic()
        r = subprocess.run([python, os.path.join("scalesim", "scale.py"), "-c", os.path.join(d, "scale.cfg"),
                            "-t", os.path.join(d, "gemm.csv"), "-p", os.path.join(d, "out"), "-i", "gemm"],
                           cwd=scalesim, env=dict(os.environ, PYTHONPATH=scalesim), capture_output=True, text=True)
        wall = time.monotonic() - start
        if r.returncode != 0:
            raise RuntimeError(f"SCALE-Sim failed on {case}:\n{r.stderr[-2000:]}")
        with open(os.path.join(d, "out", "gemm", "COMPUTE_REPORT.csv"), newline="") as f:
            report = [[c.strip() for c in row] for row in csv.reader(f)]
    values = dict(zip(report[0], report[1]))
    return [topology, layer, m, n, k, rows, cols, dataflow, int(values["Total Cycles"]), int(values["Stall Cycles"]),
            values["Overall Util %"], values["Mapping Efficiency %"], values["Compute Util %"], f"{wall:.2f}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scalesim", required=True, help="a checkout of scale-sim-v2")
    ap.add_argument("--out", required=True, help="the CSV to write")
    ap.add_argument("--python", default=sys.executable, help="the Python that runs SCALE-Sim")
    ap.add_argument("--jobs", type=int, default=1, help="SCALE-Sim processes at once")
    ap.add_argument("--max-work", type=float, default=2e6, help="largest expected cycles x array columns run")
    ap.add_argument("--topologies", help="run only these topologies (comma-separated file names, "
                                         "cascade:bert_base_layer@512, startup)")
    args = ap.parse_args()
    scalesim = os.path.abspath(args.scalesim)
    commit = subprocess.run(["git", "-C", scalesim, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    cases = []
    for rows, cols in ARRAYS:
        for dataflow in DATAFLOWS:
            for topology, layer, m, n, k in gemms(scalesim):
                if args.topologies and topology not in args.topologies.split(","):
                    continue
                if expected_cycles(m, n, k, rows, cols, dataflow) * cols <= args.max_work:
                    cases.append((topology, layer, m, n, k, rows, cols, dataflow))
                else:
                    print(f"skipped {topology} {layer} ({m}x{n}x{k}) on {rows}x{cols} {dataflow}", file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: run_one(scalesim, args.python, c), cases))
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write(f"# SCALE-Sim v2 {commit or 'unknown commit'}, {len(results)} GEMMs, made by "
                f"validation/scalesim/run_scalesim.py\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["topology", "layer", "M", "N", "K", "rows", "cols", "dataflow", "total_cycles", "stall_cycles",
                    "overall_util_pct", "mapping_efficiency_pct", "compute_util_pct", "wall_s"])
        w.writerows(results)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {len(results)} GEMMs")


if __name__ == "__main__":
    main()
