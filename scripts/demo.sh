#!/usr/bin/env bash
# `make demo`: the main job on an embedded default, as far as it exists today.
#   1. real chest DICOM files: tags and ASCII thumbnails (the MONOCHROME1 twin displays inverted);
#   2. a phantom feed: studies written as real DICOM (raw / JPEG-LS / RLE) with reports as text,
#      JSON and HL7 ORU^R01, paired by accession, plus a contact sheet;
#   3. structured evidence extracted from the feed's HL7 reports by the rule extractor;
#   4. the rule extractor scored on the Open-i test split (NegBio gold standard);
#   5. ingestd started on a Unix socket, asked for its status, stopped with SIGTERM.
set -euo pipefail
bin=$1; data=$2
py=${INGESTD_PYTHON:-python3}
work=$(mktemp -d /tmp/ingestd-demo.XXXXXX)
daemon_pid=""
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

section "1. Real chest radiographs (../shared/data/dicom)"
for f in "$data"/dicom/*.dcm; do
    echo "-- $(basename "$f")"
    "$bin/ingestctl" dicom inspect "$f"
    "$bin/ingestctl" dicom thumbnail "$f" --width 48
done

section "2. A phantom feed: 24 studies, 70 % paired, 256 px, easy lesions"
"$bin/ingestctl" phantom generate --out "$work/feed" --studies 24 --paired-fraction 0.7 --seed 7 \
    --image-size 256 --difficulty easy --transfer-syntax mixed
echo "dicom files: $(ls "$work/feed/dicom" | wc -l); report files: $(ls "$work/feed/reports" | wc -l); truth: $work/feed/truth.jsonl"
first=$(ls "$work/feed/dicom"/*.dcm | head -n 1)
"$bin/ingestctl" dicom inspect "$first"
"$bin/ingestctl" dicom thumbnail "$first" --width 48
"$bin/ingestctl" phantom preview --out "$work/sheet.png" --count 8 --seed 7 --image-size 128 --tile 128 --difficulty easy >/dev/null
echo "contact sheet with lesion boxes: $work/sheet.png (removed at exit; see docs/phantom-contact-sheet.png)"

section "3. Evidence from the feed's HL7 ORU^R01 reports (rule extractor; spans quote the report)"
"$bin/ingestctl" evidence extract --format hl7 "$work/feed/reports"/*.hl7 --jsonl \
    | "$py" "$(dirname "$0")/demo_evidence.py" 6

section "4. Rule extractor on the Open-i test split (770 reports, NegBio gold standard)"
openi="$data/reports/openi"
"$bin/ingestctl" evidence eval-openi --reports "$openi/NLMCXR_reports.tgz" --gold "$openi/openi_gld_std14.csv" \
    --split "$openi/openi-testset.txt"

section "5. ingestd on a Unix socket"
sock="$work/ingestd.sock"
"$bin/ingestd" --data "$work/data" --watch "$work/feed/dicom" --reports "$work/feed/reports" --socket "$sock" \
    2> "$work/ingestd.log" &
daemon_pid=$!
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
"$bin/ingestctl" status --socket "$sock"
kill -TERM "$daemon_pid"; wait "$daemon_pid"; daemon_pid=""
echo "ingestd stopped cleanly on SIGTERM; its log:"
sed 's/^/   /' "$work/ingestd.log"
