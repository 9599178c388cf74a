"""Rows of the results table, and the statistics they are made of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
import math
from typing import Any

NOT_LANDED = "n/a (feature not landed)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One figure: what was measured, its goal, and whether it met it.

    ``passed`` is None for a figure without a goal (shown for contrast) and
    for one that could not be measured (``value`` says why).
    """

    figure: str
    value: str
    goal: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        """Return PASS, MISS or a dash."""
        if self.passed is None:
            return "-"
        return "PASS" if self.passed else "MISS"

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        """Rebuild a row from :meth:`to_dict`."""
        return cls(**data)


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    """Return the median (lower middle for an even count)."""
    return percentile(values, 50)


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


def mib(size: float) -> str:
    """Format bytes as MiB."""
    return f"{size / 2**20:.1f} MiB"


def table(rows: Sequence[Row]) -> str:
    """Return the rows as an aligned text table, notes below their row."""
    head = ("figure", "measured", "goal", "result")
    cells = [(r.figure, r.value, r.goal or "-", r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row, cell in zip(rows, cells, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)))
        if row.note:
            lines.append(f"    {row.note}")
    return "\n".join(lines)
