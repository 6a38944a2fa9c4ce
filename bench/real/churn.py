"""Python allocation churn for bench/real/real.sh (run with PYTHONMALLOC=malloc): dicts, lists,
strings and tuples built, mutated and dropped in rounds, with a live set carried between rounds.
Prints 'churn ok CHECKSUM OPS' where OPS counts the objects built (the benchmark's unit)."""
import random

rng = random.Random(42)
live = {}
ops = 0
checksum = 0
for rnd in range(60):
    # a batch of records: dicts of strings and lists, keyed by strings
    batch = {}
    for i in range(4000):
        key = f"k{rnd}-{i}-{rng.randrange(1000)}"
        batch[key] = {"name": key * rng.randrange(1, 4), "tags": [str(j) for j in range(rng.randrange(1, 12))],
                      "pos": (rng.random(), rng.random())}
        ops += 1
    # string work: splitting and joining builds and drops many small strings
    text = " ".join(batch)
    parts = text.split(" ")
    checksum += len(parts) + sum(len(p) for p in parts[::97])
    ops += len(parts)
    # keep a random tenth alive across rounds, drop old survivors
    for k in rng.sample(sorted(batch), 400):
        live[k] = batch[k]
    if len(live) > 6000:
        for k in sorted(live)[: len(live) - 6000]:
            del live[k]
    # list churn: grow, sort, slice
    nums = [rng.randrange(10**6) for _ in range(20000)]
    nums.sort()
    checksum += nums[len(nums) // 2] % 1000
    ops += len(nums)
checksum += sum(len(v["tags"]) for v in live.values())
print(f"churn ok {checksum} {ops}")
