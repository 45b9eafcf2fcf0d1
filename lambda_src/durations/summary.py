"""Exact statistics over one function's window: pure, standard library only.

A window arrives as columns (``array`` of numbers, NaN for a value the record lacks), not
as a list of dicts, so 100,000 invocations take a few megabytes.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import isnan
from typing import Any

from durations.query_request import iso, percentile_key

NAN = math.nan

COLD = 1
TIMEOUT = 2
ERROR = 4  # status error or failure
OUT_OF_MEMORY = 8

OUT_OF_MEMORY_ERROR_TYPE = "Runtime.OutOfMemory"


@dataclass
class Window:
    """One column per measure; row i of every column is the same invocation."""

    timestamps: array[int] = field(default_factory=lambda: array("q"))
    durations: array[float] = field(default_factory=lambda: array("d"))
    init_durations: array[float] = field(default_factory=lambda: array("d"))
    billed: array[float] = field(default_factory=lambda: array("d"))  # billed + billed restore
    memory_sizes: array[float] = field(default_factory=lambda: array("d"))
    max_memory_used: array[float] = field(default_factory=lambda: array("d"))
    flags: bytearray = field(default_factory=bytearray)

    def __len__(self) -> int:
        return len(self.timestamps)

    def extend(self, other: Window) -> None:
        self.timestamps.extend(other.timestamps)
        self.durations.extend(other.durations)
        self.init_durations.extend(other.init_durations)
        self.billed.extend(other.billed)
        self.memory_sizes.extend(other.memory_sizes)
        self.max_memory_used.extend(other.max_memory_used)
        self.flags.extend(other.flags)


def flags_of(status: str | None, error_type: str | None, cold_start: bool) -> int:
    value = COLD if cold_start else 0
    if status == "timeout":
        value |= TIMEOUT
    elif status in ("error", "failure"):
        value |= ERROR
    if error_type == OUT_OF_MEMORY_ERROR_TYPE:
        value |= OUT_OF_MEMORY
    return value


def present(values: Iterable[float]) -> list[float]:
    """The values that are not NaN (a record that lacks the field)."""
    return [value for value in values if not isnan(value)]


def nearest_rank(sorted_values: Sequence[float], p: float) -> float:
    """The value at rank ceil(p/100 * n), computed exactly (99.9/100 * 1000 is 999, not 999.0000000000001)."""
    n = len(sorted_values)
    rank = math.ceil(Fraction(str(p)) * n / 100)
    return sorted_values[max(rank, 1) - 1]


def distribution(values: list[float], percentiles: Sequence[float], *, with_mean: bool = True) -> dict[str, Any] | None:
    """{min, mean, max, p..} of the values; None when there are none."""
    if not values:
        return None
    values.sort()
    result: dict[str, Any] = {"min": values[0]}
    if with_mean:
        result["mean"] = math.fsum(values) / len(values)
    result["max"] = values[-1]
    for p in percentiles:
        result[percentile_key(p)] = nearest_rank(values, p)
    return result


@dataclass(frozen=True)
class Prices:
    per_gb_second: dict[str, float]  # by architecture: x86_64, arm64
    per_request: float

    def estimate(self, window: Window, architecture: str | None) -> tuple[float, dict[str, Any]]:
        """Billed ms (Billed Duration + Billed Restore Duration) x memory GB x price + requests."""
        known = architecture in self.per_gb_second
        priced_as = architecture if known and architecture is not None else "x86_64"
        mb_ms = 0.0
        unpriced = 0
        for billed, memory in zip(window.billed, window.memory_sizes, strict=True):
            if not (isnan(billed) or isnan(memory)):
                mb_ms += billed * memory
            else:
                unpriced += 1
        gb_seconds = mb_ms / 1024 / 1000
        cost = gb_seconds * self.per_gb_second[priced_as] + len(window) * self.per_request
        basis: dict[str, Any] = {
            "architecture": priced_as,
            "architecture_known": known,
            "gb_seconds": gb_seconds,
            "price_per_gb_second": self.per_gb_second[priced_as],
            "price_per_request": self.per_request,
        }
        if not known:
            basis["note"] = "architecture unknown: priced as x86_64"
        if unpriced:
            basis["invocations_without_billed_duration_or_memory"] = unpriced
        return cost, basis


def summarize(window: Window, percentiles: Sequence[float], prices: Prices, architecture: str | None) -> dict[str, Any]:
    n = len(window)
    flags = window.flags
    cold = sum(1 for value in flags if value & COLD)
    billed = present(window.billed)
    utilization = [
        used / size
        for used, size in zip(window.max_memory_used, window.memory_sizes, strict=True)
        if not (isnan(used) or isnan(size)) and size > 0
    ]
    cost, basis = prices.estimate(window, architecture)
    memory_used = distribution(present(window.max_memory_used), percentiles, with_mean=False)
    if memory_used is not None:
        del memory_used["min"]
    util = distribution(utilization, (99.0,), with_mean=False)
    return {
        "invocations": n,
        "cold_starts": cold,
        "cold_start_rate": cold / n if n else None,
        "timeouts": sum(1 for value in flags if value & TIMEOUT),
        "errors": sum(1 for value in flags if value & ERROR),
        "out_of_memory": sum(1 for value in flags if value & OUT_OF_MEMORY),
        "duration_ms": distribution(present(window.durations), percentiles),
        "init_duration_ms": distribution(present(window.init_durations), percentiles),
        "billed_duration_ms": {"sum": math.fsum(billed), "mean": math.fsum(billed) / len(billed)} if billed else None,
        "max_memory_used_mb": memory_used,
        "memory_size_mb": sorted({int(size) for size in present(window.memory_sizes)}),
        "memory_utilization": {"p99": util["p99"], "max": util["max"]} if util else None,
        "estimated_cost_usd": cost,
        "cost_basis": basis,
    }


def series(window: Window, start_ms: int, end_ms: int, interval_ms: int) -> list[dict[str, Any]]:
    """One entry per interval from start, empty intervals included with zero counts."""
    edges = list(range(start_ms, end_ms, interval_ms))
    buckets: list[list[int]] = [[] for _ in edges]
    for row, timestamp in enumerate(window.timestamps):
        buckets[bisect_right(edges, timestamp) - 1].append(row)
    points = []
    for edge, rows in zip(edges, buckets, strict=True):
        durations = sorted(present(window.durations[row] for row in rows))
        points.append(
            {
                "start": iso(edge),
                "invocations": len(rows),
                "cold_starts": sum(1 for row in rows if window.flags[row] & COLD),
                "errors": sum(1 for row in rows if window.flags[row] & ERROR),
                "timeouts": sum(1 for row in rows if window.flags[row] & TIMEOUT),
                "duration_ms": {
                    "p50": nearest_rank(durations, 50) if durations else None,
                    "p99": nearest_rank(durations, 99) if durations else None,
                    "max": durations[-1] if durations else None,
                },
            }
        )
    return points


def overview_entry(function: str, window: Window, prices: Prices, architecture: str | None) -> dict[str, Any]:
    durations = sorted(present(window.durations))
    cost, _ = prices.estimate(window, architecture)
    return {
        "function": function,
        "invocations": len(window),
        "cold_starts": sum(1 for value in window.flags if value & COLD),
        "errors": sum(1 for value in window.flags if value & ERROR),
        "timeouts": sum(1 for value in window.flags if value & TIMEOUT),
        "duration_ms": {
            "p50": nearest_rank(durations, 50) if durations else None,
            "p99": nearest_rank(durations, 99) if durations else None,
            "max": durations[-1] if durations else None,
        },
        "estimated_cost_usd": cost,
    }
