#!/usr/bin/env bash
# Creates (once per machine) the Python venv with the test peers; re-installs only when the
# requirements file changes. Usage: setup-venv.sh VENV REQUIREMENTS...
set -euo pipefail
venv=$1; shift
stamp="$venv/.ingestd-$(cat "$@" | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0
if [ ! -x "$venv/bin/python3" ]; then
    # Prefer the system interpreter (python3-venv); fall back to whatever python3 is on PATH.
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -m venv "$venv" 2>/dev/null; then :; else python3 -m venv "$venv"; fi
fi
"$venv/bin/python3" -m pip install -q --upgrade pip
for req in "$@"; do "$venv/bin/python3" -m pip install -q -r "$req"; done
touch "$stamp"
