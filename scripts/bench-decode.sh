#!/usr/bin/env bash
# Decode benchmark: `ingestctl bench decode` (in-process, release build) against a C++ loop that
# calls DCMTK's getUncompressedFrame directly, and pydicom, on the same files:
#   pydicom: every pydicom / pydicom-data file with pixel data;
#   chest:   the generated 512x512 12-bit chest corpus (scripts/make-chest-corpus.sh).
# Prints one JSON object per (file set, tool), then the ingestctl / DCMTK files-per-second ratio.
# Usage: bench-decode.sh RELEASE_BIN BENCH_BIN SHARED_DATA. REPEAT (default 5) passes per run.
set -euo pipefail
bin=$1; bench=$2; data=$3
repeat=${REPEAT:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CACHE:-$HOME/.cache/ingestd}
python=${INGESTD_PYTHON:-$cache/venv/bin/python3}
"$root/scripts/make-chest-corpus.sh" "$data/images" "$cache/chest-corpus" 100

mapfile -t pyfiles < <("$python" "$root/scripts/peers/pydicom_reference.py" list)
mapfile -t chest < <(find "$cache/chest-corpus" -name '*.dcm' | sort)

run_set() {
    local label=$1; shift
    # Warm the page cache once, then alternate the two DCMTK users so machine load hits both.
    "$bench/dcmtk-decode-loop" "$@" > /dev/null
    local c1 s1 c2 s2
    c1=$("$bench/dcmtk-decode-loop" --repeat "$repeat" "$@")
    s1=$("$bin/ingestctl" bench decode --repeat "$repeat" --json "$@")
    s2=$("$bin/ingestctl" bench decode --repeat "$repeat" --json "$@")
    c2=$("$bench/dcmtk-decode-loop" --repeat "$repeat" "$@")
    p=$("$python" "$root/scripts/peers/pydicom_decode.py" --repeat 1 "$@")
    echo "{\"set\":\"$label\",\"dcmtk_loop\":[$c1,$c2],\"ingestctl\":[$s1,$s2],\"pydicom\":$p}"
    "$python" - "$c1" "$c2" "$s1" "$s2" "$label" <<'PY'
import json, sys
c = [json.loads(x)["files_per_s"] for x in sys.argv[1:3]]
s = [json.loads(x)["files_per_s"] for x in sys.argv[3:5]]
print(json.dumps({"set": sys.argv[5], "ratio_ingestctl_over_dcmtk": round(max(s) / max(c), 3),
                  "ratio_mean": round(sum(s) / sum(c), 3)}))
PY
}
run_set pydicom "${pyfiles[@]}"
run_set chest "${chest[@]}"
