"""Helpers of the query suite: records loaded through the real writer and catalog, and an
independent reference for every figure a query answers.

The reference is written from the specification, not from ``durations.summary``:

- nearest rank: the value at rank ceil(p/100 * n) of the sorted values, with p read as the
  decimal it was written as (99.9 is 999/10, not the float closest to it);
- sums are exact (``Fraction``), so only a mean or a cost may differ from the runtime's float
  arithmetic, by rounding (compared to 12 significant digits by ``assert_matches``);
- times are formatted with ``datetime.isoformat``, not with ``durations.query_request.iso``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from durations.log_source import FunctionRef
from durations.query import handle
from durations.records import Record
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, FunctionConfig
from durations.summary import Prices

from .conftest import T0, TTL_DAYS

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000

# The queries' clock unless a test says otherwise: a day after T0, records of T0 stored with
# TTL_DAYS (30) are live.
NOW = T0 + DAY

# Prices written out (us-east-1 list prices, first tier) so that hand-computed figures read plainly.
PRICE_X86_64 = 0.0000166667
PRICE_ARM64 = 0.0000133334
PRICE_PER_REQUEST = 0.20 / 1_000_000
PRICES = Prices(per_gb_second={"x86_64": PRICE_X86_64, "arm64": PRICE_ARM64}, per_request=PRICE_PER_REQUEST)

DEFAULT_PERCENTILES: tuple[float, ...] = (50, 90, 95, 99)
OUT_OF_MEMORY = "Runtime.OutOfMemory"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- Loading the table -----------------------------------------------------------------------


class StaticConfigurations:
    """GetFunctionConfiguration answers from a dict: function name -> FunctionConfig."""

    def __init__(self, configurations: dict[str, FunctionConfig]):
        self._configurations = configurations

    def configuration(self, function: FunctionRef) -> FunctionConfig | None:
        return self._configurations.get(function.name)


def load(
    dynamodb: Any,
    table: str,
    records: Sequence[Record],
    *,
    architecture: str | None = None,
    ttl_days: int = TTL_DAYS,
) -> None:
    """Write the records as ingest does (DynamoRecordWriter) and catalog each function's first
    and last seen; its architecture too when one is given (None: the catalog does not know it)."""
    DynamoRecordWriter(dynamodb, table, ttl_days, concurrency=4).write(records)
    functions = sorted({record.function for record in records})
    configurations = None
    if architecture is not None:
        configurations = StaticConfigurations({name: FunctionConfig(architecture, 1024) for name in functions})
    catalog = DynamoFunctionCatalog(dynamodb, table, configurations)  # type: ignore[arg-type]
    for name in functions:
        catalog.observe(FunctionRef(name, "$LATEST"), [record for record in records if record.function == name])


class FailingQueryClient:
    """The real client, except that every Query fails with the given error."""

    def __init__(self, real: Any, error: Exception):
        self._real = real
        self._error = error
        self.calls = 0

    def query(self, **kwargs: Any) -> Any:
        self.calls += 1
        raise self._error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


# --- Querying ---------------------------------------------------------------------------------


def follow_pages(
    reader: Any, request: dict[str, Any], *, now_ms: int = NOW, later_now_ms: int | None = None
) -> list[dict[str, Any]]:
    """Every response of a paged query: the first page, then each next_token until it is null.
    ``later_now_ms`` is the clock of every page after the first (time passes between pages)."""
    responses = [handle(request, reader, PRICES, now_ms)]
    while responses[-1]["next_token"] is not None:
        assert len(responses) <= 2_000, "next_token never became null"
        following = {**request, "next_token": responses[-1]["next_token"]}
        responses.append(handle(following, reader, PRICES, later_now_ms if later_now_ms is not None else now_ms))
    for response in responses:
        assert "error" not in response, response
    return responses


def paged_records(responses: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for response in responses for record in response["records"]]


# --- The reference ----------------------------------------------------------------------------


def iso_reference(ms: int) -> str:
    """Epoch milliseconds as ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def key_reference(p: float) -> str:
    """``p50``, ``p99``, ``p99.9``: the percentile as written, no trailing ``.0``."""
    return f"p{Decimal(str(p)).normalize():f}"


def rank_reference(values: Iterable[float], p: float) -> float:
    """Nearest rank, exactly: the value at rank ceil(p/100 * n) of the sorted values (rank 1 at least)."""
    ordered = sorted(values)
    rank = math.ceil(Fraction(Decimal(str(p))) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


def distribution_reference(
    values: Sequence[float], percentiles: Sequence[float], *, with_min: bool = True, with_mean: bool = True
) -> dict[str, Any] | None:
    if not values:
        return None
    result: dict[str, Any] = {}
    if with_min:
        result["min"] = min(values)
    if with_mean:
        result["mean"] = float(sum(Fraction(value) for value in values) / len(values))
    result["max"] = max(values)
    for p in percentiles:
        result[key_reference(p)] = rank_reference(values, p)
    return result


def in_window(records: Iterable[Record], start_ms: int, end_ms: int, version: str | None = None) -> list[Record]:
    """The records of [start, end), of one version when one is given."""
    return [
        record
        for record in records
        if start_ms <= record.timestamp < end_ms and (version is None or record.version == version)
    ]


def is_error(record: Record) -> bool:
    return record.status in ("error", "failure")


def billed_total(record: Record) -> int | None:
    """Billed Duration + Billed Restore Duration (SnapStart), None without a billed duration."""
    if record.billed_duration_ms is None:
        return None
    return record.billed_duration_ms + (record.billed_restore_duration_ms or 0)


def cost_reference(records: Sequence[Record], architecture: str | None) -> tuple[float, dict[str, Any]]:
    known = architecture in ("x86_64", "arm64")
    priced_as = architecture if known else "x86_64"
    price = PRICE_ARM64 if priced_as == "arm64" else PRICE_X86_64
    mb_ms = Fraction(0)
    unpriced = 0
    for record in records:
        billed = billed_total(record)
        if billed is None or record.memory_size_mb is None:
            unpriced += 1
        else:
            mb_ms += billed * record.memory_size_mb
    gb_seconds = mb_ms / 1024 / 1000
    cost = gb_seconds * Fraction(price) + len(records) * Fraction(PRICE_PER_REQUEST)
    basis: dict[str, Any] = {
        "architecture": priced_as,
        "architecture_known": known,
        "gb_seconds": float(gb_seconds),
        "price_per_gb_second": price,
        "price_per_request": PRICE_PER_REQUEST,
    }
    if not known:
        basis["note"] = "architecture unknown: priced as x86_64"
    if unpriced:
        basis["invocations_without_billed_duration_or_memory"] = unpriced
    return float(cost), basis


def summary_reference(
    records: Sequence[Record], architecture: str | None, percentiles: Sequence[float] = DEFAULT_PERCENTILES
) -> dict[str, Any]:
    """The summary the specification describes for exactly these records."""
    n = len(records)
    cold = sum(1 for record in records if record.cold_start)
    billed = [total for total in map(billed_total, records) if total is not None]
    used = [record.max_memory_used_mb for record in records if record.max_memory_used_mb is not None]
    utilization = [
        record.max_memory_used_mb / record.memory_size_mb
        for record in records
        if record.max_memory_used_mb is not None and record.memory_size_mb
    ]
    cost, basis = cost_reference(records, architecture)
    return {
        "invocations": n,
        "cold_starts": cold,
        "cold_start_rate": cold / n if n else None,
        "timeouts": sum(1 for record in records if record.status == "timeout"),
        "errors": sum(1 for record in records if is_error(record)),
        "out_of_memory": sum(1 for record in records if record.error_type == OUT_OF_MEMORY),
        "duration_ms": distribution_reference(
            [record.duration_ms for record in records if record.duration_ms is not None], percentiles
        ),
        "init_duration_ms": distribution_reference(
            [record.init_duration_ms for record in records if record.init_duration_ms is not None], percentiles
        ),
        "billed_duration_ms": {"sum": sum(billed), "mean": sum(billed) / len(billed)} if billed else None,
        "max_memory_used_mb": distribution_reference(used, percentiles, with_min=False, with_mean=False),
        "memory_size_mb": sorted({record.memory_size_mb for record in records if record.memory_size_mb is not None}),
        "memory_utilization": (
            {"p99": rank_reference(utilization, 99), "max": max(utilization)} if utilization else None
        ),
        "estimated_cost_usd": cost,
        "cost_basis": basis,
    }


def short_durations_reference(records: Sequence[Record]) -> dict[str, Any]:
    """``{p50, p99, max}`` of the durations, each None when no record has one."""
    durations = [record.duration_ms for record in records if record.duration_ms is not None]
    if not durations:
        return {"p50": None, "p99": None, "max": None}
    return {"p50": rank_reference(durations, 50), "p99": rank_reference(durations, 99), "max": max(durations)}


def series_reference(records: Sequence[Record], start_ms: int, end_ms: int, interval_ms: int) -> list[dict[str, Any]]:
    """One point per interval from start (the last one may be partial), empty ones included."""
    count = -(-(end_ms - start_ms) // interval_ms)
    buckets: list[list[Record]] = [[] for _ in range(count)]
    for record in records:
        buckets[(record.timestamp - start_ms) // interval_ms].append(record)
    return [
        {
            "start": iso_reference(start_ms + index * interval_ms),
            "invocations": len(bucket),
            "cold_starts": sum(1 for record in bucket if record.cold_start),
            "errors": sum(1 for record in bucket if is_error(record)),
            "timeouts": sum(1 for record in bucket if record.status == "timeout"),
            "duration_ms": short_durations_reference(bucket),
        }
        for index, bucket in enumerate(buckets)
    ]


def overview_entry_reference(function: str, records: Sequence[Record], architecture: str | None) -> dict[str, Any]:
    return {
        "function": function,
        "invocations": len(records),
        "cold_starts": sum(1 for record in records if record.cold_start),
        "errors": sum(1 for record in records if is_error(record)),
        "timeouts": sum(1 for record in records if record.status == "timeout"),
        "duration_ms": short_durations_reference(records),
        "estimated_cost_usd": cost_reference(records, architecture)[0],
    }


def records_reference(records: Iterable[Record]) -> list[dict[str, Any]]:
    """The records as the query returns them: every field unchanged, oldest first, then by request id."""
    return [record._asdict() for record in sorted(records, key=lambda record: (record.timestamp, record.request_id))]


# --- Comparing ------------------------------------------------------------------------------

# Figures the runtime computes in floating point where the reference is exact: a mean (a sum
# then a division) and a cost (products and sums). Every other figure must be equal.
ROUNDED = frozenset({"mean", "estimated_cost_usd", "gb_seconds"})


def assert_matches(actual: Any, expected: Any, path: str = "response") -> None:
    """Equal, key for key and item for item; the ROUNDED figures to 12 significant digits."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected a dict, got {actual!r}"
        assert sorted(actual) == sorted(expected), f"{path}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            if key in ROUNDED and isinstance(value, float):
                assert isinstance(actual[key], float), f"{path}.{key}: {actual[key]!r}"
                assert math.isclose(actual[key], value, rel_tol=1e-12, abs_tol=0.0), (
                    f"{path}.{key}: {actual[key]!r} != {value!r}"
                )
            else:
                assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items != {len(expected)}"
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(got, wanted, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        assert (actual is None) == (expected is None), f"{path}: {actual!r} != {expected!r}"
        assert isinstance(actual, bool) == isinstance(expected, bool), f"{path}: {actual!r} != {expected!r}"
