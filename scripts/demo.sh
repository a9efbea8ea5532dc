#!/usr/bin/env bash
# `make demo`: ingestd doing its job on a phantom PACS feed, with the embedded default configuration.
#   1. a real chest radiograph (tags and an ASCII thumbnail) and the rule extractor on Open-i;
#   2. a phantom feed: chest studies as real DICOM (raw / JPEG-LS / RLE) with HL7 ORU and JSON
#      reports, 70 % paired by accession, some reports for studies that never arrive;
#   3. ingestd on a temporary data directory; the feed streamed into its watched folders (write
#      under a hidden name, then rename, as a PACS export does), studies and reports in mixed
#      order, with a progress line from `GET /v1/status`;
#   4. a training round (POST /v1/train/now, followed until its version is served or rejected);
#   5. queries through ingestctl: free text, an evidence-filtered search, a grounding heatmap;
#   6. SIGTERM: the daemon finishes in-flight work and exits 0.
# DEMO_STUDIES (default 240), DEMO_SECONDS (streaming time, default 75) and DEMO_TRAIN_STEPS (60) can be set.
set -euo pipefail
bin=$1; data=$2
py=${INGESTD_PYTHON:-python3}
studies=${DEMO_STUDIES:-240}
stream_seconds=${DEMO_SECONDS:-75}
work=$(mktemp -d /tmp/ingestd-demo.XXXXXX)
sock="$work/ingestd.sock"
daemon_pid=""
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export INGESTD_SOCKET="$sock"   # ingestctl's default daemon
ctl() { "$bin/ingestctl" "$@"; }
api() { curl -sS --unix-socket "$sock" "$@"; }
counts() {
    api http://ingestd/v1/status | "$py" -c '
import json, sys
s = json.load(sys.stdin); c = s.get("counts", {})
print("%(instances)4d images  %(reports)4d reports  %(pairs)4d pairs  unpaired %(unpaired_studies)3d+%(unpaired_reports)-3d  quarantined %(quarantined)d  pending %(intake_pending)3d" % {k: c.get(k, 0) for k in ["instances","reports","pairs","unpaired_studies","unpaired_reports","quarantined","intake_pending"]})'
}
started=$(date +%s)

section "1. A real chest radiograph, and the rule extractor on Open-i (770 reports, NegBio gold standard)"
real="$data/dicom/siim_acr_CR_PA_jpeg.dcm"
"$bin/ingestctl" dicom inspect "$real"
"$bin/ingestctl" dicom thumbnail "$real" --width 48
openi="$data/reports/openi"
"$bin/ingestctl" evidence eval-openi --reports "$openi/NLMCXR_reports.tgz" --gold "$openi/openi_gld_std14.csv" \
    --split "$openi/openi-testset.txt" | head -n 4

section "2. A phantom PACS feed: $studies chest studies (256 px), reports as HL7 ORU^R01 and JSON"
"$bin/ingestctl" phantom generate --out "$work/feed" --studies "$studies" --paired-fraction 0.7 --seed 7 \
    --image-size 256 --difficulty easy --transfer-syntax mixed
# One report file per accession (HL7 or JSON, alternating; both carry the accession), then a
# seeded shuffle of studies and reports together: a report may arrive before its images, or alone.
"$py" - "$work/feed" > "$work/feed.list" <<'PY'
import json, random, sys
feed = sys.argv[1]
files = []
for line in open(f"{feed}/truth.jsonl"):
    r = json.loads(line)
    if r.get("dicomFile"):
        files.append(("watch", f"{feed}/{r['dicomFile']}"))
    if r.get("reportFile"):
        files.append(("reports", f"{feed}/{r['reportFile']}.{'json' if r['index'] % 2 == 0 else 'hl7'}"))
random.Random(7).shuffle(files)
for kind, path in files:
    print(kind, path)
PY
echo "$(grep -c '^watch' "$work/feed.list") DICOM files and $(grep -c '^reports' "$work/feed.list") reports to stream"
"$bin/ingestctl" evidence extract --format hl7 "$(ls "$work/feed/reports"/*.hl7 | head -n 1)" --jsonl \
    | "$py" "$(dirname "$0")/demo_evidence.py" 1

section "3. ingestd with the embedded defaults, fed for ~${stream_seconds} s"
mkdir -p "$work/watch" "$work/reports"
"$bin/ingestd" --data "$work/data" --watch "$work/watch" --reports "$work/reports" --socket "$sock" 2> "$work/ingestd.log" &
daemon_pid=$!
for _ in $(seq 1 300); do api -f http://ingestd/v1/status >/dev/null 2>&1 && break; sleep 0.1; done
ctl status | head -n 3
total=$(wc -l < "$work/feed.list")
pause=$("$py" -c "print(max(0.0, $stream_seconds / max(1, $total) - 0.004))")
n=0
while read -r kind path; do
    name=$(basename "$path")
    cp "$path" "$work/$kind/.$name.partial" && mv "$work/$kind/.$name.partial" "$work/$kind/$name"
    n=$((n + 1))
    if [ $((n % 20)) -eq 0 ] || [ "$n" -eq "$total" ]; then printf '\r  dropped %3d/%d | %s' "$n" "$total" "$(counts)"; fi
    sleep "$pause"
done < "$work/feed.list"
expected_instances=$(grep -c '^watch' "$work/feed.list")
for _ in $(seq 1 600); do
    line=$(api http://ingestd/v1/status)
    done_now=$(printf '%s' "$line" | "$py" -c '
import json, sys
c = json.load(sys.stdin).get("counts", {})
print(1 if c.get("instances", 0) + c.get("quarantined", 0) >= int(sys.argv[1]) and c.get("intake_pending", 0) == 0 and c.get("in_flight", 0) == 0 else 0)' "$expected_instances")
    printf '\r  dropped %3d/%d | %s' "$n" "$total" "$(counts)"
    [ "$done_now" = 1 ] && break
    sleep 0.5
done
echo
ctl status

section "4. A training round on the pool (POST /v1/train/now, then followed)"
# A round answers at once with its id; it trains on a low-priority thread, is measured on the
# held-out split against the served model, and (if not worse) is re-embedded and swapped in.
echo "\$ ingestctl train now --steps ${DEMO_TRAIN_STEPS:-60} --wait"
if ctl train now --steps "${DEMO_TRAIN_STEPS:-60}" --wait; then
    echo "\$ ingestctl train history"
    ctl train history
else
    echo "the training round did not finish: $(api http://ingestd/v1/train/status)"
fi

section "5. Queries through ingestctl"
echo "\$ ingestctl search \"left pleural effusion\" -k 5"
ctl search "left pleural effusion" -k 5
echo "\$ ingestctl search \"opacity\" --finding pleural_effusion:present --finding cardiomegaly:absent -k 5"
ctl search "opacity" --finding pleural_effusion:present --finding cardiomegaly:absent -k 5
uid=$("$py" -c '
import json, sys
best = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not r.get("dicomFile"): continue
    if any(f.get("finding") == "pleural_effusion" and "left" in json.dumps(f) for f in r.get("findings", [])):
        best = r["sopInstanceUID"]; break
    best = best or r["sopInstanceUID"]
print(best)' "$work/feed/truth.jsonl")
echo "\$ ingestctl ground --uid $uid \"left pleural effusion\""
ctl ground --uid "$uid" "left pleural effusion"

section "6. SIGTERM"
kill -TERM "$daemon_pid"
set +e; wait "$daemon_pid"; rc=$?; set -e
daemon_pid=""
echo "ingestd exited with status $rc; $(grep -c . "$work/ingestd.log") log lines in its log"
echo "demo took $(( $(date +%s) - started )) s"
exit "$rc"
