"""The whole pipeline on DynamoDB Local: the real ingest and query handlers, tables created
from the synthesized template, configured by environment variables as in Lambda."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from durations.log_source import FunctionRef
from durations.records import Record
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter
from durations.subscription import encode_payload
from durations_local.environment import LocalEnvironment
from durations_local.template import synthesized_template, table_definitions

NOW = 1_764_590_400_000  # 2025-12-01T12:00:00Z
HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return synthesized_template()


@pytest.fixture(scope="module")
def local(template: dict[str, Any]) -> Iterator[LocalEnvironment]:
    with LocalEnvironment(template=template, functions={"orders-api": ("arm64", 512)}) as environment:
        yield environment


def report_line(request_id: str, duration: float, *, init: float | None = None, padding: int = 0) -> str:
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {int(duration) + 1} ms\t"
        f"Memory Size: 512 MB\tMax Memory Used: 90 MB\t"
    )
    if init is not None:
        line += f"Init Duration: {init:.2f} ms\t"
    if padding:
        # The X-Ray part after a newline, padded so that items are large and pages fill up.
        line += f"\nXRAY TraceId: 1-{'b' * padding}\tSegmentId: 0a1b2c3d4e5f6a7b\tSampled: true\t\n"
    return line


def stream(n: int) -> str:
    return f"2025/12/01/[$LATEST]{n:032x}"


def request_ids(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(count)]


def count(local: LocalEnvironment, function: str, start: int = NOW - 2 * HOUR, end: int = NOW) -> int:
    response = local.ask({"function": function, "start": start, "end": end})
    invocations: int = response["summary"]["invocations"]
    return invocations


def test_local_table_is_the_templates_table(local: LocalEnvironment, template: dict[str, Any]) -> None:
    (definition,) = table_definitions(template).values()
    described = local.client.describe_table(TableName=local.table_name)["Table"]
    assert described["KeySchema"] == definition["KeySchema"]
    ttl = local.client.describe_time_to_live(TableName=local.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == definition["TimeToLiveSpecification"]["AttributeName"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"


def test_ingest_and_query_end_to_end_across_many_one_megabyte_pages(local: LocalEnvironment) -> None:
    ids = request_ids(3_000, seed=1)
    # ~2 KB items: 3,000 of them are about 6 MB, many 1 MB pages over the 16 shards.
    lines = [
        (NOW - HOUR + index * 1_000, report_line(rid, 10 + index % 90, padding=1_800)) for index, rid in enumerate(ids)
    ]
    events = [
        encode_payload("/aws/lambda/big-pages", stream(1), lines[start : start + 500]) for start in range(0, 3_000, 500)
    ]
    totals = local.ingest(events)
    assert (totals.received, totals.stored) == (3_000, 3_000)
    summary = local.ask({"function": "big-pages", "start": NOW - 2 * HOUR, "end": NOW})["summary"]
    assert summary["invocations"] == 3_000
    assert summary["duration_ms"]["max"] == 99.0
    pages, token, seen = 0, None, []
    while True:
        request = {"function": "big-pages", "start": NOW - 2 * HOUR, "end": NOW, "records": True, "summary": False}
        response = local.ask({**request, "limit": 1000, **({"next_token": token} if token else {})})
        seen += [record["request_id"] for record in response["records"]]
        pages += 1
        token = response["next_token"]
        if token is None:
            break
    assert pages == 3
    assert seen == ids  # oldest first, every record once


def test_duplicate_delivery_leaves_the_same_records(local: LocalEnvironment) -> None:
    ids = request_ids(200, seed=2)
    event = encode_payload(
        "/aws/lambda/orders-api", stream(2), [(NOW - HOUR + i, report_line(r, 5.0)) for i, r in enumerate(ids)]
    )
    local.ingest([event])
    before = local.ask({"function": "orders-api", "start": NOW - 2 * HOUR, "end": NOW, "records": True, "limit": 1000})
    local.ingest([event, event])
    after = local.ask({"function": "orders-api", "start": NOW - 2 * HOUR, "end": NOW, "records": True, "limit": 1000})
    assert after["records"] == before["records"]
    assert after["summary"]["invocations"] == 200
    # The Lambda stub answered GetFunctionConfiguration: arm64 pricing, known.
    assert after["summary"]["cost_basis"]["architecture"] == "arm64"
    assert after["summary"]["cost_basis"]["architecture_known"] is True


def test_ttl_expired_items_are_not_counted(local: LocalEnvironment) -> None:
    # Items whose TTL passed but that DynamoDB has not deleted yet (it deletes within days,
    # and DynamoDB Local never does) must not show. The query handler reads the real clock.
    now = time.time_ns() // 1_000_000
    fresh = [
        Record("expiring", "1", rid, now - HOUR + i, 1.0, 2, 128, 50, None, None, None, "success", None, False, None)
        for i, rid in enumerate(request_ids(30, seed=3))
    ]
    stale = [record._replace(timestamp=now - 40 * DAY + i) for i, record in enumerate(fresh[:10])]
    DynamoRecordWriter(local.client, local.table_name, 30).write(fresh + stale)
    DynamoFunctionCatalog(local.client, local.table_name, None).observe(FunctionRef("expiring", "1"), fresh + stale)
    assert count(local, "expiring", start=now - 50 * DAY, end=now) == 30
    listed = local.ask({"start": now - 50 * DAY, "end": now})["functions"]
    assert [(entry["function"], entry["invocations"]) for entry in listed if entry["function"] == "expiring"] == [
        ("expiring", 30)
    ]


def test_concurrent_ingest_of_interleaved_streams_loses_and_duplicates_nothing(local: LocalEnvironment) -> None:
    streams, per_stream = 12, 150
    ids = request_ids(streams * per_stream, seed=4)
    events = []
    for s in range(streams):
        # Streams interleave in time: stream s holds every streams-th millisecond.
        lines = [(NOW - HOUR + i * streams + s, report_line(ids[s * per_stream + i], 7.5)) for i in range(per_stream)]
        events += [
            encode_payload("/aws/lambda/concurrent", stream(100 + s), lines[k : k + 50])
            for k in range(0, per_stream, 50)
        ]
    random.Random(5).shuffle(events)
    errors: list[BaseException] = []

    def deliver(chunk: list[dict[str, Any]]) -> None:
        try:
            local.ingest(chunk)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    # Each event delivered twice, from different threads, all at once.
    threads = [threading.Thread(target=deliver, args=(events[k::6] + events[(k + 1) % 6 :: 6],)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    response = local.ask(
        {
            "function": "concurrent",
            "start": NOW - 2 * HOUR,
            "end": NOW,
            "records": True,
            "summary": False,
            "limit": 1000,
        }
    )
    seen = [record["request_id"] for record in response["records"]]
    token = response["next_token"]
    while token:
        response = local.ask(
            {
                "function": "concurrent",
                "start": NOW - 2 * HOUR,
                "end": NOW,
                "records": True,
                "summary": False,
                "limit": 1000,
                "next_token": token,
            }
        )
        seen += [record["request_id"] for record in response["records"]]
        token = response["next_token"]
    assert sorted(seen) == sorted(ids)
