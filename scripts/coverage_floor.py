"""Fail when a module of the integration is below the coverage floor.

Reads a coverage JSON report (``coverage json`` or pytest-cov's
``--cov-report=json:PATH``) made with branch coverage, and exits non-zero,
listing each module of ``custom_components/alarmhub`` (the ``panels``
library included) whose coverage, lines and branches counted together as
coverage.py does, is below the floor (95 %, the quality scale's
``test-coverage`` rule, for every module, not the total).

Usage: python scripts/coverage_floor.py coverage.json [--floor 95]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys
from typing import Any

PACKAGE = "custom_components/alarmhub/"
FLOOR = 95.0


def percent(summary: dict[str, Any]) -> float:
    """Return a file's coverage, lines and branches counted together."""
    covered = summary["covered_lines"] + summary["covered_branches"]
    total = summary["num_statements"] + summary["num_branches"]
    return 100.0 if total == 0 else 100.0 * covered / total


def below_floor(report: dict[str, Any], floor: float) -> list[tuple[str, float]]:
    """Return ``(module, percent)`` of every module of ours below ``floor``.

    Raises ValueError for a report without branch coverage or without any
    module of the integration (a wrong report must not pass for a good one).
    """
    if not report.get("meta", {}).get("branch_coverage"):
        raise ValueError("the report has no branch coverage (run with --cov-branch)")
    ours = {
        name.replace("\\", "/"): data["summary"]
        for name, data in report.get("files", {}).items()
        if PACKAGE in name.replace("\\", "/")
    }
    if not ours:
        raise ValueError(f"the report has no module of {PACKAGE}")
    return sorted(
        (name[name.index(PACKAGE) :], value)
        for name, summary in ours.items()
        if (value := percent(summary)) < floor
    )


def main(argv: list[str] | None = None) -> int:
    """Check a report; print the modules below the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="coverage JSON report")
    parser.add_argument("--floor", type=float, default=FLOOR)
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        low = below_floor(report, args.floor)
    except (OSError, ValueError, KeyError) as err:
        print(f"coverage floor: cannot check {args.report}: {err!r}", file=sys.stderr)
        return 2
    if low:
        print(
            f"coverage floor: {len(low)} module(s) below {args.floor:g} % "
            "(lines and branches):",
            file=sys.stderr,
        )
        for name, value in low:
            print(f"  {name}: {value:.2f} %", file=sys.stderr)
        return 1
    print(f"coverage floor: every module of {PACKAGE} is at {args.floor:g} % or above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
