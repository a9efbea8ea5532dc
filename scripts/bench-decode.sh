#!/usr/bin/env bash
# Decode benchmark: `ingestctl bench decode` (in-process, release build) against a C++ loop that
# calls DCMTK's getUncompressedFrame directly, and pydicom, on the same files:
#   pydicom: every pydicom / pydicom-data file with pixel data;
#   chest:   the generated 512x512 12-bit chest corpus (scripts/make-chest-corpus.sh).
# Prints per file set the best run of each tool (JSON as each prints it), then the runs and the
# ingestctl / DCMTK files-per-second ratios.
# Usage: bench-decode.sh RELEASE_BIN BENCH_BIN SHARED_DATA. REPEAT (default 2) passes per run,
# ROUNDS (default 5) alternating runs per tool.
set -euo pipefail
bin=$1; bench=$2; data=$3
repeat=${REPEAT:-2}
rounds=${ROUNDS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CACHE:-$HOME/.cache/ingestd}
python=${INGESTD_PYTHON:-$cache/venv/bin/python3}
"$root/scripts/make-chest-corpus.sh" "$data/images" "$cache/chest-corpus" 100

mapfile -t pyfiles < <("$python" "$root/scripts/peers/pydicom_reference.py" list)
mapfile -t chest < <(find "$cache/chest-corpus" -name '*.dcm' | sort)

run_set() {
    local label=$1; shift
    # Warm the page cache, then alternate the two DCMTK users ROUNDS times so machine load hits
    # both alike; the ratio is taken between the best runs (and reported between medians too).
    "$bench/dcmtk-decode-loop" "$@" > /dev/null
    local c=() s=()
    for _ in $(seq "$rounds"); do
        c+=("$("$bench/dcmtk-decode-loop" --repeat "$repeat" "$@")")
        s+=("$("$bin/ingestctl" bench decode --repeat "$repeat" --json "$@")")
    done
    p=$("$python" "$root/scripts/peers/pydicom_decode.py" --repeat 1 "$@")
    "$python" - "$label" "$p" "${c[@]}" "${s[@]}" <<'PY'
import json, statistics, sys
label, pydicom, runs = sys.argv[1], json.loads(sys.argv[2]), [json.loads(x) for x in sys.argv[3:]]
half = len(runs) // 2
dcmtk, ours = runs[:half], runs[half:]
best = lambda rs: max(rs, key=lambda r: r["files_per_s"])
median = lambda rs: statistics.median(r["files_per_s"] for r in rs)
print(json.dumps({"set": label, "dcmtk_loop": best(dcmtk), "ingestctl": best(ours), "pydicom": pydicom}))
print(json.dumps({"set": label, "rounds": len(dcmtk),
                  "dcmtk_loop_files_per_s": [round(r["files_per_s"], 1) for r in dcmtk],
                  "ingestctl_files_per_s": [round(r["files_per_s"], 1) for r in ours],
                  "ratio_best": round(best(ours)["files_per_s"] / best(dcmtk)["files_per_s"], 3),
                  "ratio_median": round(median(ours) / median(dcmtk), 3),
                  "pydicom_over_dcmtk": round(pydicom["files_per_s"] / best(dcmtk)["files_per_s"], 3)}))
PY
}
run_set pydicom "${pyfiles[@]}"
run_set chest "${chest[@]}"
