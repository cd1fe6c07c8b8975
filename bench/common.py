"""What every benchmark shares: the size options, the clock, peak memory, the results line.

Each benchmark prints its figures for a person, then one line of JSON (the last line of
its output) and appends that line to ``bench/results/results.jsonl`` (git-ignored), so
that runs at 10k, 100k and 1M can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ledger import DATA, Ledger, ensure_ledger

RESULTS = Path(__file__).parent / "results" / "results.jsonl"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def size(text: str) -> int:
    """``10k``, ``100k``, ``1M`` or a plain number of invoices."""
    return SIZES.get(text) or int(text)


def parser(description: str, default: str = "100k") -> argparse.ArgumentParser:
    """The options every ledger benchmark takes."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument(
        "-n", "--invoices", type=size, default=size(default), help="10k, 100k, 1M or a number"
    )
    options.add_argument("--customers", type=int, help="default: invoices / 10")
    options.add_argument("--seed", type=int, default=42)
    options.add_argument("--data", type=Path, help="where ledgers are kept (default: bench/data)")
    options.add_argument("--results", type=Path, default=RESULTS, help="JSON lines appended here")
    options.add_argument("--no-save", action="store_true", help="print the JSON line only")
    return options


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MiB (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """The largest peak resident memory of the child processes waited for, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class TreeMemory:
    """The largest memory of a process and all its descendants together (the rendering
    workers, which the forkserver, not relance, starts and waits for), in MiB: the sum of
    their proportional set sizes (a page shared by several counts a share in each, not
    whole in all), sampled every ``every`` seconds from ``/proc`` by a thread, so a peak
    shorter than that may be missed. Stays 0 where there is no ``/proc``.

        with TreeMemory(os.getpid(), include_root=False) as tree:
            ...  # the children this process starts, and theirs
        tree.peak_mb
    """

    def __init__(self, root: int, every: float = 0.2, *, include_root: bool = True) -> None:
        self.root = root
        self.include_root = include_root
        self.every = every
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            tree = _tree(self.root)
            kib = sum(_proportional_kib(pid) for pid in tree[0 if self.include_root else 1 :])
            self.peak_mb = max(self.peak_mb, kib / 1024)
            if self._stop.wait(self.every):
                return


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from the parent of each process in ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _proportional_kib(pid: int) -> int:
    """The proportional set size of ``pid`` in KiB (0 once it has ended)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def run_child(command: list[str], output: IO[bytes]) -> tuple[float, resource.struct_rusage]:
    """Run ``command`` (our own ``relance``) with its standard output to ``output``: its
    wall time and resource usage (``wait4``: its own peak RSS, this script's not
    counted). Exits naming the command when it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=output)  # noqa: S603 - our own command
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        sys.exit(f"relance {command[1]} failed with exit code {code}")
    return seconds, usage


def relance_command() -> str:
    """The ``relance`` command of this environment."""
    return str(Path(sys.executable).with_name("relance"))


@dataclass
class Report:
    """The figures of one benchmark run: phases timed, counts, ratios."""

    bench: str
    params: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a block: ``<name>_s`` in the figures."""
        start = time.perf_counter()
        yield
        self.figures[f"{name}_s"] = round(time.perf_counter() - start, 3)

    def per_item(self, name: str, seconds: float, count: int) -> None:
        """``<name>_us``: microseconds per item, the figure that must stay flat."""
        self.figures[f"{name}_us"] = round(seconds / max(count, 1) * 1e6, 2)

    def finish(self, args: argparse.Namespace, *, rss: Callable[[], float] = peak_rss_mb) -> None:
        """Print the figures, then the JSON line; append it to the results file."""
        self.figures.setdefault("peak_rss_mb", round(rss(), 1))
        line = {
            "bench": self.bench,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            **self.params,
            **self.figures,
        }
        width = max(len(key) for key in line)
        for key, value in line.items():
            print(f"{key:<{width}}  {value}")
        text = json.dumps(line)
        print(text)
        if not args.no_save:
            args.results.parent.mkdir(parents=True, exist_ok=True)
            with args.results.open("a", encoding="utf-8") as handle:
                handle.write(text + "\n")


def ledger_for(args: argparse.Namespace) -> Ledger:
    """The generated ledger the options name (written on first use)."""
    customers = args.customers or max(1, args.invoices // 10)
    return ensure_ledger(args.invoices, customers, args.seed, args.data or DATA)


def ledger_params(ledger: Ledger) -> dict[str, Any]:
    return {"invoices": ledger.invoices, "customers": ledger.customers}
