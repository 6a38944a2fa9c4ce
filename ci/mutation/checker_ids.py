"""Ids of the survivors of a campaign JSON that the interleave checker can judge: every survivor
in the lock-free boxes (spill stack, remote list, remote inbox, spinlock) and every surviving
memory-order or cas-split mutant. Prints them space-separated (for run_mutants.py --ids)."""
import json
import os
import sys

BOXES = ("spill_stack.h", "remote_list.h", "remote_inbox.h", "spinlock.h")

for path in sys.argv[1:]:
    with open(path) as f:
        mutants = json.load(f)["mutants"]
    print(" ".join(str(m["id"]) for m in mutants
                   if m["verdict"] == "survived" and (os.path.basename(m["file"]) in BOXES or
                                                      m["operator"] in ("memory-order", "cas-split"))))
