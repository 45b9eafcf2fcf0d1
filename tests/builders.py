"""Builders that show the log lines and events going in, in the shapes Lambda prints them.

The shapes are the ones Lambda prints in its text and JSON log formats:

- ``text_report``: ``REPORT RequestId: <id>\\tDuration: 12.47 ms\\tBilled Duration: 13 ms\\t...``,
  fields in Lambda's order, a trailing separator, and the X-Ray part after a newline;
- ``json_report``: ``{"time": ..., "type": "platform.report", "record": {...}}`` of the JSON log format;
- ``json_platform_event``, ``start_line``, ``end_line``, ``timeout_notice``, ``app_line``: the other
  lines of a log stream, which are not reports;
- ``default_group``, ``default_stream``, ``named_stream``: where the function's name and version come from;
- ``subscription_event``: what CloudWatch Logs hands the ingest function (wraps
  ``durations.subscription.encode_payload``, so no test holds an opaque blob);
- ``invocation_record`` and ``assert_record_equal``: the ``Record`` a test expects, compared exactly.

Numbers in text lines are passed as the strings Lambda prints (``duration="12.47"``), so a test
can write ``12.470`` or ``800`` and expect exactly ``float("12.470")``. These builders are shared:
the unit suite uses them and other suites may import them (``from tests.builders import ...``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from durations.records import Record
from durations.subscription import encode_payload

# --- Constants that make examples readable -------------------------------------------------

FUNCTION = "my-fn"
VERSION = "$LATEST"
# 2024-05-01T12:00:00Z in epoch milliseconds.
T0 = 1_714_564_800_000
STREAM_DATE = "2024/05/01"
STREAM_HEX = "8f3a2c7d9e1b4a6f8c0d2e4f6a8b0c1d"  # 32 hex digits: the execution environment's id

REQUEST_ID = "0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f"
OTHER_REQUEST_ID = "9a1c7e2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d"
XRAY_TRACE_ID = "1-66322b40-5ac6c58f5a1b2c3d4e5f6a7b"
XRAY_SEGMENT_ID = "6b7c8d9e0f1a2b3c"
XRAY_PARENT_ID = "53995c3f42cd8ad8"

# The "spans" a JSON platform.report carries in the real shape (the parser ignores them).
DEFAULT_SPANS: tuple[dict[str, Any], ...] = (
    {"name": "responseLatency", "start": "2024-05-01T12:00:00.010Z", "durationMs": 10.5},
    {"name": "responseDuration", "start": "2024-05-01T12:00:00.021Z", "durationMs": 0.2},
)


# --- Text REPORT lines -----------------------------------------------------------------------


def text_report_fields(
    *,
    duration: str | None = "12.47",
    billed: str | None = "13",
    memory: str | None = "256",
    max_used: str | None = "71",
    init: str | None = None,
    restore: str | None = None,
    billed_restore: str | None = None,
    status: str | None = None,
    error_type: str | None = None,
) -> list[str]:
    """The fields after ``REPORT RequestId: <id>``, each as ``"Name: value unit"``, in Lambda's order.

    A field given as None is left out. Reorder the list and pass it to ``join_text_report`` to
    build a line whose fields come in another order."""
    fields = [
        (f"Duration: {duration} ms", duration),
        (f"Billed Duration: {billed} ms", billed),
        (f"Memory Size: {memory} MB", memory),
        (f"Max Memory Used: {max_used} MB", max_used),
        (f"Init Duration: {init} ms", init),
        (f"Restore Duration: {restore} ms", restore),
        (f"Billed Restore Duration: {billed_restore} ms", billed_restore),
        (f"Status: {status}", status),
        (f"Error Type: {error_type}", error_type),
    ]
    return [text for text, value in fields if value is not None]


def xray_part(trace_id: str, *, segment_id: str = XRAY_SEGMENT_ID, sampled: bool = True, sep: str = "\t") -> str:
    """``XRAY TraceId: <id>\\tSegmentId: <hex>\\tSampled: true\\t``: the continuation after the newline."""
    sampled_text = "true" if sampled else "false"
    return f"XRAY TraceId: {trace_id}{sep}SegmentId: {segment_id}{sep}Sampled: {sampled_text}{sep}"


def join_text_report(
    request_id: str,
    fields: Sequence[str],
    *,
    sep: str = "\t",
    trailing: bool = True,
    xray: str | None = None,
) -> str:
    """``REPORT RequestId: <id><sep><field><sep>...`` (+ ``\\n`` X-Ray part + ``\\n`` when ``xray`` is a trace id)."""
    line = sep.join([f"REPORT RequestId: {request_id}", *fields])
    if trailing:
        line += sep
    if xray is not None:
        line += "\n" + xray_part(xray, sep=sep) + "\n"
    return line


def text_report(
    request_id: str = REQUEST_ID,
    *,
    duration: str | None = "12.47",
    billed: str | None = "13",
    memory: str | None = "256",
    max_used: str | None = "71",
    init: str | None = None,
    restore: str | None = None,
    billed_restore: str | None = None,
    status: str | None = None,
    error_type: str | None = None,
    xray: str | None = None,
    sep: str = "\t",
    trailing: bool = True,
) -> str:
    """A text REPORT line in the real shape: fields in Lambda's order, ``sep`` between them and after
    the last one, and the X-Ray continuation after a newline when ``xray`` (a trace id) is given.

    >>> text_report("abc", duration="1.5", billed="2", memory="128", max_used="60")
    'REPORT RequestId: abc\\tDuration: 1.5 ms\\tBilled Duration: 2 ms\\tMemory Size: 128 MB\\tMax Memory Used: 60 MB\\t'
    """
    fields = text_report_fields(
        duration=duration,
        billed=billed,
        memory=memory,
        max_used=max_used,
        init=init,
        restore=restore,
        billed_restore=billed_restore,
        status=status,
        error_type=error_type,
    )
    return join_text_report(request_id, fields, sep=sep, trailing=trailing, xray=xray)


# --- JSON log format -------------------------------------------------------------------------


def tracing_value(root: str, *, parent: str = XRAY_PARENT_ID, sampled: bool = True) -> str:
    """``Root=1-...;Parent=...;Sampled=1``: the X-Amzn-Trace-Id header value of a JSON report."""
    return f"Root={root};Parent={parent};Sampled={1 if sampled else 0}"


def json_platform_event(event_type: str, record: Any, *, time: str = "2024-05-01T12:00:00.000Z") -> str:
    """``{"time": ..., "type": <event_type>, "record": <record>}``, one JSON-format system log event."""
    return json.dumps({"time": time, "type": event_type, "record": record})


def json_report(
    request_id: str,
    metrics: dict[str, Any],
    status: str | None = "success",
    error_type: str | None = None,
    tracing_root: str | None = None,
    *,
    spans: Sequence[dict[str, Any]] | None = DEFAULT_SPANS,
    time: str = "2024-05-01T12:00:00.000Z",
) -> str:
    """A ``platform.report`` line of the JSON log format.

    ``metrics`` is written as given (``{"durationMs": 12.47, "billedDurationMs": 13, ...}``), so a
    test chooses exactly which metrics are present. ``status=None`` leaves the status out;
    ``tracing_root`` adds ``"tracing": {"type": "X-Amzn-Trace-Id", "value": "Root=<root>;Parent=...;Sampled=1"}``.
    """
    record: dict[str, Any] = {"requestId": request_id, "metrics": metrics}
    if tracing_root is not None:
        record["tracing"] = {"spanId": XRAY_PARENT_ID, "type": "X-Amzn-Trace-Id", "value": tracing_value(tracing_root)}
    if spans is not None:
        record["spans"] = list(spans)
    if status is not None:
        record["status"] = status
    if error_type is not None:
        record["errorType"] = error_type
    return json_platform_event("platform.report", record, time=time)


FULL_JSON_METRICS: dict[str, Any] = {
    "durationMs": 12.47,
    "billedDurationMs": 13,
    "memorySizeMB": 256,
    "maxMemoryUsedMB": 71,
}


# --- Other lines of a log stream -------------------------------------------------------------


def start_line(request_id: str = REQUEST_ID, version: str = VERSION) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str = REQUEST_ID) -> str:
    return f"END RequestId: {request_id}"


def app_line(text: str, request_id: str = REQUEST_ID, time: str = "2024-05-01T12:00:00.120Z") -> str:
    """A line the function's own code printed (the Python runtime's default format)."""
    return f"{time}\t{request_id}\tINFO\t{text}"


def timeout_notice(request_id: str = REQUEST_ID, seconds: str = "3.00", time: str = "2024-05-01T12:00:03.000Z") -> str:
    """``<iso time> <request id> Task timed out after 3.00 seconds``: the only sign of a timeout in
    logs older than the ``Status`` field (and in the China and GovCloud partitions)."""
    return f"{time} {request_id} Task timed out after {seconds} seconds"


# --- Log groups and streams ------------------------------------------------------------------


def default_group(function: str = FUNCTION) -> str:
    """``/aws/lambda/<name>``: the function's own log group."""
    return f"/aws/lambda/{function}"


def default_stream(version: str = VERSION, *, date: str = STREAM_DATE, instance: str = STREAM_HEX) -> str:
    """``YYYY/MM/DD/[<version>]<32 hex>``: a stream of the function's own log group."""
    return f"{date}/[{version}]{instance}"


def named_stream(function: str, version: str = VERSION, *, date: str = STREAM_DATE, instance: str = STREAM_HEX) -> str:
    """``YYYY/MM/DD/<name>[<version>]<32 hex>``: a stream in a custom or shared log group."""
    return f"{date}/{function}[{version}]{instance}"


# --- Subscription events ---------------------------------------------------------------------


def subscription_event(
    log_group: str, log_stream: str, messages_with_timestamps: Sequence[tuple[int, str]]
) -> dict[str, Any]:
    """``{"awslogs": {"data": base64(gzip(json))}}`` holding ``(timestamp ms, message)`` log events,
    encoded by ``durations.subscription.encode_payload`` the way CloudWatch Logs does it."""
    return encode_payload(log_group, log_stream, list(messages_with_timestamps))


# --- Records -------------------------------------------------------------------------------


def invocation_record(
    *,
    function: str = FUNCTION,
    version: str | None = VERSION,
    request_id: str = REQUEST_ID,
    timestamp: int = T0,
    duration_ms: float | None = 12.47,
    billed_duration_ms: int | None = 13,
    memory_size_mb: int | None = 256,
    max_memory_used_mb: int | None = 71,
    init_duration_ms: float | None = None,
    restore_duration_ms: float | None = None,
    billed_restore_duration_ms: int | None = None,
    status: str | None = "success",
    error_type: str | None = None,
    cold_start: bool = False,
    xray_trace_id: str | None = None,
) -> Record:
    """A Record with every field named; the defaults are the warm, successful invocation that
    ``text_report()`` with its defaults describes."""
    return Record(
        function=function,
        version=version,
        request_id=request_id,
        timestamp=timestamp,
        duration_ms=duration_ms,
        billed_duration_ms=billed_duration_ms,
        memory_size_mb=memory_size_mb,
        max_memory_used_mb=max_memory_used_mb,
        init_duration_ms=init_duration_ms,
        restore_duration_ms=restore_duration_ms,
        billed_restore_duration_ms=billed_restore_duration_ms,
        status=status,
        error_type=error_type,
        cold_start=cold_start,
        xray_trace_id=xray_trace_id,
    )


def assert_record_equal(actual: Record | None, expected: Record) -> None:
    """Field-by-field equality, types included: ``13`` is not ``13.0``, ``None`` is not ``0``,
    ``False`` is not ``0``. (Tuple equality alone would accept all three.)"""
    assert isinstance(actual, Record), f"expected a Record, got {actual!r}"
    assert actual._asdict() == expected._asdict()
    actual_types = {name: type(value).__name__ for name, value in actual._asdict().items()}
    expected_types = {name: type(value).__name__ for name, value in expected._asdict().items()}
    assert actual_types == expected_types
