#!/usr/bin/env python3
"""ANN peers for `ingestctl bench ann`: the same .npy files through hnswlib, faiss HNSW, faiss flat
and (if installed) usearch, one query at a time on the given number of threads.

  ann.py generate --out DIR            # deterministic 100,000 x 128 clustered, L2-normalised set
  ann.py run --base B --queries Q --gt GT --k 10 --m 16 --ef-construction 200 \
             --ef 10,16,32,64,128,256 --threads 1 --json

`generate` writes base.npy (float32 n x d), queries.npy (float32 q x d) and gt.npy (int64 q x 100,
exact inner-product top-100 ids, best first). Vectors are L2-normalised, so inner product = cosine.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def generate(args):
    rng = np.random.default_rng(args.seed)
    d = args.dim
    centers = rng.standard_normal((args.clusters, d)).astype(np.float32)
    # Clusters of unequal size and spread, like embeddings of a skewed collection.
    weights = rng.gamma(1.0, 1.0, args.clusters)
    weights /= weights.sum()
    spread = rng.uniform(0.4, 0.9, args.clusters).astype(np.float32)

    def draw(n):
        c = rng.choice(args.clusters, size=n, p=weights)
        x = centers[c] + spread[c, None] * rng.standard_normal((n, d)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return x.astype(np.float32)

    base = draw(args.n)
    queries = draw(args.queries)
    k = min(args.gt_k, args.n)
    gt = np.empty((args.queries, k), dtype=np.int64)
    for s in range(0, args.queries, 100):
        sims = queries[s:s + 100] @ base.T
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(sims, part, axis=1).argsort(axis=1)[:, ::-1]
        gt[s:s + 100] = np.take_along_axis(part, order, axis=1)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "base.npy"), base)
    np.save(os.path.join(args.out, "queries.npy"), queries)
    np.save(os.path.join(args.out, "gt.npy"), gt)
    print(json.dumps({"out": args.out, "n": args.n, "dim": d, "queries": args.queries, "gt_k": k, "seed": args.seed}))


def recall(found, gt, k):
    hits = 0
    for f, g in zip(found, gt):
        hits += len(set(int(x) for x in f[:k]) & set(int(x) for x in g[:k]))
    return hits / (len(gt) * k)


REPEATS = 3


def timed_queries(search, queries):
    """One query at a time; returns (ids per query of the first pass, queries per wall second,
    per CPU second of this thread), the fastest of REPEATS passes (shared-machine noise). The
    peers run their search on the calling thread when set to one thread."""
    first, best, best_cpu = None, 0.0, 0.0
    for _ in range(REPEATS):
        out = []
        t = time.perf_counter()
        c = time.thread_time()
        for i in range(len(queries)):
            out.append(search(queries[i:i + 1]))
        cpu = time.thread_time() - c
        wall = time.perf_counter() - t
        best, best_cpu = max(best, len(queries) / wall), max(best_cpu, len(queries) / max(cpu, 1e-9))
        first = first if first is not None else out
    return first, best, best_cpu


def run_hnswlib(base, queries, gt, a):
    import hnswlib
    idx = hnswlib.Index(space="ip", dim=base.shape[1])
    idx.init_index(max_elements=len(base), ef_construction=a.ef_construction, M=a.m, random_seed=100)
    idx.set_num_threads(a.threads)
    t, c = time.perf_counter(), time.process_time()
    idx.add_items(base, np.arange(len(base)), num_threads=a.threads)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    idx.set_num_threads(1)
    points = []
    for ef in a.ef:
        idx.set_ef(max(ef, a.k))
        found, qps, qps_cpu = timed_queries(lambda q: idx.knn_query(q, k=a.k, num_threads=1)[0][0], queries)
        points.append({"ef": ef, "recall_at_10": recall(found, gt, a.k), "qps": qps, "qps_cpu": qps_cpu})
    return {"build_seconds": build, "build_cpu_seconds": build_cpu, "points": points}


def run_faiss_hnsw(base, queries, gt, a):
    import faiss
    faiss.omp_set_num_threads(a.threads)
    idx = faiss.IndexHNSWFlat(base.shape[1], a.m, faiss.METRIC_INNER_PRODUCT)
    idx.hnsw.efConstruction = a.ef_construction
    t = time.perf_counter()
    idx.add(base)
    build = time.perf_counter() - t
    faiss.omp_set_num_threads(1)
    points = []
    for ef in a.ef:
        idx.hnsw.efSearch = max(ef, a.k)
        found, qps, qps_cpu = timed_queries(lambda q: idx.search(q, a.k)[1][0], queries)
        points.append({"ef": ef, "recall_at_10": recall(found, gt, a.k), "qps": qps, "qps_cpu": qps_cpu})
    return {"build_seconds": build, "points": points}


def run_faiss_flat(base, queries, gt, a):
    import faiss
    faiss.omp_set_num_threads(1)
    idx = faiss.IndexFlatIP(base.shape[1])
    idx.add(base)
    found, qps, qps_cpu = timed_queries(lambda q: idx.search(q, a.k)[1][0], queries[: a.exact_queries])
    return {"qps": qps, "qps_cpu": qps_cpu, "recall_at_10": recall(found, gt[: a.exact_queries], a.k)}


def run_usearch(base, queries, gt, a):
    from usearch.index import Index
    idx = Index(ndim=base.shape[1], metric="ip", dtype="f32", connectivity=a.m,
                expansion_add=a.ef_construction, expansion_search=64)
    t = time.perf_counter()
    idx.add(np.arange(len(base)), base, threads=a.threads)
    build = time.perf_counter() - t
    points = []
    for ef in a.ef:
        idx.expansion_search = max(ef, a.k)
        found, qps, qps_cpu = timed_queries(lambda q: idx.search(q[0], a.k, threads=1).keys, queries)
        points.append({"ef": ef, "recall_at_10": recall(found, gt, a.k), "qps": qps, "qps_cpu": qps_cpu})
    return {"build_seconds": build, "points": points}


PEERS = {"hnswlib": run_hnswlib, "faiss_hnsw": run_faiss_hnsw, "faiss_flat": run_faiss_flat, "usearch": run_usearch}


def run(args):
    global REPEATS
    REPEATS = max(1, args.repeats)
    base = np.ascontiguousarray(np.load(args.base), dtype=np.float32)
    queries = np.ascontiguousarray(np.load(args.queries), dtype=np.float32)
    gt = np.load(args.gt).astype(np.int64)
    if gt.shape[1] < args.k:
        sys.exit(f"gt has {gt.shape[1]} columns, fewer than k={args.k}")
    result = {"n": int(base.shape[0]), "dim": int(base.shape[1]), "queries": int(len(queries)), "k": args.k,
              "m": args.m, "ef_construction": args.ef_construction, "threads": args.threads, "repeats": REPEATS}
    for name in args.peers.split(","):
        try:
            result[name] = PEERS[name](base, queries, gt, args)
        except ImportError as e:
            result[name] = {"skipped": f"not installed: {e.name}"}
        print(f"ann.py: {name} done", file=sys.stderr)
    print(json.dumps(result, indent=None if args.json else 2))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--n", type=int, default=100_000)
    g.add_argument("--dim", type=int, default=128)
    g.add_argument("--queries", type=int, default=1_000)
    g.add_argument("--clusters", type=int, default=100)
    g.add_argument("--gt-k", type=int, default=100)
    g.add_argument("--seed", type=int, default=20240601)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True)
    r.add_argument("--queries", required=True)
    r.add_argument("--gt", required=True)
    r.add_argument("--k", type=int, default=10)
    r.add_argument("--m", type=int, default=16)
    r.add_argument("--ef-construction", type=int, default=200)
    r.add_argument("--ef", type=lambda s: [int(x) for x in s.split(",")], default=[10, 16, 32, 64, 128, 256])
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--exact-queries", type=int, default=200, help="queries timed for faiss flat")
    r.add_argument("--peers", default="hnswlib,faiss_hnsw,faiss_flat,usearch")
    r.add_argument("--repeats", type=int, default=3, help="timed passes per ef; the fastest is reported")
    r.add_argument("--json", action="store_true")
    args = p.parse_args()
    generate(args) if args.cmd == "generate" else run(args)


if __name__ == "__main__":
    main()
