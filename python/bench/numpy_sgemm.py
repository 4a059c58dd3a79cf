#!/usr/bin/python3
"""numpy's sgemm (the BLAS numpy is linked with: Debian's OpenBLAS here) on the shapes of the
receiver's 1000 x 256 x 256 layer, for `modelfree bench`: forward h W, weight gradient h^T g and
input gradient g W^T, float32. Prints one JSON object: per product and overall GFLOP/s (median
over the repetitions, after a warm-up), the BLAS library numpy reports, and the threads it may use.
Usage: numpy_sgemm.py [--rows 1000] [--inner 256] [--cols 256] [--reps 300]
"""
import argparse
import json
import os
import time

import numpy as np


def blas_name():
    """The BLAS behind numpy on Debian: libblas.so.3 is an alternative (OpenBLAS, reference BLAS, ...)."""
    for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
        if os.path.exists(path):
            return os.path.realpath(path)
    return "unknown"


def median_seconds(f, reps):
    for _ in range(max(20, reps // 3)):
        f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--inner", type=int, default=256)
    ap.add_argument("--cols", type=int, default=256)
    ap.add_argument("--reps", type=int, default=300)
    args = ap.parse_args()
    b, h, m = args.rows, args.inner, args.cols
    rng = np.random.default_rng(1)
    x = rng.standard_normal((b, h), dtype=np.float32)
    w = rng.standard_normal((h, m), dtype=np.float32)
    g = rng.standard_normal((b, m), dtype=np.float32)
    y = np.empty((b, m), np.float32)
    gw = np.empty((h, m), np.float32)
    gx = np.empty((b, h), np.float32)
    flops = 2.0 * b * h * m
    t = {
        "forward": median_seconds(lambda: np.matmul(x, w, out=y), args.reps),
        "weight_gradient": median_seconds(lambda: np.matmul(x.T, g, out=gw), args.reps),
        "input_gradient": median_seconds(lambda: np.matmul(g, w.T, out=gx), args.reps),
    }
    print(json.dumps({
        "numpy_version": np.__version__,
        "blas": blas_name(),
        "threads_env": {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ},
        "cpus": os.cpu_count(),
        "gflops": {k: flops / v / 1e9 for k, v in t.items()},
        "gflops_all": 3 * flops / sum(t.values()) / 1e9,
    }))


if __name__ == "__main__":
    main()
