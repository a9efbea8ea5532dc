#!/usr/bin/env python3
"""C-STORE files with pynetdicom as the SCU (a second, independent DICOM implementation).

  pynetdicom_store.py HOST PORT CALLED_AET FILE... [--calling CALLING_AET]

One association; one requested presentation context per (SOP class, transfer syntax) of the
files. Prints JSON {"associated": bool, "statuses": {"<SOPInstanceUID>": status}}.
"""
import json
import sys

from pydicom import dcmread
from pynetdicom import AE


def main(argv):
    args = argv[1:]
    calling = "PYNETDICOM"
    if "--calling" in args:
        i = args.index("--calling")
        calling = args[i + 1]
        del args[i:i + 2]
    host, port, called, files = args[0], int(args[1]), args[2], args[3:]
    datasets = [dcmread(f) for f in files]
    ae = AE(ae_title=calling)
    contexts = sorted({(str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID)) for ds in datasets})
    for sop_class, syntax in contexts:
        ae.add_requested_context(sop_class, syntax)
    assoc = ae.associate(host, port, ae_title=called)
    result = {"associated": bool(assoc.is_established), "statuses": {}}
    if assoc.is_established:
        for ds in datasets:
            status = assoc.send_c_store(ds)
            result["statuses"][str(ds.SOPInstanceUID)] = int(status.Status) if status else -1
        assoc.release()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
