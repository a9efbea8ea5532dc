"""Prints `ingestctl evidence extract --jsonl` output as a short human-readable summary (demo)."""
import json
import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
lines = sys.stdin.readlines()  # read everything: the producer must not see a closed pipe
for line in lines[:limit]:
    r = json.loads(line)
    text = r.get("text", "")
    name = r.get("accession") or r["id"]
    print(f"{name}  ({r['extractor']})")
    for item in r["items"]:
        if item["presence"] == "absent":
            continue
        start, end = item["span"]
        where = ",".join(item["locations"])
        severity = item["severity"] or ""
        print(f"   {item['presence']:9} {item['finding']:18} {where:20} {severity:8} \"{text[start:end]}\"")
    absent = sorted({i["finding"] for i in r["items"] if i["presence"] == "absent"})
    if absent:
        print("   absent:   " + ", ".join(absent))
