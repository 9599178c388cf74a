"""Run the benchmarks and print every figure with its goal and PASS/MISS.

python -m bench                  # everything (a few minutes)
python -m bench --quick          # fewer events: a smoke run, not the figures
python -m bench --only refresh setup_time
python -m bench --profile refresh  # pyinstrument the figure (pip: bench reqs)

Each figure runs in a fresh Python process (so memory and caches of one do not
colour the next), one after another (so they do not compete for the CPU).
Results also go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
import time
from typing import Any

from .report import Row, table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: Figure modules, in the order of the issue's table.
FIGURES = (
    "ws_latency",
    "serial_latency",
    "poll_latency",
    "refresh",
    "setup_time",
    "code_sync",
    "clip_download",
    "clip_large",
    "memory",
    "ad2_latency",
    "serial_noise",
)


def machine() -> dict[str, Any]:
    """Describe the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _child(name: str, quick: bool, profile: bool) -> None:
    """Run one figure in this process; print its rows as JSON, last line."""
    module = importlib.import_module(f".{name}", __package__)
    if profile:
        # Optional (requirements_bench.txt); scripts/bench installs it.
        profiler = importlib.import_module("pyinstrument").Profiler(
            async_mode="enabled"
        )
        profiler.start()
    rows: list[Row] = asyncio.run(module.measure(quick))
    if profile:
        profiler.stop()
        out = RESULTS / f"profile-{name}.html"
        RESULTS.mkdir(parents=True, exist_ok=True)
        out.write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)
        print(f"profile written to {out}", file=sys.stderr)
    print(json.dumps([row.to_dict() for row in rows]))


def _run_figure(name: str, quick: bool, profile: bool) -> list[Row]:
    """Run a figure in a fresh process and return its rows."""
    command = [sys.executable, "-m", "bench", "--child", name]
    command += ["--quick"] * quick + ["--profile-child"] * profile
    proc = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        return [Row(figure=name, value=f"error (exit {proc.returncode})")]
    return [Row.from_dict(row) for row in json.loads(lines[-1])]


def main() -> None:
    """Parse the command line and run the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer events")
    parser.add_argument("--only", nargs="+", choices=FIGURES, metavar="FIGURE")
    parser.add_argument("--profile", choices=FIGURES, help="profile one figure")
    parser.add_argument("--child", choices=FIGURES, help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.quick, args.profile_child)
        return
    names = [args.profile] if args.profile else list(args.only or FIGURES)
    info = machine()
    print(
        f"AlarmHub benchmarks: {info['nproc']} CPUs ({info['cpu']}), "
        f"Python {info['python']}{', quick run' if args.quick else ''}",
        flush=True,
    )
    rows: list[Row] = []
    for name in names:
        start = time.perf_counter()
        print(f"  {name} ...", end="", flush=True)
        new = _run_figure(name, args.quick, profile=bool(args.profile))
        print(f" {time.perf_counter() - start:.0f} s", flush=True)
        rows += new
    print()
    print(table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"machine": info, "quick": args.quick, "rows": [r.to_dict() for r in rows]},
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
