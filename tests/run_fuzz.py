"""``make fuzz``: check many random programs (tests/fuzz_programs.py) and report every failure.

    python tests/run_fuzz.py [--examples 10000] [--jobs N] [--seed S] [--out build/fuzz]

Programs are split over ``--jobs`` processes, each with its own seed. A failing program
does not stop the run: the failures are grouped by their first line, printed, and
written (as text and pickled programs) under ``--out``; the exit status is 1 if any.
Reduce one with ``fuzz_programs.check_program(pickle.load(...)[i][0])``.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import pickle
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hypothesis import HealthCheck, Phase, given, seed, settings

import fuzz_programs as fp


def _worker(job):
    n, job_seed, index = job
    counts = {"programs": 0, "steps": 0}
    failures = []

    @seed(job_seed)
    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(fp.programs())
    def run(program):
        counts["programs"] += 1
        counts["steps"] += len(program.steps)
        if counts["programs"] % 1000 == 0:
            print(f"  process {index}: {counts['programs']} of {n} programs", flush=True)
        try:
            fp.check_program(program)
        except Exception as e:
            message = str(e) if isinstance(e, fp.FuzzError) else f"{type(e).__name__}: {e}"
            failures.append((program, message, traceback.format_exc(limit=-4)))

    run()
    return counts, failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "10000")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "0")))
    parser.add_argument("--out", default="build/fuzz")
    args = parser.parse_args(argv)

    jobs = max(1, min(args.jobs, args.examples))
    per_job = [args.examples // jobs + (i < args.examples % jobs) for i in range(jobs)]
    start = time.perf_counter()
    print(f"fuzzing {args.examples} programs in {jobs} process(es), seed {args.seed}", flush=True)
    if jobs == 1:
        results = [_worker((per_job[0], args.seed, 0))]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_worker, [(n, args.seed * 1000 + i, i) for i, n in enumerate(per_job)])
    elapsed = time.perf_counter() - start

    programs = sum(c["programs"] for c, _ in results)
    steps = sum(c["steps"] for c, _ in results)
    failures = [f for _, fs in results for f in fs]
    each = elapsed / max(programs, 1) * 1e3
    print(f"{programs} programs ({steps} op steps) checked in {elapsed:.1f} s ({each:.0f} ms each)")
    if not failures:
        print("no failures")
        return 0
    os.makedirs(args.out, exist_ok=True)
    groups = collections.Counter(message.splitlines()[0][:160] for _, message, _ in failures)
    print(f"{len(failures)} failing programs, {len(groups)} kinds:")
    for line, count in groups.most_common():
        print(f"  {count:5d}  {line}")
    with open(os.path.join(args.out, "failures.txt"), "w") as f:
        for program, message, tb in failures:
            f.write(f"{message}\n{program!r}\n{tb}\n{'-' * 80}\n")
    with open(os.path.join(args.out, "failures.pkl"), "wb") as f:
        pickle.dump([(program, message) for program, message, _ in failures], f)
    print(f"details in {args.out}/failures.txt (programs pickled in failures.pkl)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
