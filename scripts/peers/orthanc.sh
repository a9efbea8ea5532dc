#!/usr/bin/env bash
# Orthanc (the Debian `orthanc` package) as the store-only peer of `ingestctl bench ingest`.
#   orthanc.sh start DIR [PORT]   install if missing, start on 127.0.0.1 with a config and storage
#                                 under DIR (no auth, REST only on loopback, DICOM port on loopback),
#                                 wait until /system answers; prints the base URL
#   orthanc.sh stop DIR           SIGTERM the instance started in DIR, wait for it
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
    dicom_port=$(free_port)
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
  "DicomAet": "INGESTDPEER",
  "Plugins": [],
  "ConcurrentJobs": 2,
  "StableAge": 60,
  "SaveJobs": false
}
JSON
    Orthanc --logdir="$dir" "$dir/orthanc.json" >"$dir/orthanc.out" 2>&1 &
    echo $! > "$dir/orthanc.pid"
    echo "$port" > "$dir/orthanc.port"
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

stop() {
    local dir=$1 pid
    [ -f "$dir/orthanc.pid" ] || return 0
    pid=$(cat "$dir/orthanc.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
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
    stop) stop "$@" ;;
    bench) bench "$@" ;;
    install) install_orthanc ;;
    *) echo "usage: $0 start DIR [PORT] | stop DIR | bench FILE|DIR... | install" >&2; exit 2 ;;
esac
