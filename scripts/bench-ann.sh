#!/usr/bin/env bash
# `make bench-ann`: the 100k x 128 ANN comparison. Generates the deterministic dataset once, runs
# the Python peers (hnswlib, faiss HNSW, faiss flat, usearch) and `ingestctl bench ann` on the same
# files with the same parameters, prints each JSON document and a summary of the ratios.
# Usage: bench-ann.sh BIN_DIR PYTHON DATA_DIR [THREADS]
set -euo pipefail
bin=$1; py=$2; data=$3; threads=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$data/gt.npy" ]; then
    "$py" "$here/peers/ann.py" generate --out "$data" >&2
fi
args=(--base "$data/base.npy" --queries "$data/queries.npy" --gt "$data/gt.npy" --k 10 --m 16 --ef-construction 200 --ef 10,16,32,64,128,256 --threads "$threads" --json)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin/ingestctl" bench ann "${args[@]}" > "$out/ours.json"
"$py" "$here/peers/ann.py" run "${args[@]}" > "$out/peers.json"
echo "ours:  $(cat "$out/ours.json")"
echo "peers: $(cat "$out/peers.json")"
"$py" - "$out/ours.json" "$out/peers.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1])); peers = json.load(open(sys.argv[2]))
def first_at(points, r=0.95):
    ok = [p for p in points if p["recall_at_10"] >= r]
    return min(ok, key=lambda p: p["ef"]) if ok else None
summary = {"ours": {"build_seconds": ours["build_seconds"], "at_recall_0.95": first_at(ours["points"]), "exact_qps": ours["exact_qps"]}}
for name in ("hnswlib", "faiss_hnsw", "usearch"):
    p = peers.get(name, {})
    if "points" in p:
        summary[name] = {"build_seconds": p["build_seconds"], "at_recall_0.95": first_at(p["points"])}
h = summary.get("hnswlib", {})
if h.get("at_recall_0.95") and summary["ours"]["at_recall_0.95"]:
    summary["qps_ratio_vs_hnswlib_at_recall_0.95"] = summary["ours"]["at_recall_0.95"]["qps"] / h["at_recall_0.95"]["qps"]
    summary["qps_ratio_vs_hnswlib_same_ef"] = {
        str(o["ef"]): o["qps"] / p["qps"] for o, p in zip(ours["points"], peers["hnswlib"]["points"])}
    summary["qps_cpu_ratio_vs_hnswlib_same_ef"] = {
        str(o["ef"]): o["qps_cpu"] / p["qps_cpu"] for o, p in zip(ours["points"], peers["hnswlib"]["points"])}
    summary["build_ratio_vs_hnswlib"] = ours["build_seconds"] / h["build_seconds"]
    summary["build_cpu_ratio_vs_hnswlib"] = ours["build_cpu_seconds"] / peers["hnswlib"]["build_cpu_seconds"]
if "qps" in peers.get("faiss_flat", {}):
    summary["exact_ratio_vs_faiss_flat"] = ours["exact_qps"] / peers["faiss_flat"]["qps"]
    summary["exact_cpu_ratio_vs_faiss_flat"] = ours["exact_qps_cpu"] / peers["faiss_flat"]["qps_cpu"]
print("summary: " + json.dumps(summary))
PY
