"""The read path on Amazon's own engine (DynamoDB Local), where moto could differ:
key conditions with BETWEEN, ExclusiveStartKey pagination from a key that is not in the
shard, filter expressions on reserved words, and 1 MB pages."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from durations.query import handle
from durations.records import Record
from durations.settings import QuerySettings
from durations.store import DynamoRecordWriter, DynamoWindowReader
from durations_local.dynamodb_local import DynamoDBLocal
from durations_local.template import create_invocation_table

TABLE = "invocations"
NOW = 1_764_590_400_000  # 2025-12-01T12:00:00Z
HOUR = 3_600_000


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with DynamoDBLocal() as local:
        client = local.client()
        create_invocation_table(client, TABLE)
        yield client


def _records(count: int, *, function: str, start: int, step: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    return [
        Record(
            function,
            "3" if index % 3 else "4",
            str(uuid.UUID(int=rng.getrandbits(128))),
            start + index * step,
            float(index % 97) + 0.5,
            index % 97 + 1,
            256,
            100,
            None,
            None,
            None,
            "error" if index % 50 == 0 else "success",
            "Runtime.ExitError" if index % 50 == 0 else None,
            False,
            # A long trace id makes items big enough that a shard spans several 1 MB pages.
            "1-" + "a" * 2000 if function == "big" else None,
        )
        for index in range(count)
    ]


def _all_pages(request: dict[str, Any], reader: DynamoWindowReader, now_ms: int) -> list[dict[str, Any]]:
    prices = QuerySettings.from_env({"TABLE_NAME": TABLE}).prices
    records: list[dict[str, Any]] = []
    token = None
    while True:
        response = handle(
            {**request, "records": True, **({"next_token": token} if token else {})}, reader, prices, now_ms
        )
        assert "error" not in response, response
        records.extend(response["records"])
        token = response["next_token"]
        if token is None:
            return records


def test_pages_return_every_record_once_in_time_order(client: Any) -> None:
    loaded = _records(537, function="paged", start=NOW - 2 * HOUR, step=10_000, seed=1)
    DynamoRecordWriter(client, TABLE, 30).write(loaded)
    reader = DynamoWindowReader(client, TABLE)
    pages = _all_pages({"function": "paged", "start": NOW - 2 * HOUR, "end": NOW, "limit": 37}, reader, NOW)
    expected = sorted((r.timestamp, r.request_id) for r in loaded if r.timestamp < NOW)
    assert [(r["timestamp"], r["request_id"]) for r in pages] == expected


def test_version_filter_and_window_edges_hold_on_the_real_engine(client: Any) -> None:
    loaded = _records(300, function="edges", start=NOW - HOUR, step=1_000, seed=2)
    DynamoRecordWriter(client, TABLE, 30).write(loaded)
    reader = DynamoWindowReader(client, TABLE)
    start, end = loaded[10].timestamp, loaded[200].timestamp  # [start, end)
    prices = QuerySettings.from_env({"TABLE_NAME": TABLE}).prices
    summary = handle({"function": "edges", "start": start, "end": end, "version": "4"}, reader, prices, NOW)["summary"]
    expected = [r for r in loaded if start <= r.timestamp < end and r.version == "4"]
    assert summary["invocations"] == len(expected)
    assert summary["errors"] == sum(1 for r in expected if r.status == "error")


def test_a_window_spanning_many_one_megabyte_pages_is_read_whole(client: Any) -> None:
    loaded = _records(2_000, function="big", start=NOW - HOUR, step=1_000, seed=3)  # about 4 MB
    DynamoRecordWriter(client, TABLE, 30).write(loaded)
    read = DynamoWindowReader(client, TABLE).window("big", NOW - HOUR, NOW, None, NOW)
    assert len(read.window) == 2_000
    assert sorted(read.window.timestamps) == [r.timestamp for r in loaded]
