#!/usr/bin/env bash
# How hard is the phantom for the project's own CNN? Generates a corpus at 64 px, trains
# `ingestctl learner train-supervised` per finding on 300 labelled images (val 200, test 400) and
# prints one JSON line per finding plus the macro test AUC. Issue 5: the default ("hard") must not
# saturate (macro AUC < ~0.92 from 300 labels).
# usage: phantom-difficulty.sh BIN_DIR PYTHON [DIFFICULTY=hard] [SEED=101]
set -euo pipefail
bin=$1; py=$2; difficulty=${3:-hard}; seed=${4:-101}
work=$(mktemp -d /tmp/phantom-difficulty.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin/ingestctl" phantom generate --out "$work/corpus" --studies 900 --paired-fraction 1 --seed "$seed" \
    --image-size 64 --transfer-syntax raw --difficulty "$difficulty" >/dev/null
findings="cardiomegaly pleural_effusion edema emphysema consolidation lung_opacity atelectasis pneumothorax nodule mass"
"$py" - "$work" $findings <<'PY'
import json, sys
import numpy as np, pydicom
work, findings = sys.argv[1], sys.argv[2:]
images, present = [], []
for line in open(f"{work}/corpus/truth.jsonl"):
    r = json.loads(line)
    if not r.get("hasImage"):
        continue
    ds = pydicom.dcmread(f"{work}/corpus/{r['dicomFile']}")
    a = ds.pixel_array.astype(np.float32)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        a = float((1 << ds.BitsStored) - 1) - a
    images.append(np.clip(a / ((1 << ds.BitsStored) - 1) * 255.0, 0, 255).astype(np.uint8))
    present.append({f["finding"] for f in r["findings"]})
x = np.stack(images)
splits = {"train": slice(0, 300), "val": slice(300, 500), "test": slice(500, 900)}
for f in findings:
    y = np.array([1 if f in p else 0 for p in present], dtype=np.uint8)
    np.savez(f"{work}/{f}.npz", **{f"{s}_images": x[sl] for s, sl in splits.items()}, **{f"{s}_labels": y[sl] for s, sl in splits.items()})
PY
aucs=()
for f in $findings; do
    out=$("$bin/ingestctl" learner train-supervised --npz "$work/$f.npz" --epochs 12 --json)
    auc=$(printf '%s' "$out" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["test_auc"])')
    echo "{\"finding\":\"$f\",\"difficulty\":\"$difficulty\",\"test_auc\":$auc}"
    aucs+=("$auc")
done
"$py" -c 'import sys, json; d=sys.argv[1]; a=[float(v) for v in sys.argv[2:]]; print(json.dumps({"difficulty": d, "macro_test_auc": round(sum(a)/len(a), 4), "findings": len(a)}))' "$difficulty" "${aucs[@]}"
