#!/usr/bin/env bash
# `make bench`: every benchmark that exists, each printing JSON on stdout (progress on stderr).
set -euo pipefail
bin=$1; data=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${INGESTD_CACHE:-$HOME/.cache/ingestd}

echo "== bench decode (ingestctl in-process vs a C++ loop calling DCMTK vs pydicom)" >&2
make -C "$root" --no-print-directory "$root/.build/bench/dcmtk-decode-loop" >&2
"$here/bench-decode.sh" "$bin" "$root/.build/bench" "$data"

echo "== bench extract (rule extractor, one core, Open-i)" >&2
"$bin/ingestctl" bench extract --json

echo "== bench store" >&2
"$bin/ingestctl" bench store --json

echo "== bench ann (100k x 128; peers in the same run)" >&2
"$here/bench-ann.sh" "$bin" "${INGESTD_PYTHON:-$cache/venv/bin/python3}" "$cache/ann-100k-128" 1

echo "== bench train-step (vs sgemm at 1024² in the same run) and supervised sanity runs (Learner)" >&2
"$bin/ingestctl" bench train-step --image-size 64 --batch 32 --json
"$bin/ingestctl" bench train-step --image-size 128 --batch 8 --json
"$bin/ingestctl" learner train-supervised --npz "$data/images/pneumoniamnist_28px_trainsubset.npz" --epochs 6 --json
"$bin/ingestctl" learner train-supervised --folder "$data/images/NIH1000_64px" --epochs 8 --json

echo "== bench cstore (storescu, one association: ingestd vs Orthanc on the same files, same run)" >&2
"$bin/ingestctl" bench cstore --phantom 500 --runs 3 --json
