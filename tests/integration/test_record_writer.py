"""DynamoRecordWriter against moto: BatchWriteItem limits, concurrency and UnprocessedItems.

Each BatchWriteItem takes at most 25 requests and is rejected whole if two requests share a
key; UnprocessedItems must be retried with exponential backoff, and a batch that never
gets through must fail the invocation rather than lose records.
"""

from __future__ import annotations

import random
import threading

import pytest

from durations.ingest import ingest_event
from durations.schema import PARTITION_KEY, SORT_KEY
from durations.store import DynamoRecordWriter, UnprocessedItemsError

from .conftest import (
    T0,
    TTL_DAYS,
    NeverProcessedClient,
    PartlyUnprocessedClient,
    RecordingClient,
    count_items,
    default_group,
    default_stream,
    record,
    request_id,
    scan_items,
    stored_records,
    subscription_event,
    text_report,
)


def records(count: int) -> list:
    """``count`` distinct invocations of one function, one millisecond apart."""
    return [record(request_id(i), T0 + i) for i in range(count)]


def keys_of_call(call: dict) -> list[tuple[str, str]]:
    ((requests),) = call["RequestItems"].values()
    return [(r["PutRequest"]["Item"][PARTITION_KEY]["S"], r["PutRequest"]["Item"][SORT_KEY]["S"]) for r in requests]


# --- Batching ------------------------------------------------------------------------------


def test_a_record_repeated_in_one_payload_never_appears_twice_in_a_batch(dynamodb, table):
    # A key twice in one BatchWriteItem makes DynamoDB reject the whole call.
    distinct = records(100)
    repeated = distinct * 3  # each record again 100 and 200 positions later
    random.Random(7).shuffle(repeated)
    client = RecordingClient(dynamodb)
    writer = DynamoRecordWriter(client, table, TTL_DAYS, concurrency=1)

    written = writer.write(repeated)

    assert written == 100
    for call in client.batch_calls:
        call_keys = keys_of_call(call)
        assert len(call_keys) == len(set(call_keys))
    assert sum(len(keys_of_call(call)) for call in client.batch_calls) == 100
    assert stored_records(dynamodb, table) == distinct


def test_a_report_line_delivered_twice_within_one_payload_is_stored_once(dynamodb, table):
    line = text_report(request_id(1), duration="12.47", billed=13, memory=256, max_used=71)
    event = subscription_event(default_group("orders-api"), default_stream(), [(T0, line), (T0, line)])
    writer = DynamoRecordWriter(dynamodb, table, TTL_DAYS, concurrency=1)

    summary = ingest_event(event, writer, None)

    assert (summary.received, summary.stored) == (2, 1)
    assert stored_records(dynamodb, table) == [record(request_id(1), T0)]


def test_batches_hold_at_most_25_requests_and_cover_every_record_once(dynamodb, table):
    client = RecordingClient(dynamodb)
    writer = DynamoRecordWriter(client, table, TTL_DAYS, concurrency=1)

    writer.write(records(1_010))

    sizes = [len(keys_of_call(call)) for call in client.batch_calls]
    assert sizes == [25] * 40 + [10]
    all_keys = [key for call in client.batch_calls for key in keys_of_call(call)]
    assert len(all_keys) == len(set(all_keys)) == 1_010
    assert count_items(dynamodb, table) == 1_010


# --- Concurrency ---------------------------------------------------------------------------


def test_concurrent_batches_are_sent_from_more_than_one_thread(dynamodb, table):
    client = RecordingClient(dynamodb, latency_s=0.005)
    writer = DynamoRecordWriter(client, table, TTL_DAYS, concurrency=8)

    written = writer.write(records(1_000))

    assert written == 1_000
    assert len(client.batch_calls) == 40
    assert len(set(client.batch_threads)) > 1
    assert threading.get_ident() not in client.batch_threads
    assert stored_records(dynamodb, table) == records(1_000)


def test_concurrency_of_one_sends_every_batch_from_the_calling_thread(dynamodb, table):
    client = RecordingClient(dynamodb)
    writer = DynamoRecordWriter(client, table, TTL_DAYS, concurrency=1)

    writer.write(records(100))

    assert set(client.batch_threads) == {threading.get_ident()}
    assert count_items(dynamodb, table) == 100


# --- UnprocessedItems ----------------------------------------------------------------------


@pytest.mark.parametrize("jitter", [1.0, 0.25])
def test_unprocessed_items_are_retried_with_exponentially_growing_capped_delays(dynamodb, table, jitter):
    # Each of the first four calls writes half of what it is given and returns the rest.
    client = PartlyUnprocessedClient(dynamodb, throttled_calls=4)
    sleeps: list[float] = []
    writer = DynamoRecordWriter(
        client,
        table,
        TTL_DAYS,
        concurrency=1,
        base_delay_s=0.05,
        max_delay_s=0.3,
        sleep=sleeps.append,
        rng=lambda: jitter,
    )

    written = writer.write(records(25))

    assert written == 25
    assert client.request_sizes == [25, 13, 7, 4, 2]
    # Full jitter: rng() * min(max_delay, base_delay * 2**attempt).
    assert sleeps == pytest.approx([jitter * cap for cap in (0.05, 0.1, 0.2, 0.3)])
    assert stored_records(dynamodb, table) == records(25)


def test_unprocessed_items_of_concurrent_batches_all_end_up_stored(dynamodb, table):
    client = PartlyUnprocessedClient(dynamodb, throttled_calls=6)
    sleeps: list[float] = []
    writer = DynamoRecordWriter(client, table, TTL_DAYS, concurrency=4, sleep=sleeps.append, rng=lambda: 1.0)

    written = writer.write(records(200))

    assert written == 200
    assert len(client.request_sizes) == 8 + 6  # eight batches, six of their calls retried once or more
    assert len(sleeps) == 6
    assert stored_records(dynamodb, table) == records(200)


def test_items_that_stay_unprocessed_fail_after_max_attempts_calls(table):
    client = NeverProcessedClient()
    sleeps: list[float] = []
    writer = DynamoRecordWriter(
        client, table, TTL_DAYS, concurrency=1, max_attempts=4, base_delay_s=0.05, sleep=sleeps.append, rng=lambda: 1.0
    )

    with pytest.raises(UnprocessedItemsError, match=r"^25 of 25 items still unprocessed after 4 BatchWriteItem calls$"):
        writer.write(records(25))

    assert client.calls == 4
    assert sleeps == pytest.approx([0.05, 0.1, 0.2])  # no sleep after the last call


def test_items_that_stay_unprocessed_fail_the_ingest_invocation(dynamodb, table):
    writer = DynamoRecordWriter(NeverProcessedClient(), table, TTL_DAYS, max_attempts=3, sleep=lambda _: None)
    line = text_report(request_id(1), duration="12.47", billed=13, memory=256, max_used=71)
    event = subscription_event(default_group("orders-api"), default_stream(), [(T0, line)])

    with pytest.raises(UnprocessedItemsError):
        ingest_event(event, writer, None)

    assert scan_items(dynamodb, table) == []
