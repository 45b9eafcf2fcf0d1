"""The table's key design (keys.py) and the record <-> DynamoDB item mapping (records.py).

pk = ``inv#<function>#<shard>``, sk = ``<epoch ms, 13 digits>#<request id>``: idempotent for a
redelivered payload, distinct for async retries that reuse a RequestId, time-ordered within a
key, and spread over INVOCATION_SHARDS keys so that one busy function stays under DynamoDB's
1,000 writes per second per partition (notes, section 6).
"""

from __future__ import annotations

import random
import uuid
import zlib
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from durations import keys
from durations.records import DAY_SECONDS, Record, from_item, to_item
from durations.schema import CATALOG_SHARDS, INVOCATION_SHARDS, PARTITION_KEY, RECORD_FIELDS, SORT_KEY, TTL_ATTRIBUTE
from tests.builders import T0, XRAY_TRACE_ID, assert_record_equal, invocation_record

FUNCTION_NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
TIMESTAMPS = st.integers(0, 9_999_999_999_999)
REQUEST_IDS = st.uuids().map(str)


def uuids(count: int, seed: int) -> list[str]:
    """Random-looking request ids (uuid4 shape), the same on every run."""
    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]


# --- invocation keys ---------------------------------------------------------------------------


def test_invocation_key_has_the_documented_shape() -> None:
    request_id = "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"
    shard = zlib.crc32(f"{request_id}#{T0}".encode()) % INVOCATION_SHARDS
    assert keys.invocation_key("my-fn", request_id, T0) == (f"inv#my-fn#{shard:02d}", f"{T0}#{request_id}")


@given(function=FUNCTION_NAMES, request_id=REQUEST_IDS, timestamp=TIMESTAMPS)
def test_invocation_key_is_the_composition_of_partition_key_sort_key_and_shard(
    function: str, request_id: str, timestamp: int
) -> None:
    shard = keys.invocation_shard(request_id, timestamp)
    assert keys.invocation_key(function, request_id, timestamp) == (
        keys.invocation_partition_key(function, shard),
        keys.invocation_sort_key(timestamp, request_id),
    )
    assert 0 <= shard < INVOCATION_SHARDS
    assert keys.invocation_partition_key(function, shard) in keys.invocation_partition_keys(function)


def test_record_key_is_its_invocation_key() -> None:
    record = invocation_record(function="orders-api", request_id="r-1", timestamp=T0 + 5)
    assert record.key() == keys.invocation_key("orders-api", "r-1", T0 + 5)


def test_same_request_id_and_timestamp_give_the_same_key_in_every_process() -> None:
    # A payload delivered twice, maybe to another execution environment, rewrites the same items
    # (idempotent): the shard is a stable hash, not Python's per-process salted hash().
    request_id = "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"
    expected = ("inv#my-fn#12", f"1714564800000#{request_id}")
    assert keys.invocation_key("my-fn", request_id, 1_714_564_800_000) == expected
    assert keys.invocation_key("my-fn", request_id, 1_714_564_800_000) == expected


@given(request_id=REQUEST_IDS, first=TIMESTAMPS, second=TIMESTAMPS)
def test_same_request_id_at_different_timestamps_gives_different_sort_keys(
    request_id: str, first: int, second: int
) -> None:
    # Lambda keeps the RequestId when it retries an async invocation: two invocations, two items.
    if first == second:
        return
    assert keys.invocation_key("my-fn", request_id, first)[1] != keys.invocation_key("my-fn", request_id, second)[1]


def test_async_retry_with_the_same_request_id_is_a_second_item() -> None:
    request_id = "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"
    first = keys.invocation_key("my-fn", request_id, T0)
    retry = keys.invocation_key("my-fn", request_id, T0 + 60_000)
    assert first != retry
    assert first[1] == f"{T0}#{request_id}"
    assert retry[1] == f"{T0 + 60_000}#{request_id}"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        pytest.param(999, 1000, id="3-and-4-digits"),
        pytest.param(9, 10, id="1-and-2-digits"),
        pytest.param(0, 1, id="zero"),
        pytest.param(999_999_999_999, 1_000_000_000_000, id="12-and-13-digits"),
        pytest.param(T0, T0 + 1, id="one-millisecond-apart"),
    ],
)
def test_sort_keys_sort_in_time_order_whatever_the_digit_count(earlier: int, later: int) -> None:
    # The request id of the earlier one sorts after the later one's: time must still win.
    assert keys.invocation_sort_key(earlier, "ffffffff-ffff") < keys.invocation_sort_key(later, "00000000-0000")


def test_sort_key_is_zero_padded_to_13_digits() -> None:
    assert keys.invocation_sort_key(999, "r") == "0000000000999#r"


@given(first=TIMESTAMPS, second=TIMESTAMPS, first_id=REQUEST_IDS, second_id=REQUEST_IDS)
def test_sort_key_order_is_time_order(first: int, second: int, first_id: str, second_id: str) -> None:
    if first == second:
        return
    first_key, second_key = keys.invocation_sort_key(first, first_id), keys.invocation_sort_key(second, second_id)
    assert (first_key < second_key) == (first < second)


# --- window bounds -------------------------------------------------------------------------


def in_window(sort_key: str, bounds: tuple[str, str]) -> bool:
    """What DynamoDB's ``sk BETWEEN :low AND :high`` selects (inclusive, lexicographic)."""
    low, high = bounds
    return low <= sort_key <= high


@pytest.mark.parametrize("request_id", [*uuids(20, seed=1), "ffffffff-ffff-4fff-bfff-ffffffffffff"])
def test_window_holds_a_record_at_its_start_and_just_before_its_end_but_not_at_its_end(request_id: str) -> None:
    start, end = T0, T0 + 60_000
    bounds = keys.window_sort_key_bounds(start, end)
    assert in_window(keys.invocation_sort_key(start, request_id), bounds)
    assert in_window(keys.invocation_sort_key(end - 1, request_id), bounds)
    assert not in_window(keys.invocation_sort_key(end, request_id), bounds)
    assert not in_window(keys.invocation_sort_key(start - 1, request_id), bounds)


@given(
    start=st.integers(1, 9_999_999_999_000),
    length=st.integers(1, 10_000_000),
    offset=st.integers(-20_000_000, 20_000_000),
    request_id=REQUEST_IDS,
)
def test_window_bounds_select_exactly_the_half_open_time_window(
    start: int, length: int, offset: int, request_id: str
) -> None:
    end = start + length
    timestamp = start + offset
    if not 0 <= timestamp <= 9_999_999_999_999:
        return
    selected = in_window(keys.invocation_sort_key(timestamp, request_id), keys.window_sort_key_bounds(start, end))
    assert selected == (start <= timestamp < end)


def test_window_of_one_millisecond_holds_only_that_millisecond() -> None:
    bounds = keys.window_sort_key_bounds(T0, T0 + 1)
    assert bounds == (f"{T0}#", f"{T0}#~")
    assert in_window(keys.invocation_sort_key(T0, "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"), bounds)
    assert not in_window(keys.invocation_sort_key(T0 + 1, "00000000-0000-4000-8000-000000000000"), bounds)


@pytest.mark.parametrize(("start", "end"), [(T0, T0), (T0 + 1, T0)], ids=["empty", "reversed"])
def test_window_that_does_not_end_after_it_starts_is_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="the window must end after it starts"):
        keys.window_sort_key_bounds(start, end)


# --- partition keys per function ------------------------------------------------------------


def test_a_function_has_one_partition_key_per_shard() -> None:
    assert keys.invocation_partition_keys("my-fn") == [f"inv#my-fn#{shard:02d}" for shard in range(INVOCATION_SHARDS)]


@pytest.mark.parametrize("other", ["ab", "a-", "a_", "A", "a0", "aa", "ba", "-a"])
def test_partition_keys_of_function_a_are_never_those_of_another_function(other: str) -> None:
    assert set(keys.invocation_partition_keys("a")).isdisjoint(keys.invocation_partition_keys(other))


@given(first=FUNCTION_NAMES, second=FUNCTION_NAMES)
def test_partition_keys_of_two_functions_never_meet(first: str, second: str) -> None:
    if first == second:
        return
    assert set(keys.invocation_partition_keys(first)).isdisjoint(keys.invocation_partition_keys(second))


def test_catalog_partition_key_is_one_of_the_catalog_keys_and_stable() -> None:
    catalog_keys = keys.catalog_partition_keys()
    assert catalog_keys == [f"catalog#{bucket}" for bucket in range(CATALOG_SHARDS)]
    names = [f"fn-{n}" for n in range(200)]
    assert {keys.catalog_partition_key(name) for name in names} == set(catalog_keys)
    assert keys.catalog_partition_key("my-fn") == f"catalog#{zlib.crc32(b'my-fn') % CATALOG_SHARDS}"


# --- shard spreading -------------------------------------------------------------------------


def shard_counts(count: int, seed: int) -> Counter[int]:
    """Shards of ``count`` invocations with random request ids spread over one second."""
    rng = random.Random(seed)
    return Counter(
        keys.invocation_shard(request_id, T0 + rng.randrange(1000)) for request_id in uuids(count, seed=seed)
    )


def test_sixteen_thousand_invocations_in_a_second_spread_evenly_over_every_shard() -> None:
    counts = shard_counts(16_000, seed=2024)
    assert set(counts) == set(range(INVOCATION_SHARDS))
    mean = 16_000 / INVOCATION_SHARDS  # 1,000: the design's ceiling is about 16,000 invocations/s per function
    assert max(counts.values()) <= mean * 1.15
    assert min(counts.values()) >= mean * 0.85


def test_five_thousand_invocations_a_second_stay_well_under_1000_writes_a_second_per_key() -> None:
    # README requirement: 5,000 invocations/s of one function -> at most 1,000 writes/s on any key.
    counts = shard_counts(5_000, seed=7)
    assert set(counts) == set(range(INVOCATION_SHARDS))
    assert max(counts.values()) < 500


def test_retries_of_one_request_id_spread_over_shards() -> None:
    # The shard hashes the timestamp too, so a burst of retries is not pinned to one key.
    request_id = "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"
    shards = {keys.invocation_shard(request_id, T0 + n * 1000) for n in range(200)}
    assert shards == set(range(INVOCATION_SHARDS))


# --- records <-> items -----------------------------------------------------------------------

FULL_RECORD = invocation_record(
    function="orders-api",
    version="12",
    request_id="77d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    timestamp=T0 + 123,
    duration_ms=201.5,
    billed_duration_ms=421,
    memory_size_mb=2048,
    max_memory_used_mb=190,
    init_duration_ms=444.12,
    restore_duration_ms=398.2,
    billed_restore_duration_ms=219,
    status="error",
    error_type="Runtime.OutOfMemory",
    cold_start=True,
    xray_trace_id=XRAY_TRACE_ID,
)

SPARSE_RECORD = invocation_record(
    function="managed-fn",
    version=None,
    request_id="51aa0b1c-2d3e-4f5a-8b6c-7d8e9f0a1b2c",
    timestamp=T0,
    duration_ms=12.47,
    billed_duration_ms=None,
    memory_size_mb=None,
    max_memory_used_mb=None,
    status=None,
    cold_start=False,
)


def test_item_of_a_full_record_holds_every_field_in_dynamodb_form() -> None:
    pk, sk = keys.invocation_key("orders-api", "77d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f", T0 + 123)
    assert to_item(FULL_RECORD, ttl_days=30) == {
        PARTITION_KEY: {"S": pk},
        SORT_KEY: {"S": sk},
        TTL_ATTRIBUTE: {"N": str((T0 + 123) // 1000 + 30 * 86_400)},
        "function": {"S": "orders-api"},
        "version": {"S": "12"},
        "request_id": {"S": "77d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
        "timestamp": {"N": str(T0 + 123)},
        "duration_ms": {"N": "201.5"},
        "billed_duration_ms": {"N": "421"},
        "memory_size_mb": {"N": "2048"},
        "max_memory_used_mb": {"N": "190"},
        "init_duration_ms": {"N": "444.12"},
        "restore_duration_ms": {"N": "398.2"},
        "billed_restore_duration_ms": {"N": "219"},
        "status": {"S": "error"},
        "error_type": {"S": "Runtime.OutOfMemory"},
        "cold_start": {"BOOL": True},
        "xray_trace_id": {"S": XRAY_TRACE_ID},
    }


def test_item_has_no_attribute_for_a_none_field_never_a_zero() -> None:
    pk, sk = keys.invocation_key("managed-fn", "51aa0b1c-2d3e-4f5a-8b6c-7d8e9f0a1b2c", T0)
    assert to_item(SPARSE_RECORD, ttl_days=7) == {
        PARTITION_KEY: {"S": pk},
        SORT_KEY: {"S": sk},
        TTL_ATTRIBUTE: {"N": str(T0 // 1000 + 7 * 86_400)},
        "function": {"S": "managed-fn"},
        "request_id": {"S": "51aa0b1c-2d3e-4f5a-8b6c-7d8e9f0a1b2c"},
        "timestamp": {"N": str(T0)},
        "duration_ms": {"N": "12.47"},
        "cold_start": {"BOOL": False},
    }


@pytest.mark.parametrize("record", [FULL_RECORD, SPARSE_RECORD, invocation_record()], ids=["full", "sparse", "warm"])
def test_item_round_trips_to_the_same_record(record: Record) -> None:
    assert_record_equal(from_item(to_item(record, ttl_days=30)), record)


@pytest.mark.parametrize(
    ("timestamp", "days", "expected"),
    [
        pytest.param(1_714_564_800_000, 30, 1_714_564_800 + 30 * 86_400, id="whole-second"),
        pytest.param(1_714_564_800_999, 30, 1_714_564_800 + 30 * 86_400, id="milliseconds-are-dropped"),
        pytest.param(1_714_564_800_500, 1, 1_714_564_800 + 86_400, id="one-day"),
        pytest.param(1_714_564_800_500, 0, 1_714_564_800, id="zero-days"),
    ],
)
def test_ttl_is_the_timestamp_in_seconds_plus_the_retention_days(timestamp: int, days: int, expected: int) -> None:
    item = to_item(invocation_record(timestamp=timestamp), ttl_days=days)
    assert item[TTL_ATTRIBUTE] == {"N": str(expected)}
    assert DAY_SECONDS == 86_400


def test_record_fields_are_the_public_contract_in_schema() -> None:
    assert Record._fields == RECORD_FIELDS


def test_item_attribute_names_are_the_record_fields_and_the_keys() -> None:
    assert set(to_item(FULL_RECORD, ttl_days=30)) == {*RECORD_FIELDS, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE}


def approximate_item_size(item: dict[str, dict[str, object]]) -> int:
    """DynamoDB's item size rule, rounded up: name bytes + value bytes (numbers: 21 bytes at most)."""
    size = 0
    for name, value in item.items():
        ((kind, raw),) = value.items()
        size += len(name.encode())
        size += {"S": len(str(raw).encode()), "N": 21, "BOOL": 1}[kind]
    return size


def test_an_item_with_every_field_set_costs_one_write_unit() -> None:
    # 1 write unit = one write of up to 1 KB: the per-key write budget counts items.
    longest = FULL_RECORD._replace(function="f" * 64, error_type="Runtime.ImportModuleError" * 2)
    assert approximate_item_size(to_item(longest, ttl_days=30)) < 1024


record_strategy = st.builds(
    Record,
    function=FUNCTION_NAMES,
    version=st.one_of(st.none(), st.just("$LATEST"), st.integers(1, 999).map(str)),
    request_id=REQUEST_IDS,
    timestamp=TIMESTAMPS,
    duration_ms=st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)),
    billed_duration_ms=st.one_of(st.none(), st.integers(0, 10**6)),
    memory_size_mb=st.one_of(st.none(), st.integers(128, 10_240)),
    max_memory_used_mb=st.one_of(st.none(), st.integers(0, 10_240)),
    init_duration_ms=st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
    restore_duration_ms=st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
    billed_restore_duration_ms=st.one_of(st.none(), st.integers(0, 10**5)),
    status=st.one_of(st.none(), st.sampled_from(["success", "timeout", "error", "failure"])),
    error_type=st.one_of(st.none(), st.just("Runtime.ExitError")),
    cold_start=st.booleans(),
    xray_trace_id=st.one_of(st.none(), st.just(XRAY_TRACE_ID)),
)


@given(record=record_strategy, days=st.integers(1, 3650))
def test_any_record_round_trips_through_its_item(record: Record, days: int) -> None:
    item = to_item(record, ttl_days=days)
    assert_record_equal(from_item(item), record)
    assert {name for name in RECORD_FIELDS if name in item} == {
        name for name, value in record._asdict().items() if value is not None
    }
