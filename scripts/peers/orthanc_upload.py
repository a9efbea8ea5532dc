#!/usr/bin/env python3
"""Store-only peer for `ingestctl bench ingest`: uploads DICOM files to Orthanc's REST API
(`POST /instances`) with N worker threads, one keep-alive connection each, and prints one JSON
line: {"instances", "seconds", "instances_per_second", "failures", "workers", "bytes",
"client_cpu_seconds", "server_cpu_seconds"} (the CPU figures cover the timed upload only; the
server's needs --server-pid-file)."""
import argparse
import http.client
import json
import os
import sys
import threading
import time


def files_under(path):
    if os.path.isfile(path):
        return [path]
    out = []
    for root, _, names in os.walk(path):
        out += [os.path.join(root, n) for n in names if n.endswith(".dcm") and not n.startswith(".")]
    return sorted(out)


def server_cpu(pid):
    """User + system CPU seconds of process `pid` so far (Linux /proc), or None."""
    if pid is None:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8042")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--server-pid-file", help="the server's pid file: report its CPU during the upload")
    p.add_argument("paths", nargs="+")
    a = p.parse_args()
    host, _, port = a.url.split("//", 1)[1].rstrip("/").partition(":")
    files = [f for path in a.paths for f in files_under(path)]
    # Read before timing: the peer is measured on storing, not on our disk.
    blobs = [open(f, "rb").read() for f in files]
    lock = threading.Lock()
    state = {"next": 0, "failures": 0, "errors": []}

    def worker():
        conn = http.client.HTTPConnection(host, int(port or 80), timeout=120)
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= len(blobs):
                break
            try:
                conn.request("POST", "/instances", body=blobs[i], headers={"Content-Type": "application/dicom"})
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200 and json.loads(body).get("Status") in ("Success", "AlreadyStored")
            except Exception as e:  # a failed upload is counted, the run goes on
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, int(port or 80), timeout=120)
                with lock:
                    state["errors"].append(type(e).__name__)
            if not ok:
                with lock:
                    state["failures"] += 1
        conn.close()

    server_pid = int(open(a.server_pid_file).read().strip()) if a.server_pid_file else None
    server0, client0 = server_cpu(server_pid), time.process_time()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(max(1, a.workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    server1, client1 = server_cpu(server_pid), time.process_time()
    stored = len(blobs) - state["failures"]
    print(json.dumps({
        "instances": stored, "failures": state["failures"], "workers": a.workers, "seconds": seconds,
        "instances_per_second": stored / seconds if seconds > 0 else 0.0, "bytes": sum(map(len, blobs)),
        "errors": sorted(set(state["errors"]))[:5],
        "client_cpu_seconds": client1 - client0,
        "server_cpu_seconds": (server1 - server0) if server0 is not None and server1 is not None else None,
    }, sort_keys=True))
    return 0 if state["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
