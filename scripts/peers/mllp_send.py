#!/usr/bin/env python3
"""HL7 v2 over MLLP with PyPI `hl7`'s MLLPClient, as a real sender for ingestd's listener.

  mllp_send.py send HOST PORT FILE...
      Sends each file (one HL7 message, segments separated by CR or LF) on one connection and
      prints a JSON list of {"file", "ack"} with each ACK without its MLLP framing.
  mllp_send.py framing HOST PORT FILE [--oversize N]
      Opens a good connection, then breaks the framing on a second one (bytes outside a frame,
      or with --oversize an unterminated frame of N bytes), then sends FILE on the good one.
      Prints {"broken_closed": bool, "ack": "..."}.
  mllp_send.py chunked HOST PORT FILE1 FILE2
      Sends FILE1's frame in 7-byte pieces (separate TCP segments), then FILE2's frame twice
      in one segment (pipelined), and prints the three ACKs in arrival order as a JSON list.
"""
import time
import json
import socket
import sys

import hl7.client


def read_message(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = [l for l in data.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r") if l]
    return b"\r".join(lines) + b"\r"


def unframe(ack):
    return ack.strip(b"\x0b\x1c\r").decode("utf-8", "replace")


def closed_by_peer(sock, timeout=10.0):
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def main(argv):
    mode, host, port = argv[1], argv[2], int(argv[3])
    if mode == "send":
        out = []
        with hl7.client.MLLPClient(host, port) as client:
            for path in argv[4:]:
                out.append({"file": path, "ack": unframe(client.send_message(read_message(path)))})
        print(json.dumps(out))
        return 0
    if mode == "framing":
        path = argv[4]
        oversize = int(argv[argv.index("--oversize") + 1]) if "--oversize" in argv else 0
        with hl7.client.MLLPClient(host, port) as good:
            broken = socket.create_connection((host, port))
            try:
                if oversize:
                    payload = b"\x0b" + b"MSH|" + b"A" * oversize
                else:
                    payload = b"this is not an MLLP frame\r"
                try:
                    broken.sendall(payload)
                except (ConnectionResetError, BrokenPipeError):
                    pass
                was_closed = closed_by_peer(broken)
            finally:
                broken.close()
            ack = unframe(good.send_message(read_message(path)))
        print(json.dumps({"broken_closed": was_closed, "ack": ack}))
        return 0
    if mode == "chunked":
        first = b"\x0b" + read_message(argv[4]) + b"\x1c\r"
        second = b"\x0b" + read_message(argv[5]) + b"\x1c\r"
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(first), 7):
            sock.sendall(first[i:i + 7])
            time.sleep(0.001)
        sock.sendall(second + second)
        sock.settimeout(30)
        buffer = b""
        while buffer.count(b"\x1c\r") < 3:
            data = sock.recv(4096)
            if not data:
                break
            buffer += data
        sock.close()
        acks = [unframe(part) for part in buffer.split(b"\x1c\r") if part.strip()]
        print(json.dumps(acks))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
