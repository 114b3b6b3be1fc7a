"""How every benchmark reports: a figure measured in several runs next to its floor
measured in the same runs, as a ratio with min–median–max, and whether it meets its
target.

A bench module measures and hands back ``Row``s; ``bench/all.py`` prints them as one
table (``make bench``), and each module prints its own rows when run alone.

Each module's ``main`` takes ``[sqlite|postgres|all]`` through ``backends_from``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

RUNS = 3


@dataclass(frozen=True)
class Spread:
    """Min, median and max of one quantity over the runs."""

    low: float
    mid: float
    high: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        ordered = sorted(values)
        if not ordered:
            raise ValueError("a spread needs at least one value")
        return cls(ordered[0], statistics.median(ordered), ordered[-1])

    def show(self, unit: str = "", digits: int = 2) -> str:
        return f"{self.low:.{digits}f}–{self.mid:.{digits}f}–{self.high:.{digits}f}{unit}"


@dataclass(frozen=True)
class Row:
    """One line of the table: ``figure`` in ``unit`` per run, the ratio to ``floor`` per
    run (when the row has a floor), and the target: at most ``max_ratio`` times the floor
    and/or at most ``max_value`` in ``unit`` (both on the median)."""

    what: str
    unit: str
    figure: Spread
    floor_name: str = ""
    floor: Spread | None = None
    ratio: Spread | None = None
    max_ratio: float | None = None
    max_value: float | None = None

    @property
    def ok(self) -> bool:
        if self.max_ratio is not None and (self.ratio is None or self.ratio.mid > self.max_ratio):
            return False
        return self.max_value is None or self.figure.mid <= self.max_value

    @property
    def target(self) -> str:
        parts = []
        if self.max_value is not None:
            parts.append(f"≤ {self.max_value:g} {self.unit}")
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        return ", ".join(parts) or "—"


def row(
    what: str,
    unit: str,
    figures: Sequence[float],
    *,
    floors: Sequence[float] | None = None,
    floor_name: str = "",
    max_ratio: float | None = None,
    max_value: float | None = None,
) -> Row:
    """A row from per-run figures and, optionally, per-run floors (run i's ratio is
    figures[i] / floors[i]: each figure against the floor of its own run)."""
    if floors is not None and len(floors) != len(figures):
        raise ValueError("one floor per run")
    ratios = None
    if floors is not None:
        ratios = Spread.of(f / b for f, b in zip(figures, floors, strict=True))
    return Row(
        what=what,
        unit=unit,
        figure=Spread.of(figures),
        floor_name=floor_name,
        floor=None if floors is None else Spread.of(floors),
        ratio=ratios,
        max_ratio=max_ratio,
        max_value=max_value,
    )


def repeat(measure: Callable[[], float], runs: int = RUNS) -> list[float]:
    return [measure() for _ in range(runs)]


def table(rows: Sequence[Row]) -> str:
    head = ("what", "figure (min–median–max)", "floor", "ratio", "target", "")
    lines = [head]
    for r in rows:
        lines.append((
            r.what,
            r.figure.show(f" {r.unit}", 1),
            "—" if r.floor is None else f"{r.floor_name} {r.floor.show(f' {r.unit}', 1)}",
            "—" if r.ratio is None else r.ratio.show("×"),
            r.target,
            "ok" if r.ok else "SHORT",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def show(rows: Sequence[Row]) -> None:
    print(table(rows))


BACKENDS = ("sqlite", "postgres")


def backends_from(argv: Sequence[str], default: str = "all") -> list[str]:
    """``[sqlite|postgres|all]`` from the command line."""
    which = argv[1] if len(argv) > 1 else default
    if which == "all":
        return list(BACKENDS)
    if which not in BACKENDS:
        raise SystemExit(f"usage: {Path(argv[0]).name} [sqlite|postgres|all]")
    return [which]
