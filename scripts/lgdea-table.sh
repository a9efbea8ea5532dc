#!/usr/bin/env bash
# The LGDEA table (issue 7): runs `ingestctl bench lgdea` once per seed, keeps the JSON lines, and
# prints mean ± sd (sample sd over seeds) per arm and metric as a Markdown table.
# usage: scripts/lgdea-table.sh BIN_DIR OUT.jsonl "SEEDS" [bench lgdea flags...]
#        scripts/lgdea-table.sh --aggregate OUT.jsonl      (only aggregate existing lines)
# e.g.   scripts/lgdea-table.sh .build/release runs/p10.jsonl "1 2 3" --paired-fraction 0.1
set -euo pipefail
if [[ ${1:-} == --aggregate ]]; then
    out=$2
else
    bin=$1; out=$2; seeds=$3; shift 3
    mkdir -p "$(dirname "$out")"
    for s in $seeds; do
        "$bin/ingestctl" bench lgdea --seed "$s" --json "$@" >>"$out"
    done
fi
python3 - "$out" <<'PY'
import json, math, sys
rows = {}
configs = set()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    d = json.loads(line)
    configs.add((d["studies"], d["paired_fraction"], d["epochs"], d["steps"], d["style"]))
    for a in d["arms"]:
        rows.setdefault(a["arm"], []).append(a)
metrics = ["zero_shot_auc", "normal_abnormal_auc", "i2r_p5", "i2r_p10", "r2i_p5", "r2i_p10", "pointing", "mean_iou",
           "confounder_share", "wall_seconds"]
def stat(v):
    v = [x for x in v if x is not None]
    if not v:
        return "–"
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return f"{m:.0f} ± {sd:.0f}" if m > 10 else f"{m:.3f} ± {sd:.3f}"
print("configs (studies, paired_fraction, epochs, steps, style):", sorted(configs))
print("| arm | n | " + " | ".join(metrics) + " |")
print("|---|---|" + "---|" * len(metrics))
order = ["clip-paired", "clip-all", "medclip", "lgdea", "lgdea-no-unpaired", "untrained"]
for arm in sorted(rows, key=lambda a: order.index(a) if a in order else 99):
    r = rows[arm]
    print(f"| {arm} | {len(r)} | " + " | ".join(stat([x.get(m) for x in r]) for m in metrics) + " |")
PY
