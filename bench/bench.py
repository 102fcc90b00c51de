"""tapegrad against hand-written NumPy (and PyTorch, HIPS autograd, JAX when installed): issue #7.

Every row's result is first checked against the hand-written NumPy result (values and
dtypes), then the rows of a workload run in turn, rotating, so that drifts in machine
speed hit them alike; each figure is a median, and its ratio is to hand-written NumPy in
the same run. Prints the Markdown body of ``bench/RESULTS.md``.

``make bench`` (up to 50 runs a workload, a minute or two), ``make bench-quick`` (a few
runs, under a minute), or ``python bench/bench.py [--quick] [--only W1,W4] [--repeats N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import gc
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

import frameworks
from workloads import BUILDERS, Workload

COLUMNS = {
    "numpy": "hand NumPy",
    "eager": "tapegrad eager",
    "function": "tapegrad tg.function",
    "torch": "PyTorch",
    "autograd": "HIPS autograd",
    "jax": "JAX jit",
}
OPTIONAL = {"torch": "torch", "autograd": "autograd", "jax": "jax"}  # column -> distribution
MEMORY = "W4 peak memory"


@dataclasses.dataclass(frozen=True)
class Settings:
    repeats: int  # runs of each row at most
    min_repeats: int  # runs of each row at least
    budget_s: float  # time a workload may take once min_repeats are done


FULL = Settings(repeats=50, min_repeats=10, budget_s=25.0)
QUICK = Settings(repeats=5, min_repeats=3, budget_s=1.5)


@dataclasses.dataclass(frozen=True)
class Target:
    """``figures[key][row] / figures[key][against] <= limit``."""

    key: str
    row: str
    against: str
    limit: float

    def __str__(self) -> str:
        return f"{self.key} {COLUMNS[self.row]} ≤ {self.limit:g}x {COLUMNS[self.against]}"

    def verdict(self, figures: dict[str, dict[str, float]]) -> str:
        rows = figures.get(self.key, {})
        missing = [COLUMNS[r] for r in (self.row, self.against) if r not in rows]
        if missing:
            return f"{self}: not measured ({', '.join(missing)} not run)"
        ratio = rows[self.row] / rows[self.against]
        return f"{self}: {_fmt(ratio)}x — {'met' if ratio <= self.limit else 'not met'}"


TARGETS = [
    Target("W1", "eager", "torch", 0.5),
    Target("W2", "eager", "torch", 0.5),
    Target("W3", "eager", "numpy", 1.10),
    Target("W4", "eager", "numpy", 1.15),
    Target("W5", "eager", "numpy", 10),
    Target("W6", "eager", "numpy", 10),
    Target("W7", "eager", "numpy", 1.30),
    Target("W1", "function", "numpy", 1.3),
    Target("W3", "function", "numpy", 1.02),
    Target(MEMORY, "eager", "numpy", 1.5),
]


def median_seconds(rows: dict[str, Callable], settings: Settings) -> tuple[dict[str, float], int]:
    """Median seconds of each row and the number of runs, the rows run in turn (rotating)."""
    labels = list(rows)
    times: dict[str, list[float]] = {label: [] for label in labels}
    start = time.perf_counter()
    for i in range(settings.repeats):
        for label in labels[i % len(labels) :] + labels[: i % len(labels)]:
            t0 = time.perf_counter()
            rows[label]()
            times[label].append(time.perf_counter() - t0)
        if i + 1 >= settings.min_repeats and time.perf_counter() - start > settings.budget_s:
            break
    return {label: statistics.median(t) for label, t in times.items()}, i + 1


def peak_bytes(run: Callable) -> int:
    """Peak bytes allocated while ``run`` computes its result (NumPy reports to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value < 1000 else f"{value:.0f}"


def _cell(work: Workload, seconds: dict[str, float], row: str, unit: bool = False) -> str:
    value = _fmt(seconds[row] * work.scale) + (f" {work.unit}" if unit else "")
    base = work.baseline(row)
    return value if row == base else f"{value} ({_fmt(seconds[row] / seconds[base])}x)"


def _versions() -> str:
    found = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    for name in OPTIONAL.values():
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _machine() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or platform.machine()
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    return f"{cpu}, {os.cpu_count()} cores, OMP_NUM_THREADS={threads}"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def report(measured: list[tuple[Workload, dict[str, float], int]], memory: dict[str, int], settings: Settings) -> str:
    """The Markdown body: settings, the table, the other rows, W4's peak memory, the targets."""
    present = [c for c in COLUMNS if any(c in work.rows for work, _, _ in measured)]
    lines = [
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, tapegrad {_commit()}: {_machine()}; {_versions()}.",
        f"Medians of {settings.min_repeats} to {settings.repeats} runs (column *runs*), rows interleaved; "
        "ratios to hand-written NumPy in the same run.",
        "",
        "| workload | " + " | ".join(COLUMNS[c] for c in present) + " | runs |",
        "|---" * (len(present) + 2) + "|",
    ]
    others = []
    for work, seconds, runs in measured:
        cells = [_cell(work, seconds, c, unit=c == "numpy") if c in work.rows else "—" for c in present]
        lines.append(f"| {work.key} {work.title} | " + " | ".join(cells) + f" | {runs} |")
        others += [
            f"- {work.key} {row}: {_cell(work, seconds, row, unit=True)}"
            + ("" if work.baseline(row) in ("numpy", row) else f" against {work.baseline(row)}")
            for row in work.rows
            if row not in COLUMNS
        ]
    if others:
        lines += ["", "Other rows (ratio to hand NumPy, or to the baseline named):", "", *others]
    if memory:
        peaks = ", ".join(
            f"{COLUMNS[row]} {peak / 2**20:.1f} MiB" + ("" if row == "numpy" else f" ({_fmt(peak / memory['numpy'])}x)")
            for row, peak in memory.items()
        )
        lines += ["", f"{MEMORY} of value + gradient (tracemalloc): {peaks}."]
    figures = {work.key: seconds for work, seconds, _ in measured} | {MEMORY: memory}
    lines += ["", "Targets:", "", *(f"- {target.verdict(figures)}" for target in TARGETS)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few runs a workload (under a minute)")
    parser.add_argument("--only", default=",".join(BUILDERS), help="comma-separated workloads, e.g. W1,W4")
    parser.add_argument("--repeats", type=int, help="runs of each row at most")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.repeats:
        settings = dataclasses.replace(
            settings, repeats=args.repeats, min_repeats=min(args.repeats, settings.min_repeats)
        )
    available = frameworks.available()
    measured, memory = [], {}
    for key in args.only.split(","):
        start = time.perf_counter()
        work = BUILDERS[key.strip()](available)
        work.check()
        seconds, runs = median_seconds(work.rows, settings)
        measured.append((work, seconds, runs))
        if work.key == "W4":
            memory = {row: peak_bytes(work.rows[row]) for row in ("numpy", "eager", "function")}
        print(f"{work.key}: checked, {runs} runs, {time.perf_counter() - start:.1f} s", file=sys.stderr)
        del work
    print(report(measured, memory, settings))


if __name__ == "__main__":
    main()
