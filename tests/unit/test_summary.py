"""Exact statistics over one window (summary.py): nearest rank, distributions, counts, cost, series.

Expected values come from a reference written here from the specification, not from
``durations.summary``: nearest rank is the value at rank ceil(p/100 * n) of the sorted values,
with p read as the decimal it was written as (99.9 is 999/10), in exact arithmetic.

A window arrives as columns (summary.Window): NaN where a record lacks a value, the billed
column holding Billed Duration + Billed Restore Duration, and one flags byte per invocation.
``window_of`` builds those columns from Records, the way the reader fills them.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from durations.records import Record
from durations.summary import (
    COLD,
    ERROR,
    OUT_OF_MEMORY,
    TIMEOUT,
    Prices,
    Window,
    distribution,
    flags_of,
    nearest_rank,
    overview_entry,
    series,
    summarize,
)
from tests.builders import T0, invocation_record

MINUTE = 60_000
PRICE_X86_64 = 0.0000166667
PRICE_ARM64 = 0.0000133334
PRICE_PER_REQUEST = 0.0000002
PRICES = Prices(per_gb_second={"x86_64": PRICE_X86_64, "arm64": PRICE_ARM64}, per_request=PRICE_PER_REQUEST)
DEFAULT_PERCENTILES = (50.0, 90.0, 95.0, 99.0)
OOM = "Runtime.OutOfMemory"


# --- The reference -------------------------------------------------------------------------------


def rank_reference(values: Sequence[float], p: float) -> float:
    """The value at rank ceil(p/100 * n) of the sorted values, computed with integers only."""
    ordered = sorted(values)
    exact = Decimal(str(p)) * len(ordered)  # p as written: Decimal("99.9") * 1000 == 99900.0 exactly
    numerator, denominator = exact.as_integer_ratio()
    rank = -(-numerator // (denominator * 100))  # ceil(numerator / (denominator * 100))
    return ordered[max(rank, 1) - 1]


def key_reference(p: float) -> str:
    return f"p{Decimal(str(p)).normalize():f}"


def distribution_reference(values: Sequence[float], percentiles: Sequence[float]) -> dict[str, Any] | None:
    if not values:
        return None
    result: dict[str, Any] = {
        "min": min(values),
        "mean": float(sum(map(Fraction, values)) / len(values)),
        "max": max(values),
    }
    result.update({key_reference(p): rank_reference(values, p) for p in percentiles})
    return result


def assert_distribution(actual: dict[str, Any] | None, expected: dict[str, Any] | None) -> None:
    """Equal figures; the mean (a float sum then a division) to 12 significant digits."""
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    assert list(actual) == list(expected)
    assert {k: v for k, v in actual.items() if k != "mean"} == {k: v for k, v in expected.items() if k != "mean"}
    assert math.isclose(actual["mean"], expected["mean"], rel_tol=1e-12)


def flags_reference(record: Record) -> int:
    flags = COLD if record.cold_start else 0
    if record.status == "timeout":
        flags |= TIMEOUT
    if record.status in ("error", "failure"):
        flags |= ERROR
    if record.error_type == OOM:
        flags |= OUT_OF_MEMORY
    return flags


def column(values: Sequence[float | None]) -> array[float]:
    return array("d", [math.nan if value is None else float(value) for value in values])


def window_of(records: Sequence[Record]) -> Window:
    """The window columns of these records, as the reader fills them."""
    return Window(
        timestamps=array("q", [record.timestamp for record in records]),
        durations=column([record.duration_ms for record in records]),
        init_durations=column([record.init_duration_ms for record in records]),
        billed=column(
            [
                None
                if record.billed_duration_ms is None
                else record.billed_duration_ms + (record.billed_restore_duration_ms or 0)
                for record in records
            ]
        ),
        memory_sizes=column([record.memory_size_mb for record in records]),
        max_memory_used=column([record.max_memory_used_mb for record in records]),
        flags=bytearray(flags_reference(record) for record in records),
    )


def invocation(n: int = 0, **fields: Any) -> Record:
    """A warm, successful invocation (12.47 ms, billed 13 ms, 256 MB, 71 MB used) at T0 + n ms."""
    return invocation_record(request_id=f"r-{n}", timestamp=T0 + n, **fields)


def random_records(seed: int, count: int, *, span_ms: int = 60 * MINUTE) -> list[Record]:
    """Invocations of every kind: durations with repeats, cold starts, outcomes, missing metrics."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        memory = rng.choice([128, 256, 1024])
        cold = rng.random() < 0.3
        missing = rng.random() < 0.1
        status, error_type = rng.choice(
            [("success", None), ("error", "Runtime.ExitError"), ("error", OOM), ("failure", None), ("timeout", None)]
        )
        records.append(
            invocation_record(
                request_id=f"r-{n}",
                timestamp=T0 + rng.randrange(span_ms),
                duration_ms=None if missing else rng.choice([round(rng.uniform(0.1, 900), 2), 100.0]),
                billed_duration_ms=None if missing else rng.randint(1, 900),
                memory_size_mb=memory,
                max_memory_used_mb=None if missing else rng.randint(30, memory),
                init_duration_ms=round(rng.uniform(50, 700), 2) if cold else None,
                status=status,
                error_type=error_type,
                cold_start=cold,
            )
        )
    return records


# --- flags_of: the outcome of one invocation ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type", "cold_start", "flags"),
    [
        ("success", None, False, 0),
        ("success", None, True, COLD),
        ("timeout", None, False, TIMEOUT),
        ("error", "Runtime.ExitError", False, ERROR),
        ("failure", "Runtime.Unknown", False, ERROR),
        ("error", OOM, True, COLD | ERROR | OUT_OF_MEMORY),
        (None, OOM, False, OUT_OF_MEMORY),
        (None, None, False, 0),
    ],
)
def test_flags_of_marks_cold_start_timeout_error_or_failure_and_out_of_memory(status, error_type, cold_start, flags):
    assert flags_of(status, error_type, cold_start) == flags


# --- Nearest rank ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "n", "rank"),
    [
        (99.9, 1_000, 999),  # 99.9/100 * 1000 in floats is 999.0000000000001: a naive ceil gives 1000
        (99.99, 10_000, 9_999),
        (50, 1_000, 500),
        (99, 1_000, 990),
        (100, 1_000, 1_000),
        (0.1, 1_000, 1),
        (0.01, 1_000, 1),  # rank 0.1 rounds up to the first value
        (50, 1, 1),
        (99.9, 1, 1),
        (50, 2, 1),
        (50, 3, 2),
        (90, 10, 9),
        (95, 20, 19),
        (33.3, 3, 1),  # 0.999 rounds up to 1
    ],
)
def test_nearest_rank_is_the_value_at_rank_ceil_p_n_over_100(p, n, rank):
    values = [float(v) for v in range(1, n + 1)]  # the value at rank r is r

    assert nearest_rank(values, p) == rank
    assert rank_reference(values, p) == rank


def test_a_float_computation_of_the_rank_would_be_off_by_one_at_p99_9_of_1000():
    # Why the rank is computed exactly: the float product is not 999.
    assert math.ceil(99.9 / 100 * 1_000) == 1_000
    assert nearest_rank([float(v) for v in range(1, 1_001)], 99.9) == 999.0


@given(
    values=st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=300),
    tenths=st.integers(1, 1_000),
)
def test_nearest_rank_matches_the_reference_for_any_data_and_percentile(values, tenths):
    p = tenths / 10  # 0.1 .. 100.0, one decimal
    assert nearest_rank(sorted(values), p) == rank_reference(values, p)


@given(
    n=st.integers(1, 20_000),
    hundredths=st.integers(1, 10_000),
)
def test_nearest_rank_matches_the_reference_at_two_decimals_for_any_count(n, hundredths):
    p = hundredths / 100  # 0.01 .. 100.00
    values = range(1, n + 1)
    assert nearest_rank(values, p) == rank_reference(values, p)


# --- distribution: min, mean, max and the percentiles -------------------------------------------------


def test_distribution_of_nothing_is_none():
    assert distribution([], DEFAULT_PERCENTILES) is None


def test_distribution_of_one_value_is_that_value_everywhere():
    assert distribution([42.5], [50, 99.9, 100]) == {
        "min": 42.5,
        "mean": 42.5,
        "max": 42.5,
        "p50": 42.5,
        "p99.9": 42.5,
        "p100": 42.5,
    }


def test_distribution_of_equal_values_is_that_value_everywhere():
    assert distribution([7.25] * 999, DEFAULT_PERCENTILES) == {
        "min": 7.25,
        "mean": 7.25,
        "max": 7.25,
        "p50": 7.25,
        "p90": 7.25,
        "p95": 7.25,
        "p99": 7.25,
    }


def test_distribution_of_1_to_1000():
    values = [float(v) for v in range(1, 1_001)]
    random.Random(1).shuffle(values)

    assert distribution(values, [50, 90, 99, 99.9, 100]) == {
        "min": 1.0,
        "mean": 500.5,
        "max": 1000.0,
        "p50": 500.0,
        "p90": 900.0,
        "p99": 990.0,
        "p99.9": 999.0,
        "p100": 1000.0,
    }


@pytest.mark.parametrize("seed", range(6))
def test_distribution_of_random_data_matches_the_reference(seed):
    rng = random.Random(seed)
    values = [round(rng.lognormvariate(4, 1.5), 3) for _ in range(rng.randint(1, 3_000))]
    percentiles = [50, 75, 90, 95, 99, 99.9, 99.99]

    assert_distribution(distribution(list(values), percentiles), distribution_reference(values, percentiles))


def test_distribution_without_mean_leaves_the_mean_out():
    assert distribution([3.0, 1.0, 2.0], [50], with_mean=False) == {"min": 1.0, "max": 3.0, "p50": 2.0}


# --- summarize ----------------------------------------------------------------------------------------


def test_summary_of_an_empty_window():
    assert summarize(Window(), DEFAULT_PERCENTILES, PRICES, "arm64") == {
        "invocations": 0,
        "cold_starts": 0,
        "cold_start_rate": None,
        "timeouts": 0,
        "errors": 0,
        "out_of_memory": 0,
        "duration_ms": None,
        "init_duration_ms": None,
        "billed_duration_ms": None,
        "max_memory_used_mb": None,
        "memory_size_mb": [],
        "memory_utilization": None,
        "estimated_cost_usd": 0.0,
        "cost_basis": {
            "architecture": "arm64",
            "architecture_known": True,
            "gb_seconds": 0.0,
            "price_per_gb_second": PRICE_ARM64,
            "price_per_request": PRICE_PER_REQUEST,
        },
    }


def test_summary_of_one_invocation():
    record = invocation(
        duration_ms=812.5,
        billed_duration_ms=813,
        memory_size_mb=512,
        max_memory_used_mb=128,
        init_duration_ms=301.75,
        cold_start=True,
    )

    summary = summarize(window_of([record]), [50, 99.9], PRICES, "x86_64")

    assert {key: value for key, value in summary.items() if key not in ("estimated_cost_usd", "cost_basis")} == {
        "invocations": 1,
        "cold_starts": 1,
        "cold_start_rate": 1.0,
        "timeouts": 0,
        "errors": 0,
        "out_of_memory": 0,
        "duration_ms": {"min": 812.5, "mean": 812.5, "max": 812.5, "p50": 812.5, "p99.9": 812.5},
        "init_duration_ms": {"min": 301.75, "mean": 301.75, "max": 301.75, "p50": 301.75, "p99.9": 301.75},
        "billed_duration_ms": {"sum": 813.0, "mean": 813.0},
        "max_memory_used_mb": {"max": 128.0, "p50": 128.0, "p99.9": 128.0},
        "memory_size_mb": [512],
        "memory_utilization": {"p99": 0.25, "max": 0.25},
    }
    # 0.813 s x 0.5 GB = 0.4065 GB-s x $0.0000166667 + $0.0000002
    assert math.isclose(summary["estimated_cost_usd"], 0.4065 * 0.0000166667 + 0.0000002, rel_tol=1e-12)


def test_summary_counts_cold_starts_timeouts_errors_failures_and_out_of_memory():
    outcomes = [
        {"status": "success"},
        {"status": "success", "cold_start": True, "init_duration_ms": 200.0},
        {"status": "success", "cold_start": True, "init_duration_ms": 400.0},
        {"status": "timeout"},
        {"status": "timeout", "cold_start": True, "init_duration_ms": 300.0},
        {"status": "error", "error_type": "Runtime.ExitError"},
        {"status": "error", "error_type": OOM},
        {"status": "failure", "error_type": "Runtime.Unknown"},
        {"status": None},
        {"status": None},
    ]
    records = [invocation(n, **fields) for n, fields in enumerate(outcomes)]

    summary = summarize(window_of(records), DEFAULT_PERCENTILES, PRICES, "arm64")

    assert (
        summary["invocations"],
        summary["cold_starts"],
        summary["timeouts"],
        summary["errors"],
        summary["out_of_memory"],
    ) == (10, 3, 2, 3, 1)
    assert summary["cold_start_rate"] == 0.3
    assert summary["init_duration_ms"] == {  # over the three cold starts only
        "min": 200.0,
        "mean": 300.0,
        "max": 400.0,
        "p50": 300.0,
        "p90": 400.0,
        "p95": 400.0,
        "p99": 400.0,
    }


def test_a_record_without_metrics_is_an_invocation_outside_every_statistic_of_its_metrics():
    records = [
        invocation(0, duration_ms=10.0, billed_duration_ms=10, memory_size_mb=128, max_memory_used_mb=32),
        invocation(1, duration_ms=20.0, billed_duration_ms=20, memory_size_mb=128, max_memory_used_mb=64),
        invocation(2, duration_ms=None, billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None),
        invocation(3, duration_ms=None, billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None),
    ]

    summary = summarize(window_of(records), [50, 100], PRICES, "arm64")

    assert summary["invocations"] == 4
    assert summary["duration_ms"] == {"min": 10.0, "mean": 15.0, "max": 20.0, "p50": 10.0, "p100": 20.0}
    assert summary["billed_duration_ms"] == {"sum": 30.0, "mean": 15.0}
    assert summary["max_memory_used_mb"] == {"max": 64.0, "p50": 32.0, "p100": 64.0}
    assert summary["memory_size_mb"] == [128]
    assert summary["memory_utilization"] == {"p99": 0.5, "max": 0.5}
    assert summary["cost_basis"]["invocations_without_billed_duration_or_memory"] == 2
    # 30 ms x 128 MB = 0.00375 GB-s; all four requests are billed.
    assert math.isclose(summary["estimated_cost_usd"], 0.00375 * PRICE_ARM64 + 4 * PRICE_PER_REQUEST, rel_tol=1e-12)


def test_no_cold_start_gives_a_null_init_duration_and_no_metric_at_all_gives_nulls():
    records = [
        invocation(n, duration_ms=None, billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None)
        for n in range(3)
    ]

    summary = summarize(window_of(records), DEFAULT_PERCENTILES, PRICES, "arm64")

    assert summary["invocations"] == 3
    assert summary["cold_start_rate"] == 0.0
    assert [summary[name] for name in ("duration_ms", "init_duration_ms", "billed_duration_ms")] == [None] * 3
    assert [summary[name] for name in ("max_memory_used_mb", "memory_utilization")] == [None, None]
    assert summary["memory_size_mb"] == []
    assert math.isclose(summary["estimated_cost_usd"], 3 * PRICE_PER_REQUEST, rel_tol=1e-12)


def test_memory_figures_are_the_sizes_seen_and_max_used_over_configured():
    records = [
        invocation(0, memory_size_mb=1024, max_memory_used_mb=256),  # 0.25
        invocation(1, memory_size_mb=128, max_memory_used_mb=128),  # 1.0
        invocation(2, memory_size_mb=512, max_memory_used_mb=384),  # 0.75
        invocation(3, memory_size_mb=128, max_memory_used_mb=96),  # 0.75
    ]

    summary = summarize(window_of(records), [50, 99], PRICES, "arm64")

    assert summary["memory_size_mb"] == [128, 512, 1024]
    assert summary["max_memory_used_mb"] == {"max": 384.0, "p50": 128.0, "p99": 384.0}
    assert summary["memory_utilization"] == {"p99": 1.0, "max": 1.0}


def test_memory_utilization_p99_is_the_nearest_rank_of_the_ratios():
    # 200 invocations of 1000 MB using 1..200 MB: ratios 0.001..0.2; p99 at rank 198.
    records = [invocation(n, memory_size_mb=1000, max_memory_used_mb=n + 1) for n in range(200)]

    summary = summarize(window_of(records), [50], PRICES, "arm64")

    assert summary["memory_utilization"] == {"p99": 198 / 1000, "max": 200 / 1000}


@pytest.mark.parametrize(("seed", "count"), [(1, 1), (2, 2), (3, 17), (4, 250), (5, 1_500)])
def test_summary_of_random_invocations_matches_the_reference(seed, count):
    records = random_records(seed, count)
    percentiles = [50, 90, 99, 99.9]

    summary = summarize(window_of(records), percentiles, PRICES, "arm64")

    durations = [r.duration_ms for r in records if r.duration_ms is not None]
    inits = [r.init_duration_ms for r in records if r.init_duration_ms is not None]
    billed = [r.billed_duration_ms for r in records if r.billed_duration_ms is not None]
    used = [r.max_memory_used_mb for r in records if r.max_memory_used_mb is not None]
    ratios = [r.max_memory_used_mb / r.memory_size_mb for r in records if r.max_memory_used_mb is not None]
    assert summary["invocations"] == count
    assert summary["cold_starts"] == sum(r.cold_start for r in records)
    assert summary["timeouts"] == sum(r.status == "timeout" for r in records)
    assert summary["errors"] == sum(r.status in ("error", "failure") for r in records)
    assert summary["out_of_memory"] == sum(r.error_type == OOM for r in records)
    assert_distribution(summary["duration_ms"], distribution_reference(durations, percentiles))
    assert_distribution(summary["init_duration_ms"], distribution_reference(inits, percentiles))
    assert summary["billed_duration_ms"] == {"sum": sum(billed), "mean": sum(billed) / len(billed)}
    assert summary["max_memory_used_mb"] == {
        "max": max(used),
        **{key_reference(p): rank_reference(used, p) for p in percentiles},
    }
    assert summary["memory_utilization"] == {"p99": rank_reference(ratios, 99), "max": max(ratios)}
    assert summary["memory_size_mb"] == sorted({r.memory_size_mb for r in records})


# --- Cost ------------------------------------------------------------------------------------------------

# 1,000 invocations x 100 ms billed x 1024 MB = 100 GB-s; 1,000 requests = $0.0002.
THOUSAND = [invocation(n, billed_duration_ms=100, memory_size_mb=1024) for n in range(1_000)]


@pytest.mark.parametrize(
    ("architecture", "cost", "basis"),
    [
        pytest.param(
            "arm64",
            0.00153334,  # 100 x $0.0000133334 + $0.0002
            {"architecture": "arm64", "architecture_known": True, "price_per_gb_second": PRICE_ARM64},
            id="arm64",
        ),
        pytest.param(
            "x86_64",
            0.00186667,  # 100 x $0.0000166667 + $0.0002
            {"architecture": "x86_64", "architecture_known": True, "price_per_gb_second": PRICE_X86_64},
            id="x86_64",
        ),
        pytest.param(
            None,
            0.00186667,
            {
                "architecture": "x86_64",
                "architecture_known": False,
                "price_per_gb_second": PRICE_X86_64,
                "note": "architecture unknown: priced as x86_64",
            },
            id="not-in-the-catalog",
        ),
        pytest.param(
            "riscv64",
            0.00186667,
            {
                "architecture": "x86_64",
                "architecture_known": False,
                "price_per_gb_second": PRICE_X86_64,
                "note": "architecture unknown: priced as x86_64",
            },
            id="an-architecture-without-a-price",
        ),
    ],
)
def test_cost_is_gb_seconds_at_the_architecture_price_plus_the_request_price(architecture, cost, basis):
    estimated, cost_basis = PRICES.estimate(window_of(THOUSAND), architecture)

    assert math.isclose(estimated, cost, rel_tol=1e-12)
    assert cost_basis == {**basis, "gb_seconds": 100.0, "price_per_request": PRICE_PER_REQUEST}


def test_billed_restore_duration_is_billed_with_the_billed_duration():
    # SnapStart: Billed Duration 200 ms + Billed Restore Duration 312 ms at 2048 MB = 1.024 GB-s.
    restored = invocation(
        billed_duration_ms=200,
        memory_size_mb=2048,
        restore_duration_ms=500.25,
        billed_restore_duration_ms=312,
        cold_start=True,
    )

    summary = summarize(window_of([restored]), [50], PRICES, "arm64")

    assert summary["billed_duration_ms"] == {"sum": 512.0, "mean": 512.0}
    assert math.isclose(summary["cost_basis"]["gb_seconds"], 1.024, rel_tol=1e-12)
    assert math.isclose(summary["estimated_cost_usd"], 1.024 * PRICE_ARM64 + PRICE_PER_REQUEST, rel_tol=1e-12)


def test_cost_adds_each_invocation_at_its_own_memory_size():
    records = [
        invocation(0, billed_duration_ms=1_000, memory_size_mb=128),  # 0.125 GB-s
        invocation(1, billed_duration_ms=500, memory_size_mb=3_072),  # 1.5 GB-s
        invocation(2, billed_duration_ms=2, memory_size_mb=10_240),  # 0.02 GB-s
    ]

    estimated, basis = PRICES.estimate(window_of(records), "x86_64")

    assert math.isclose(basis["gb_seconds"], 1.645, rel_tol=1e-12)
    assert math.isclose(estimated, 1.645 * PRICE_X86_64 + 3 * PRICE_PER_REQUEST, rel_tol=1e-12)


# --- series ---------------------------------------------------------------------------------------------


def series_reference(records: Sequence[Record], start: int, end: int, interval: int) -> list[tuple[Any, ...]]:
    """(invocations, cold starts, errors, timeouts, p50, p99, max) per interval from start."""
    points = []
    for edge in range(start, end, interval):
        bucket = [r for r in records if edge <= r.timestamp < min(edge + interval, end)]
        durations = [r.duration_ms for r in bucket if r.duration_ms is not None]
        points.append(
            (
                len(bucket),
                sum(r.cold_start for r in bucket),
                sum(r.status in ("error", "failure") for r in bucket),
                sum(r.status == "timeout" for r in bucket),
                rank_reference(durations, 50) if durations else None,
                rank_reference(durations, 99) if durations else None,
                max(durations) if durations else None,
            )
        )
    return points


def as_tuples(points: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            point["invocations"],
            point["cold_starts"],
            point["errors"],
            point["timeouts"],
            point["duration_ms"]["p50"],
            point["duration_ms"]["p99"],
            point["duration_ms"]["max"],
        )
        for point in points
    ]


@pytest.mark.parametrize(("seed", "interval_minutes"), [(1, 1), (2, 5), (3, 7), (4, 60)])
def test_series_counts_match_the_reference(seed, interval_minutes):
    records = random_records(seed, 400, span_ms=60 * MINUTE)

    points = series(window_of(records), T0, T0 + 60 * MINUTE, interval_minutes * MINUTE)

    assert as_tuples(points) == series_reference(records, T0, T0 + 60 * MINUTE, interval_minutes * MINUTE)
    assert sum(point["invocations"] for point in points) == 400


def test_series_includes_empty_intervals_with_zero_counts_and_null_durations():
    records = [invocation(0, duration_ms=5.0), invocation(2 * MINUTE + 1, duration_ms=7.0, cold_start=True)]

    points = series(window_of(records), T0, T0 + 3 * MINUTE, MINUTE)

    assert points == [
        {
            "start": "2024-05-01T12:00:00.000Z",
            "invocations": 1,
            "cold_starts": 0,
            "errors": 0,
            "timeouts": 0,
            "duration_ms": {"p50": 5.0, "p99": 5.0, "max": 5.0},
        },
        {
            "start": "2024-05-01T12:01:00.000Z",
            "invocations": 0,
            "cold_starts": 0,
            "errors": 0,
            "timeouts": 0,
            "duration_ms": {"p50": None, "p99": None, "max": None},
        },
        {
            "start": "2024-05-01T12:02:00.000Z",
            "invocations": 1,
            "cold_starts": 1,
            "errors": 0,
            "timeouts": 0,
            "duration_ms": {"p50": 7.0, "p99": 7.0, "max": 7.0},
        },
    ]


def test_series_ends_with_the_partial_interval_holding_the_last_millisecond():
    # [T0 + 7 ms, T0 + 7 ms + 150 s) in 1-minute intervals: 60 s, 60 s, then 30 s.
    start, end = T0 + 7, T0 + 7 + 150_000
    records = [invocation(7), invocation(7 + 59_999), invocation(7 + 60_000), invocation(7 + 149_999)]

    points = series(window_of(records), start, end, MINUTE)

    assert [(point["start"], point["invocations"]) for point in points] == [
        ("2024-05-01T12:00:00.007Z", 2),
        ("2024-05-01T12:01:00.007Z", 1),
        ("2024-05-01T12:02:00.007Z", 1),
    ]


def test_a_series_point_counts_errors_and_timeouts_and_ignores_missing_durations():
    records = [
        invocation(0, status="error", error_type=OOM, duration_ms=None),
        invocation(1, status="failure", duration_ms=3.0),
        invocation(2, status="timeout", duration_ms=3000.0),
        invocation(3, duration_ms=None),
    ]

    (point,) = series(window_of(records), T0, T0 + MINUTE, MINUTE)

    assert point["invocations"] == 4
    assert (point["errors"], point["timeouts"]) == (2, 1)
    assert point["duration_ms"] == {"p50": 3.0, "p99": 3000.0, "max": 3000.0}


# --- overview_entry ------------------------------------------------------------------------------------


def test_overview_entry_sums_up_one_function():
    records = [
        invocation(0, duration_ms=100.0, billed_duration_ms=100, memory_size_mb=1024, cold_start=True),
        invocation(1, duration_ms=300.0, billed_duration_ms=300, memory_size_mb=1024, status="timeout"),
        invocation(2, duration_ms=200.0, billed_duration_ms=200, memory_size_mb=1024, status="failure"),
        invocation(3, duration_ms=None, billed_duration_ms=None, memory_size_mb=1024, status="error"),
    ]

    entry = overview_entry("my-fn", window_of(records), PRICES, "arm64")

    assert {key: value for key, value in entry.items() if key != "estimated_cost_usd"} == {
        "function": "my-fn",
        "invocations": 4,
        "cold_starts": 1,
        "errors": 2,
        "timeouts": 1,
        "duration_ms": {"p50": 200.0, "p99": 300.0, "max": 300.0},
    }
    # 600 ms x 1 GB = 0.6 GB-s x $0.0000133334 + 4 requests
    assert math.isclose(entry["estimated_cost_usd"], 0.6 * PRICE_ARM64 + 4 * PRICE_PER_REQUEST, rel_tol=1e-12)
