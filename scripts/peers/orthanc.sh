#!/usr/bin/env bash
# Orthanc (the Debian `orthanc` package) as the store-only peer of `ingestctl bench ingest`.
#   orthanc.sh start DIR [PORT]   install if missing, start on 127.0.0.1 with a config and storage
#                                 under DIR (no auth, REST only on loopback, DICOM port on loopback),
#                                 wait until /system answers; prints the base URL
#   orthanc.sh modality DIR NAME AET PORT [HTTP_PORT]
#                                 the same, with the DICOM node AET at 127.0.0.1:PORT configured
#                                 as modality NAME (`DicomModalities`), so `POST /modalities/NAME/store`
#                                 forwards instances to it; Orthanc's own AE title is ORTHANC
#   orthanc.sh stop DIR           SIGTERM the instance started in DIR, wait for it
# `start` and `modality` write DIR/orthanc.port (REST), DIR/orthanc.dicom_port and DIR/orthanc.aet.
# Orthanc runs with TCP_NODELAY=1 in its environment: its DICOM side is DCMTK's dcmnet, which keeps
# Nagle's algorithm on unless told (every C-STORE then waits ~40 ms); "TcpNoDelay" covers REST.
#   orthanc.sh bench FILE|DIR...  start in a temp dir, upload the files with 2 workers (REST
#                                 POST /instances), stop; prints the uploader's JSON line
# WORKERS (default 2) and PYTHON (default $INGESTD_PYTHON or python3) can be set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-${INGESTD_PYTHON:-python3}}

install_orthanc() {
    command -v Orthanc >/dev/null 2>&1 && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "orthanc.sh: installing the Debian orthanc package" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq orthanc >&2
}

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
    local dir=$1 port=${2:-$(free_port)} dicom_port
    dicom_port=${DICOM_PORT:-$(free_port)}
    local aet=${DICOM_AET:-INGESTDPEER} modalities=${MODALITIES:-"{}"}
    install_orthanc
    mkdir -p "$dir/storage" "$dir/index"
    cat > "$dir/orthanc.json" <<JSON
{
  "Name": "ingestd-bench-peer",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "StorageCompression": false,
  "HttpPort": $port,
  "HttpServerEnabled": true,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "SslEnabled": false,
  "KeepAlive": true,
  "TcpNoDelay": true,
  "DicomServerEnabled": true,
  "DicomPort": $dicom_port,
  "DicomAet": "$aet",
  "DicomCheckCalledAet": false,
  "DicomModalities": $modalities,
  "DicomAlwaysAllowStore": true,
  "DicomAlwaysAllowEcho": true,
  "DicomScuTimeout": 30,
  "Plugins": [],
  "ConcurrentJobs": 2,
  "StableAge": 60,
  "SaveJobs": false
}
JSON
    # Detached through a launcher that closes every inherited descriptor above 2 and unblocks
    # signals: a caller such as Foundation's Process waits for EOF on a descriptor it gave this
    # script (it would wait for Orthanc's exit), and passes its blocked signal mask on (SIGTERM
    # would never reach Orthanc).
    TCP_NODELAY=1 "$py" -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
    signal.signal(s, signal.SIG_DFL)
os.closerange(3, os.sysconf("SC_OPEN_MAX"))
os.execvp(sys.argv[1], sys.argv[1:])
' Orthanc --logdir="$dir" "$dir/orthanc.json" </dev/null >"$dir/orthanc.out" 2>&1 &
    echo $! > "$dir/orthanc.pid"
    echo "$port" > "$dir/orthanc.port"
    echo "$dicom_port" > "$dir/orthanc.dicom_port"
    echo "$aet" > "$dir/orthanc.aet"
    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do
        if curl -sf --max-time 1 "$url/system" >/dev/null 2>&1; then echo "$url"; return 0; fi
        kill -0 "$(cat "$dir/orthanc.pid")" 2>/dev/null || { echo "orthanc.sh: Orthanc exited; see $dir/orthanc.out" >&2; tail -20 "$dir/orthanc.out" >&2; return 1; }
        sleep 0.1
    done
    echo "orthanc.sh: Orthanc did not answer /system within 30 s" >&2
    stop "$dir"
    return 1
}

# Orthanc as a PACS that forwards to the DICOM node AET@127.0.0.1:PORT, known to it as NAME.
modality() {
    local dir=$1 name=$2 aet=$3 port=$4 http_port=${5:-}
    MODALITIES="{ \"$name\": [ \"$aet\", \"127.0.0.1\", $port ] }" DICOM_AET=${DICOM_AET:-ORTHANC} start "$dir" $http_port
}

stop() {
    local dir=$1 pid
    [ -f "$dir/orthanc.pid" ] || return 0
    pid=$(cat "$dir/orthanc.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$dir/orthanc.pid"
}

bench_dir=""
bench() {
    local url
    bench_dir=$(mktemp -d /tmp/ingestd-orthanc.XXXXXX)
    trap 'stop "$bench_dir"; rm -rf "$bench_dir"' EXIT
    url=$(start "$bench_dir")
    "$py" "$here/orthanc_upload.py" --url "$url" --workers "${WORKERS:-2}" --server-pid-file "$bench_dir/orthanc.pid" "$@"
}

cmd=${1:-}; shift || true
case "$cmd" in
    start) start "$@" ;;
    modality) modality "$@" ;;
    stop) stop "$@" ;;
    bench) bench "$@" ;;
    install) install_orthanc ;;
    *) echo "usage: $0 start DIR [PORT] | modality DIR NAME AET PORT [HTTP_PORT] | stop DIR | bench FILE|DIR... | install" >&2; exit 2 ;;
esac
