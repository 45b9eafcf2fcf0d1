"""The table's key design: pure functions, standard library only.

Invocation items
    pk = ``inv#<function>#<shard>``   shard in [0, INVOCATION_SHARDS)
    sk = ``<epoch ms, 13 digits>#<request id>``

The shard is a stable hash of (request id, timestamp), so a payload delivered twice
writes the same keys (idempotent) while two invocations that share a RequestId (async
retries) differ in timestamp and stay two items. Sort keys are zero-padded epoch
milliseconds, so a lexicographic range is a time range. Reading one function's window is
one Query per shard over that function's keys only.

Catalog items (first/last seen, memory, architecture)
    pk = ``catalog#<bucket>``          bucket = stable hash of the name, in [0, CATALOG_SHARDS)
    sk = ``<function>``
"""

from __future__ import annotations

import zlib

from durations.schema import CATALOG_SHARDS, INVOCATION_SHARDS

_TS_DIGITS = 13  # epoch milliseconds stay 13 digits until the year 2286
_MAX_TS = 10**_TS_DIGITS - 1
# Request ids are UUIDs (hex and hyphens): "~" sorts after every character they use.
_AFTER_ANY_REQUEST_ID = "~"


def invocation_shard(request_id: str, timestamp_ms: int) -> int:
    return zlib.crc32(f"{request_id}#{timestamp_ms}".encode()) % INVOCATION_SHARDS


_SHARD_SUFFIXES = tuple(f"#{shard:02d}" for shard in range(INVOCATION_SHARDS))


def invocation_key(function: str, request_id: str, timestamp_ms: int) -> tuple[str, str]:
    """(pk, sk) of one invocation: the composition of invocation_shard,
    invocation_partition_key and invocation_sort_key, in one call because it runs once per
    ingested line (format specs and three calls cost more than the rest of the key)."""
    ts = str(timestamp_ms)
    shard = zlib.crc32(f"{request_id}#{ts}".encode()) % INVOCATION_SHARDS
    if len(ts) != _TS_DIGITS:
        ts = ts.zfill(_TS_DIGITS)
    return f"inv#{function}{_SHARD_SUFFIXES[shard]}", f"{ts}#{request_id}"


def invocation_partition_key(function: str, shard: int) -> str:
    return f"inv#{function}#{shard:02d}"


def invocation_partition_keys(function: str) -> list[str]:
    """Every partition key one function's invocations can live under."""
    return [invocation_partition_key(function, shard) for shard in range(INVOCATION_SHARDS)]


def invocation_sort_key(timestamp_ms: int, request_id: str) -> str:
    return f"{timestamp_ms:0{_TS_DIGITS}d}#{request_id}"


def window_sort_key_bounds(start_ms: int, end_ms: int) -> tuple[str, str]:
    """Inclusive sort-key bounds (for BETWEEN) of the half-open window [start_ms, end_ms)."""
    if end_ms <= start_ms:
        raise ValueError("the window must end after it starts")
    # A window may end past the last 13-digit millisecond; its bound must stay 13 digits
    # to keep comparing as a time.
    last_ms = min(end_ms - 1, _MAX_TS)
    return f"{start_ms:0{_TS_DIGITS}d}#", f"{last_ms:0{_TS_DIGITS}d}#{_AFTER_ANY_REQUEST_ID}"


def catalog_partition_key(function: str) -> str:
    return f"catalog#{zlib.crc32(function.encode()) % CATALOG_SHARDS}"


def catalog_partition_keys() -> list[str]:
    return [f"catalog#{bucket}" for bucket in range(CATALOG_SHARDS)]
