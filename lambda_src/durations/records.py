"""The invocation record (the public contract) and its DynamoDB item mapping."""

from __future__ import annotations

from typing import Any, NamedTuple

from durations import keys
from durations.schema import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

DAY_SECONDS = 86_400


class Record(NamedTuple):
    """One invocation. Field names are the public contract (schema.RECORD_FIELDS).

    A NamedTuple rather than a dataclass: one is built per log line, and positional tuple
    construction is the cheapest immutable record Python offers.
    """

    function: str
    version: str | None
    request_id: str
    timestamp: int  # the log event's, epoch milliseconds
    duration_ms: float | None
    billed_duration_ms: int | None
    memory_size_mb: int | None
    max_memory_used_mb: int | None
    init_duration_ms: float | None
    restore_duration_ms: float | None
    billed_restore_duration_ms: int | None
    status: str | None
    error_type: str | None
    cold_start: bool  # init or restore present
    xray_trace_id: str | None

    def key(self) -> tuple[str, str]:
        return keys.invocation_key(self.function, self.request_id, self.timestamp)


_STRINGS = ("function", "version", "request_id", "status", "error_type", "xray_trace_id")
_NUMBERS = (
    "timestamp",
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "billed_restore_duration_ms",
)
_INTS = frozenset(
    {"timestamp", "billed_duration_ms", "memory_size_mb", "max_memory_used_mb", "billed_restore_duration_ms"}
)


def to_item(record: Record, ttl_days: int) -> dict[str, dict[str, Any]]:
    """The DynamoDB item (low-level AttributeValue form). Null fields are left out."""
    # Unpacked once and unrolled rather than looped over names: this runs once per line
    # on the ingest hot path, where NamedTuple attribute access and getattr cost.
    (
        function,
        version,
        request_id,
        timestamp,
        duration,
        billed,
        memory,
        max_used,
        init,
        restore,
        billed_restore,
        status,
        error_type,
        cold_start,
        trace,
    ) = record
    pk, sk = keys.invocation_key(function, request_id, timestamp)
    item: dict[str, dict[str, Any]] = {
        PARTITION_KEY: {"S": pk},
        SORT_KEY: {"S": sk},
        # Deterministic from the record, so a redelivered payload rewrites identical items.
        TTL_ATTRIBUTE: {"N": str(timestamp // 1000 + ttl_days * DAY_SECONDS)},
        "function": {"S": function},
        "request_id": {"S": request_id},
        "timestamp": {"N": str(timestamp)},
        "cold_start": {"BOOL": cold_start},
    }
    if version is not None:
        item["version"] = {"S": version}
    if duration is not None:
        item["duration_ms"] = {"N": repr(duration)}
    if billed is not None:
        item["billed_duration_ms"] = {"N": str(billed)}
    if memory is not None:
        item["memory_size_mb"] = {"N": str(memory)}
    if max_used is not None:
        item["max_memory_used_mb"] = {"N": str(max_used)}
    if init is not None:
        item["init_duration_ms"] = {"N": repr(init)}
    if restore is not None:
        item["restore_duration_ms"] = {"N": repr(restore)}
    if billed_restore is not None:
        item["billed_restore_duration_ms"] = {"N": str(billed_restore)}
    if status is not None:
        item["status"] = {"S": status}
    if error_type is not None:
        item["error_type"] = {"S": error_type}
    if trace is not None:
        item["xray_trace_id"] = {"S": trace}
    return item


def from_item(item: dict[str, dict[str, Any]]) -> Record:
    """The record an item holds; an attribute that is absent reads as None."""
    values: dict[str, Any] = {"cold_start": item["cold_start"]["BOOL"]}
    for name in _STRINGS:
        values[name] = item[name]["S"] if name in item else None
    for name in _NUMBERS:
        if name not in item:
            values[name] = None
        elif name in _INTS:
            values[name] = int(item[name]["N"])
        else:
            values[name] = float(item[name]["N"])
    return Record(**values)
