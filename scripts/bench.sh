#!/usr/bin/env bash
# `make bench`: every benchmark that exists, each printing one JSON document.
set -euo pipefail
bin=$1; data=$2

# Learner: training-step efficiency against sgemm at 1024² (same run), and the engine's sanity runs.
"$bin/ingestctl" bench train-step --image-size 64 --batch 32 --json
"$bin/ingestctl" bench train-step --image-size 128 --batch 8 --json
"$bin/ingestctl" learner train-supervised --npz "$data/images/pneumoniamnist_28px_trainsubset.npz" --epochs 6 --json
"$bin/ingestctl" learner train-supervised --folder "$data/images/NIH1000_64px" --epochs 8 --json
