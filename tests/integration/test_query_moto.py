"""The query against moto: records written as ingest writes them, read back by DynamoWindowReader.

Each test loads records through DynamoRecordWriter and DynamoFunctionCatalog, asks
``durations.query.handle`` (or the Lambda handler) a question, and compares the answer with a
reference computed from the same records by ``query_fixtures`` (nearest rank, exact sums),
or with figures worked out by hand in the test.
"""

from __future__ import annotations

import logging
import math
import random
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from durations import keys, query_handler
from durations.log_source import FunctionRef
from durations.query import handle
from durations.records import Record
from durations.schema import CATALOG_LAST_SEEN_RESOLUTION_MS, ENV_TABLE_NAME, INVOCATION_SHARDS
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, DynamoWindowReader
from tests.builders import assert_record_equal, invocation_record

from .conftest import T0, TTL_DAYS, catalog_item, client_error
from .query_fixtures import (
    DAY,
    HOUR,
    MINUTE,
    NOW,
    OUT_OF_MEMORY,
    PRICE_ARM64,
    PRICE_PER_REQUEST,
    PRICE_X86_64,
    PRICES,
    FailingQueryClient,
    assert_matches,
    follow_pages,
    in_window,
    iso_reference,
    load,
    paged_records,
    records_reference,
    series_reference,
    summary_reference,
)


@pytest.fixture
def reader(dynamodb: Any, table: str) -> DynamoWindowReader:
    return DynamoWindowReader(dynamodb, table)


@pytest.fixture
def query_env(monkeypatch: pytest.MonkeyPatch, table: str) -> Any:
    """The query function's environment; its cached reader is rebuilt for each test."""
    monkeypatch.setenv(ENV_TABLE_NAME, table)
    query_handler._dependencies.cache_clear()
    yield
    query_handler._dependencies.cache_clear()


def request_ids(count: int, seed: int) -> list[str]:
    """Random-looking request ids (uuid4 shape), the same on every run: their order is not
    the order they were made in, so "then by request id" is really tested."""
    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]


def varied_records(
    *, seed: int, count: int, function: str, start_ms: int, span_ms: int, versions: tuple[str, ...] = ("1", "2")
) -> list[Record]:
    """Invocations of every kind at random times in [start, start + span): warm and cold,
    SnapStart restores, success, error, failure, timeout, out of memory, no status, records
    without a duration, several memory sizes and versions."""
    rng = random.Random(seed)
    outcomes = [
        ("success", None),
        ("error", "Runtime.ExitError"),
        ("error", OUT_OF_MEMORY),
        ("failure", "Runtime.Unknown"),
        ("timeout", None),
        (None, None),
    ]
    records = []
    for rid in request_ids(count, seed):
        status, error_type = rng.choices(outcomes, weights=[70, 8, 4, 3, 5, 10])[0]
        memory = rng.choice([128, 512, 1024])
        cold = rng.random() < 0.25
        restored = cold and rng.random() < 0.3
        restore = round(rng.uniform(50, 400), 2) if restored else None
        duration: float | None = round(rng.uniform(0.5, 3000), 2)
        billed: int | None = math.ceil(duration)
        max_used: int | None = rng.randint(40, memory)
        if rng.random() < 0.05:  # a REPORT that lacked its metrics
            duration = billed = max_used = None
        records.append(
            invocation_record(
                function=function,
                version=rng.choice(versions),
                request_id=rid,
                timestamp=start_ms + rng.randrange(span_ms),
                duration_ms=duration,
                billed_duration_ms=billed,
                memory_size_mb=memory,
                max_memory_used_mb=max_used,
                init_duration_ms=round(rng.uniform(100, 900), 2) if cold and not restored else None,
                restore_duration_ms=restore,
                billed_restore_duration_ms=math.ceil(restore) if restore is not None else None,
                status=status,
                error_type=error_type,
                cold_start=cold,
                xray_trace_id=f"1-66322b40-{rng.getrandbits(96):024x}" if rng.random() < 0.3 else None,
            )
        )
    return records


def warm(function: str, rid: str, timestamp: int, **fields: Any) -> Record:
    """A warm, successful invocation (12.47 ms, billed 13 ms, 256 MB) unless fields say otherwise."""
    return invocation_record(function=function, request_id=rid, timestamp=timestamp, **fields)


def ask(reader: DynamoWindowReader, request: dict[str, Any], now_ms: int = NOW) -> dict[str, Any]:
    response = handle(request, reader, PRICES, now_ms)
    assert "error" not in response, response
    return response


# --- Summary: every figure against the reference ----------------------------------------------


def test_summary_of_a_random_window_matches_the_reference(dynamodb, table, reader):
    records = varied_records(seed=11, count=240, function="orders-api", start_ms=T0, span_ms=4 * HOUR)
    load(dynamodb, table, records, architecture="arm64")
    start, end = T0 + 30 * MINUTE, T0 + 3 * HOUR + 30 * MINUTE
    percentiles = [50, 90, 99, 99.9]

    response = ask(
        reader,
        {
            "function": "orders-api",
            "start": iso_reference(start),
            "end": iso_reference(end),
            "percentiles": percentiles,
        },
    )

    window = in_window(records, start, end)
    assert 150 < len(window) < len(records)  # the window cuts the data on both sides
    assert_matches(
        response,
        {
            "function": "orders-api",
            "start": iso_reference(start),
            "end": iso_reference(end),
            "summary": summary_reference(window, "arm64", percentiles),
            "next_token": None,
        },
    )


def test_summary_counts_each_outcome_once_and_an_out_of_memory_error_as_both(dynamodb, table, reader):
    outcomes = [
        {"status": "success", "cold_start": True, "init_duration_ms": 250.5},
        {"status": "error", "error_type": "Runtime.ExitError"},
        {"status": "error", "error_type": OUT_OF_MEMORY, "max_memory_used_mb": 256},
        {"status": "failure", "error_type": "Runtime.Unknown"},
        {"status": "timeout"},
        {"status": None},
    ]
    ids = request_ids(len(outcomes), seed=3)
    records = [
        warm("counted", rid, T0 + i, **fields) for i, (rid, fields) in enumerate(zip(ids, outcomes, strict=True))
    ]
    load(dynamodb, table, records, architecture="x86_64")

    summary = ask(reader, {"function": "counted", "start": T0, "end": T0 + MINUTE})["summary"]

    assert {name: summary[name] for name in ("invocations", "cold_starts", "timeouts", "errors", "out_of_memory")} == {
        "invocations": 6,
        "cold_starts": 1,
        "timeouts": 1,
        "errors": 3,  # error, error (out of memory), failure
        "out_of_memory": 1,
    }
    assert summary["cold_start_rate"] == 1 / 6
    assert summary["init_duration_ms"] == {
        "min": 250.5,
        "mean": 250.5,
        "max": 250.5,
        "p50": 250.5,
        "p90": 250.5,
        "p95": 250.5,
        "p99": 250.5,
    }
    assert summary["memory_utilization"] == {"p99": 1.0, "max": 1.0}  # 256 of 256 MB


def test_billed_restore_duration_is_billed_and_priced(dynamodb, table, reader):
    # A SnapStart restore: Billed Duration 100 ms + Billed Restore Duration 250 ms at 1024 MB
    # is 0.35 GB-s; with a warm 100 ms invocation, 0.45 GB-s.
    records = [
        warm(
            "snap",
            "r-restored",
            T0,
            billed_duration_ms=100,
            memory_size_mb=1024,
            restore_duration_ms=312.25,
            billed_restore_duration_ms=250,
            cold_start=True,
        ),
        warm("snap", "r-warm", T0 + 1, billed_duration_ms=100, memory_size_mb=1024),
    ]
    load(dynamodb, table, records, architecture="arm64")

    summary = ask(reader, {"function": "snap", "start": T0, "end": T0 + MINUTE})["summary"]

    assert summary["billed_duration_ms"] == {"sum": 450.0, "mean": 225.0}
    assert summary["init_duration_ms"] is None  # a restore is a cold start without an Init Duration
    assert summary["cold_starts"] == 1
    # 0.45 GB-s x $0.0000133334 + 2 x $0.0000002 = $0.00000600003 + $0.0000004
    assert math.isclose(summary["estimated_cost_usd"], 0.00000640003, rel_tol=1e-12)
    assert math.isclose(summary["cost_basis"]["gb_seconds"], 0.45, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("architecture", "expected"),
    [
        # 8 invocations x 250 ms x 2048 MB = 4 GB-s; 8 requests = $0.0000016.
        pytest.param(
            "arm64",
            (
                4 * 0.0000133334 + 0.0000016,
                {"architecture": "arm64", "architecture_known": True, "price_per_gb_second": PRICE_ARM64},
            ),
            id="arm64",
        ),
        pytest.param(
            "x86_64",
            (
                4 * 0.0000166667 + 0.0000016,
                {"architecture": "x86_64", "architecture_known": True, "price_per_gb_second": PRICE_X86_64},
            ),
            id="x86_64",
        ),
        pytest.param(
            None,
            (
                4 * 0.0000166667 + 0.0000016,
                {
                    "architecture": "x86_64",
                    "architecture_known": False,
                    "price_per_gb_second": PRICE_X86_64,
                    "note": "architecture unknown: priced as x86_64",
                },
            ),
            id="unknown-priced-as-x86_64",
        ),
    ],
)
def test_cost_is_billed_gb_seconds_at_the_architecture_price_plus_requests(
    dynamodb, table, reader, architecture, expected
):
    expected_cost, expected_basis = expected
    records = [warm("priced", f"r-{i}", T0 + i, billed_duration_ms=250, memory_size_mb=2048) for i in range(8)]
    load(dynamodb, table, records, architecture=architecture)

    summary = ask(reader, {"function": "priced", "start": T0, "end": T0 + MINUTE})["summary"]

    assert math.isclose(summary["estimated_cost_usd"], expected_cost, rel_tol=1e-12)
    assert summary["cost_basis"] == {**expected_basis, "gb_seconds": 4.0, "price_per_request": PRICE_PER_REQUEST}


def test_an_unknown_function_has_zero_invocations_not_an_error(dynamodb, table, reader):
    load(dynamodb, table, [warm("someone-else", "r-1", T0)], architecture="arm64")

    response = ask(reader, {"function": "never-ran", "start": T0, "end": T0 + HOUR, "records": True, "interval": "30m"})

    assert response == {
        "function": "never-ran",
        "start": "2024-05-01T00:00:00.000Z",
        "end": "2024-05-01T01:00:00.000Z",
        "summary": {
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
                "architecture": "x86_64",
                "architecture_known": False,
                "gb_seconds": 0.0,
                "price_per_gb_second": PRICE_X86_64,
                "price_per_request": PRICE_PER_REQUEST,
                "note": "architecture unknown: priced as x86_64",
            },
        },
        "interval": "30m",
        "series": [
            {
                "start": start,
                "invocations": 0,
                "cold_starts": 0,
                "errors": 0,
                "timeouts": 0,
                "duration_ms": {"p50": None, "p99": None, "max": None},
            }
            for start in ("2024-05-01T00:00:00.000Z", "2024-05-01T00:30:00.000Z")
        ],
        "records": [],
        "next_token": None,
    }


def test_a_record_without_metrics_counts_as_an_invocation_but_not_in_their_statistics(dynamodb, table, reader):
    bare = warm(
        "sparse",
        "r-bare",
        T0 + 2,
        duration_ms=None,
        billed_duration_ms=None,
        memory_size_mb=None,
        max_memory_used_mb=None,
    )
    records = [
        warm("sparse", "r-1", T0, duration_ms=10.0, billed_duration_ms=10, memory_size_mb=128, max_memory_used_mb=64),
        warm(
            "sparse", "r-2", T0 + 1, duration_ms=30.0, billed_duration_ms=30, memory_size_mb=256, max_memory_used_mb=64
        ),
        bare,
    ]
    load(dynamodb, table, records, architecture="x86_64")

    response = ask(reader, {"function": "sparse", "start": T0, "end": T0 + MINUTE, "percentiles": [50, 100]})

    summary = response["summary"]
    assert summary["invocations"] == 3
    assert summary["duration_ms"] == {"min": 10.0, "mean": 20.0, "max": 30.0, "p50": 10.0, "p100": 30.0}
    assert summary["billed_duration_ms"] == {"sum": 40.0, "mean": 20.0}
    assert summary["max_memory_used_mb"] == {"max": 64.0, "p50": 64.0, "p100": 64.0}
    assert summary["memory_size_mb"] == [128, 256]
    assert summary["memory_utilization"] == {"p99": 0.5, "max": 0.5}  # 64/128 and 64/256
    assert summary["cost_basis"]["invocations_without_billed_duration_or_memory"] == 1
    # (10 ms x 128 MB + 30 ms x 256 MB) = 8,960 MB-ms = 0.00875 GB-s; 3 requests are billed.
    assert math.isclose(summary["estimated_cost_usd"], 0.00875 * 0.0000166667 + 3 * 0.0000002, rel_tol=1e-12)


# --- The window: [start, end), live records only ----------------------------------------------


def test_a_record_at_start_is_in_the_window_and_one_at_end_is_not(dynamodb, table, reader):
    start, end = T0 + HOUR, T0 + 2 * HOUR
    at = [("before", start - 1), ("start", start), ("after-start", start + 1),
          ("end-1", end - 1), ("end", end), ("after-end", end + 1)]  # fmt: skip
    records = [warm("edges", f"r-{name}", ts) for name, ts in at]
    load(dynamodb, table, records, architecture="arm64")

    response = ask(reader, {"function": "edges", "start": start, "end": end, "records": True, "interval": "30m"})

    assert [record["request_id"] for record in response["records"]] == ["r-start", "r-after-start", "r-end-1"]
    assert response["summary"]["invocations"] == 3
    assert [(point["start"], point["invocations"]) for point in response["series"]] == [
        ("2024-05-01T01:00:00.000Z", 2),
        ("2024-05-01T01:30:00.000Z", 1),
    ]


@pytest.mark.parametrize(
    ("now_ms", "live_short_lived"),
    [
        # Stored with a 1-day TTL, a record of T0 + x expires at second (T0 + x) // 1000 + 86,400.
        # At NOW = T0 + 1 day, those of T0 and T0 + 999 ms have expired (expires_at <= now) and
        # the one of T0 + 1,000 ms has one second left.
        pytest.param(NOW, ["r-short-1000"], id="at-expiry"),
        pytest.param(NOW - 1_000, ["r-short-0", "r-short-999", "r-short-1000"], id="a-second-before-expiry"),
    ],
)
def test_expired_records_are_left_out_of_summary_series_records_and_overview(
    dynamodb, table, reader, now_ms, live_short_lived
):
    long_lived = [warm("ttl-fn", f"r-long-{i}", T0 + i * MINUTE) for i in range(3)]
    short_lived = [warm("ttl-fn", f"r-short-{offset}", T0 + offset) for offset in (0, 999, 1_000)]
    only_expired = [warm("gone-fn", "r-gone", T0 + 500)]
    load(dynamodb, table, long_lived, architecture="arm64")
    load(dynamodb, table, short_lived + only_expired, architecture="arm64", ttl_days=1)
    window = {"start": T0, "end": T0 + HOUR}

    response = ask(reader, {"function": "ttl-fn", **window, "records": True, "interval": "1h"}, now_ms)
    overview = ask(reader, window, now_ms)

    live = sorted(live_short_lived + [record.request_id for record in long_lived])
    assert sorted(record["request_id"] for record in response["records"]) == live
    assert response["summary"]["invocations"] == len(live)
    assert response["series"][0]["invocations"] == len(live)
    invocations_by_function = {entry["function"]: entry["invocations"] for entry in overview["functions"]}
    gone = {"gone-fn": 1} if now_ms < NOW else {}
    assert invocations_by_function == {"ttl-fn": len(live), **gone}


# --- Records, page by page --------------------------------------------------------------------


def paging_records(count: int, *, function: str, seed: int) -> list[Record]:
    """``count`` invocations over half an hour; every fifth shares its millisecond with the one
    before, and the last one reuses the first one's request id (an async retry)."""
    ids = request_ids(count, seed)
    ids[-1] = ids[0]
    timestamps = []
    for i in range(count):
        timestamps.append(timestamps[-1] if i % 5 == 4 else T0 + i * 7_001)
    return [
        warm(function, rid, ts, duration_ms=float(i), version=("1", "2")[i % 2])
        for i, (rid, ts) in enumerate(zip(ids, timestamps, strict=True))
    ]


PAGED = paging_records(203, function="paged", seed=5)


def test_the_paging_data_spans_every_shard_with_shared_milliseconds_and_a_reused_request_id():
    assert {keys.invocation_shard(r.request_id, r.timestamp) for r in PAGED} == set(range(INVOCATION_SHARDS))
    assert len({r.timestamp for r in PAGED}) < len(PAGED)
    assert len({r.request_id for r in PAGED}) == len(PAGED) - 1


@pytest.mark.parametrize(
    ("limit", "page_sizes"),
    [
        pytest.param(50, [50, 50, 50, 50, 3], id="limit-50"),
        pytest.param(202, [202, 1], id="one-short-of-all"),
        pytest.param(203, [203], id="exactly-all"),
        pytest.param(1000, [203], id="limit-1000"),
    ],
)
def test_following_next_token_returns_every_record_once_oldest_first(dynamodb, table, reader, limit, page_sizes):
    load(dynamodb, table, PAGED + paging_records(40, function="paged-neighbour", seed=6), architecture="arm64")
    request = {"function": "paged", "start": T0, "end": T0 + HOUR, "records": True, "limit": limit}

    responses = follow_pages(reader, request)

    assert [len(response["records"]) for response in responses] == page_sizes
    assert [response["next_token"] is None for response in responses] == [False] * (len(page_sizes) - 1) + [True]
    assert paged_records(responses) == records_reference(PAGED)
    assert {response["summary"]["invocations"] for response in responses} == {203}


def test_records_come_one_at_a_time_with_limit_1_and_without_a_summary_when_asked(dynamodb, table, reader):
    records = paging_records(23, function="single", seed=8)
    load(dynamodb, table, records, architecture="arm64")
    request = {"function": "single", "start": T0, "end": T0 + HOUR, "records": True, "limit": 1, "summary": False}

    responses = follow_pages(reader, request)

    assert [len(response["records"]) for response in responses] == [1] * 23
    assert {tuple(response) for response in responses} == {("function", "start", "end", "records", "next_token")}
    assert paged_records(responses) == records_reference(records)
    assert responses[-1]["next_token"] is None


def test_records_are_returned_with_every_field_unchanged(dynamodb, table, reader):
    records = varied_records(seed=21, count=40, function="fields", start_ms=T0, span_ms=HOUR)
    load(dynamodb, table, records, architecture="arm64")

    returned = paged_records(
        follow_pages(reader, {"function": "fields", "start": T0, "end": T0 + HOUR, "records": True})
    )

    expected = sorted(records, key=lambda record: (record.timestamp, record.request_id))
    assert len(returned) == len(expected) == 40
    for got, wanted in zip(returned, expected, strict=True):
        assert_record_equal(Record(**got), wanted)  # types too: 13 is not 13.0, None is not absent


def test_two_invocations_sharing_a_request_id_are_both_returned_and_counted(dynamodb, table, reader):
    retried = [
        warm("retried", "c0ffee00-0000-4000-8000-000000000001", T0, status="error", error_type="Runtime.ExitError"),
        warm("retried", "c0ffee00-0000-4000-8000-000000000001", T0 + 60_000),
    ]
    load(dynamodb, table, retried, architecture="arm64")

    response = ask(reader, {"function": "retried", "start": T0, "end": T0 + HOUR, "records": True})

    assert response["records"] == records_reference(retried)
    assert (response["summary"]["invocations"], response["summary"]["errors"]) == (2, 1)


def test_a_relative_window_holds_across_pages_while_now_moves(dynamodb, table, reader):
    # The first page is asked at NOW for "-2h": [NOW - 2h, NOW). Later pages are asked ten
    # minutes later; records of the first ten minutes of the window stay in it, and records
    # after NOW do not join it.
    early = [warm("moving", f"r-early-{i}", NOW - 2 * HOUR + i * MINUTE) for i in range(6)]
    middle = [warm("moving", f"r-mid-{i:02d}", NOW - HOUR + i * MINUTE) for i in range(20)]
    after_now = [warm("moving", f"r-late-{i}", NOW + i * MINUTE) for i in range(6)]
    load(dynamodb, table, early + middle + after_now, architecture="arm64")

    responses = follow_pages(
        reader, {"function": "moving", "start": "-2h", "records": True, "limit": 7}, later_now_ms=NOW + 10 * MINUTE
    )

    assert paged_records(responses) == records_reference(early + middle)
    assert [len(response["records"]) for response in responses] == [7, 7, 7, 5]
    assert {(response["start"], response["end"]) for response in responses} == {
        (iso_reference(NOW - 2 * HOUR), iso_reference(NOW))
    }
    assert {response["summary"]["invocations"] for response in responses} == {26}


def test_a_version_filter_applies_to_summary_series_and_records(dynamodb, table, reader):
    records = varied_records(
        seed=31, count=120, function="versioned", start_ms=T0, span_ms=HOUR, versions=("1", "2", "$LATEST")
    )
    load(dynamodb, table, records, architecture="x86_64")
    version_2 = in_window(records, T0, T0 + HOUR, version="2")
    assert 20 < len(version_2) < 60

    responses = follow_pages(
        reader,
        {"function": "versioned", "version": "2", "start": T0, "end": T0 + HOUR, "interval": "10m", "records": True,
         "limit": 15},
    )  # fmt: skip

    assert paged_records(responses) == records_reference(version_2)
    for response in responses:
        assert response["version"] == "2"
        assert_matches(response["summary"], summary_reference(version_2, "x86_64"), "summary")
        assert_matches(response["series"], series_reference(version_2, T0, T0 + HOUR, 10 * MINUTE), "series")


# --- Series --------------------------------------------------------------------------------------


def test_series_has_one_point_per_interval_empty_and_partial_ones_included(dynamodb, table, reader):
    start, end = T0 + 3, T0 + 3 + 62 * MINUTE  # 12 points of 5 minutes, the last one of 2 minutes
    busy = varied_records(seed=41, count=90, function="bursty", start_ms=start, span_ms=20 * MINUTE)
    late = varied_records(seed=42, count=15, function="bursty", start_ms=start + 45 * MINUTE, span_ms=17 * MINUTE)
    no_duration = [
        warm(
            "bursty", "r-no-duration", start + 27 * MINUTE, duration_ms=None, billed_duration_ms=None, status="timeout"
        )
    ]
    records = busy + late + no_duration
    load(dynamodb, table, records, architecture="arm64")

    response = ask(
        reader, {"function": "bursty", "start": iso_reference(start), "end": iso_reference(end), "interval": "5m"}
    )

    series = response["series"]
    assert_matches(series, series_reference(records, start, end, 5 * MINUTE), "series")
    assert [point["start"] for point in series][:2] == ["2024-05-01T00:00:00.003Z", "2024-05-01T00:05:00.003Z"]
    assert series[-1]["start"] == "2024-05-01T01:00:00.003Z"
    assert series[5] == {  # 25-30 minutes: only the record without a duration
        "start": "2024-05-01T00:25:00.003Z",
        "invocations": 1,
        "cold_starts": 0,
        "errors": 0,
        "timeouts": 1,
        "duration_ms": {"p50": None, "p99": None, "max": None},
    }
    assert series[7]["invocations"] == series[8]["invocations"] == 0  # 35-45 minutes: nothing
    assert sum(point["invocations"] for point in series) == len(records) == response["summary"]["invocations"]


# --- Overview ------------------------------------------------------------------------------------


def test_overview_lists_the_functions_with_invocations_in_the_window_costliest_first(dynamodb, table, reader):
    batch = [
        warm("batch-x86", "r-b1", T0 + 5 * MINUTE, duration_ms=2999.5, billed_duration_ms=3000, memory_size_mb=2048),
        warm("batch-x86", "r-b2", T0 + 6 * MINUTE, duration_ms=2990.25, billed_duration_ms=3000, memory_size_mb=2048,
             status="timeout"),
    ]  # fmt: skip
    api = [
        warm("api-arm", f"r-a{i}", T0 + (10 + i) * MINUTE, duration_ms=d, billed_duration_ms=1000, memory_size_mb=1024,
             cold_start=i == 0, init_duration_ms=300.0 if i == 0 else None)
        for i, d in enumerate([900.5, 950.0, 999.99, 120.0])
    ]  # fmt: skip
    legacy = [
        warm("legacy-unknown", f"r-l{i}", T0 + 20 * MINUTE + i * 1_000, duration_ms=float(91 + i),
             billed_duration_ms=100, memory_size_mb=128, status=["error", "failure"][i] if i < 2 else "success")
        for i in range(10)
    ]  # fmt: skip
    cheap = [warm("cheap-arm", "r-c", T0 + HOUR, duration_ms=0.85, billed_duration_ms=1, memory_size_mb=128)]
    # In the catalog with a span that covers the window, but no invocation inside it.
    idle = [warm("idle-in-window", "r-i1", T0 - 30 * MINUTE), warm("idle-in-window", "r-i2", T0 + 150 * MINUTE)]
    long_gone = [warm("long-gone", "r-g", T0 - DAY)]
    load(dynamodb, table, batch + idle + long_gone, architecture="x86_64")
    load(dynamodb, table, api + cheap, architecture="arm64")
    load(dynamodb, table, legacy)

    response = ask(reader, {"start": "2024-05-01T00:00:00Z", "end": "2024-05-01T02:00:00.000Z"})

    assert_matches(
        response,
        {
            "start": "2024-05-01T00:00:00.000Z",
            "end": "2024-05-01T02:00:00.000Z",
            "functions": [
                {
                    # 2 x 3 s x 2 GB = 12 GB-s x $0.0000166667 + 2 requests
                    "function": "batch-x86",
                    "invocations": 2,
                    "cold_starts": 0,
                    "errors": 0,
                    "timeouts": 1,
                    "duration_ms": {"p50": 2990.25, "p99": 2999.5, "max": 2999.5},
                    "estimated_cost_usd": 0.0002004004,
                },
                {
                    # 4 x 1 s x 1 GB = 4 GB-s x $0.0000133334 + 4 requests
                    "function": "api-arm",
                    "invocations": 4,
                    "cold_starts": 1,
                    "errors": 0,
                    "timeouts": 0,
                    "duration_ms": {"p50": 900.5, "p99": 999.99, "max": 999.99},
                    "estimated_cost_usd": 0.0000541336,
                },
                {
                    # 10 x 0.1 s x 0.125 GB = 0.125 GB-s, priced as x86_64, + 10 requests
                    "function": "legacy-unknown",
                    "invocations": 10,
                    "cold_starts": 0,
                    "errors": 2,
                    "timeouts": 0,
                    "duration_ms": {"p50": 95.0, "p99": 100.0, "max": 100.0},
                    "estimated_cost_usd": 0.0000040833375,
                },
                {
                    # 0.001 s x 0.125 GB = 0.000125 GB-s x $0.0000133334 + 1 request
                    "function": "cheap-arm",
                    "invocations": 1,
                    "cold_starts": 0,
                    "errors": 0,
                    "timeouts": 0,
                    "duration_ms": {"p50": 0.85, "p99": 0.85, "max": 0.85},
                    "estimated_cost_usd": 0.000000201666675,
                },
            ],
        },
    )


def test_overview_lists_a_function_whose_catalog_last_seen_lags_behind_its_newest_invocation(dynamodb, table, reader):
    # The catalog moves last_seen only by CATALOG_LAST_SEEN_RESOLUTION_MS or more: an invocation
    # 5 s into the window, 55 s after the one the catalog knows, is not written to it.
    writer = DynamoRecordWriter(dynamodb, table, TTL_DAYS, concurrency=1)
    catalog = DynamoFunctionCatalog(dynamodb, table, None)
    before, inside = warm("lagging", "r-before", T0 - 50_000), warm("lagging", "r-inside", T0 + 5_000)
    for record in (before, inside):
        writer.write([record])
        catalog.observe(FunctionRef("lagging", "$LATEST"), [record])
    assert int(catalog_item(dynamodb, table, "lagging")["last_seen"]["N"]) == T0 - 50_000
    assert inside.timestamp - before.timestamp < CATALOG_LAST_SEEN_RESOLUTION_MS

    response = ask(reader, {"start": T0, "end": T0 + HOUR})

    assert [(entry["function"], entry["invocations"]) for entry in response["functions"]] == [("lagging", 1)]


# --- Failures: an infrastructure error is raised, an invalid request is answered ------------------


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param({"function": "orders-api", "start": T0, "end": T0 + HOUR}, id="function"),
        pytest.param({"start": T0, "end": T0 + HOUR}, id="overview"),
    ],
)
def test_a_dynamodb_error_is_raised_not_turned_into_a_response(dynamodb, table, request_):
    load(dynamodb, table, [warm("orders-api", "r-1", T0 + 1)], architecture="arm64")
    failing = FailingQueryClient(dynamodb, client_error("ProvisionedThroughputExceededException", "Query"))

    with pytest.raises(ClientError) as raised:
        handle(request_, DynamoWindowReader(failing, table), PRICES, NOW)

    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert failing.calls >= 1


@pytest.mark.usefixtures("query_env")
def test_handler_answers_from_the_table(dynamodb, table):
    # The handler's clock is the real one: these records are stored with a TTL of a century.
    records = [warm("orders-api", f"r-{i}", T0 + i * 1_000, duration_ms=float(10 * (i + 1))) for i in range(4)]
    load(dynamodb, table, records, architecture="arm64", ttl_days=36_500)

    response = query_handler.handler(
        {"function": "orders-api", "start": "2024-05-01T00:00:00Z", "end": "2024-05-01T01:00:00Z"}, None
    )

    assert response["start"] == "2024-05-01T00:00:00.000Z"
    assert response["summary"]["invocations"] == 4
    assert response["summary"]["duration_ms"]["max"] == 40.0
    assert response["next_token"] is None


@pytest.mark.usefixtures("query_env")
def test_handler_reraises_an_infrastructure_failure_and_logs_the_request(monkeypatch, caplog):
    monkeypatch.setenv(ENV_TABLE_NAME, "no-such-table")
    caplog.set_level(logging.ERROR, logger="durations.query_handler")
    event = {"function": "orders-api", "start": "-1h"}

    with pytest.raises(ClientError) as raised:
        query_handler.handler(event, None)

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    failures = [entry for entry in caplog.records if entry.getMessage() == "query failed"]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert failures[0].request == event
    assert failures[0].exc_info is not None
    assert failures[0].exc_info[1] is raised.value


@pytest.mark.usefixtures("query_env")
def test_handler_answers_an_invalid_request_with_an_error_and_logs_no_failure(caplog):
    caplog.set_level(logging.ERROR, logger="durations.query_handler")

    response = query_handler.handler({"function": "orders-api", "start": "-1h", "limit": 0}, None)

    assert response == {
        "error": {
            "type": "ValidationError",
            "message": "limit must be a whole number from 1 to 1000; got 0",
            "field": "limit",
        }
    }
    assert [entry for entry in caplog.records if entry.getMessage() == "query failed"] == []
