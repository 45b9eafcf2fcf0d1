"""Parse one log event's message into the fields of an invocation's REPORT.

Pure functions over strings, standard library only. Two formats:

- text: ``REPORT RequestId: <id>\\tDuration: 12.47 ms\\tBilled Duration: 13 ms\\t...`` with an
  optional X-Ray continuation after a newline (same log event);
- JSON (``LoggingConfig.LogFormat = JSON``): ``{"type": "platform.report", "record": {...}}``.

``parse_report`` returns the invocation's ``Record`` for a report line, ``None`` for any other
line (START, END, INIT_REPORT, other platform events, application lines that mention
REPORT), and raises ``MalformedReport`` for a line that is a report but cannot be read.

This runs once per log line (100,000 lines/s is the target), so records are built
positionally in one step, without intermediate objects.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from durations.records import Record
from durations.schema import STATUS_SUCCESS, STATUSES


class MalformedReport(ValueError):
    """A line that is an invocation report but whose fields cannot be read."""


# A text field is "Name: value [unit]". The name is one or more words joined by single
# spaces, so "Billed Duration" is read as one name and never as "Duration" (the notes warn
# that "Duration:" occurs inside four other field names). The unit is consumed with its
# value so that, in space-separated copies, "ms" is not taken as the start of the next
# name. Fields are found in any order; unknown names are ignored so that a field Lambda
# adds later does not make every line unreadable.
# A value never ends with a colon and is followed by whitespace, so in "RequestId:\tDuration:
# 5 ms" the RequestId has no value rather than the value "Duration:".
_TEXT_FIELD = re.compile(r"([A-Za-z]+(?: [A-Za-z]+)*):[ \t]*(\S+)(?<!:)(?!\S)(?:[ \t]+(?:ms|MB)(?!\S))?")
# Numbers in text lines: digits with an optional fraction (float() alone would also take
# "1_000", "inf" or "1e3").
_TEXT_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_TEXT_PREFIX = re.compile(r"REPORT\s+RequestId:")

_FLOAT_FIELDS = {
    "Duration": "duration_ms",
    "Init Duration": "init_duration_ms",
    "Restore Duration": "restore_duration_ms",
}
_INT_FIELDS = {
    "Billed Duration": "billed_duration_ms",
    "Memory Size": "memory_size_mb",
    "Max Memory Used": "max_memory_used_mb",
    "Billed Restore Duration": "billed_restore_duration_ms",
}
_STRING_FIELDS = {
    "REPORT RequestId": "request_id",
    "RequestId": "request_id",  # when REPORT and RequestId are split by more than one space
    "Status": "status",
    "Error Type": "error_type",
    "XRAY TraceId": "xray_trace_id",
}


def parse_report(message: str, function: str, version: str | None, timestamp_ms: int) -> Record | None:
    """The record of an invocation's report line, in either log format; None for other lines.

    ``function`` and ``version`` come from the log group and stream (log_source.py),
    ``timestamp_ms`` from the log event: neither format carries them in the line.
    """
    if message.startswith("REPORT"):
        return _parse_text(message, function, version, timestamp_ms)
    if message.startswith("{"):
        return _parse_json(message, function, version, timestamp_ms)
    return None


def _float_value(name: str, raw: object) -> float:
    if isinstance(raw, str):
        if not _TEXT_NUMBER.fullmatch(raw):
            raise MalformedReport(f"{name} is not a number: {raw!r}")
    elif isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise MalformedReport(f"{name} is not a number: {raw!r}")
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        raise MalformedReport(f"{name} is not a number: {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise MalformedReport(f"{name} is out of range: {raw!r}")
    return value


def _int_value(name: str, raw: object) -> int:
    value = _float_value(name, raw)
    # Billing and memory fields are whole numbers; "13.0" is accepted, "12.5" is not.
    if not value.is_integer():
        raise MalformedReport(f"{name} is not a whole number: {raw!r}")
    return int(value)


def _status_value(raw: str) -> str:
    status = raw.lower()
    if status not in STATUSES:
        raise MalformedReport(f"unknown Status: {raw!r}")
    return status


# Fast path: the canonical field order Lambda prints, with any whitespace between fields.
# Matching it whole proves every number's format, so values convert without further
# checks. Anything else (other order, unknown fields, odd values) takes the general path.
_NUM = r"(\d+(?:\.\d+)?)"
_CANONICAL_TEXT = re.compile(
    rf"REPORT\s+RequestId:\s*(\S+)\s+Duration:\s*{_NUM} ms\s+Billed Duration:\s*(\d+) ms"
    r"\s+Memory Size:\s*(\d+) MB\s+Max Memory Used:\s*(\d+) MB"
    rf"(?:\s+Init Duration:\s*{_NUM} ms)?"
    rf"(?:\s+Restore Duration:\s*{_NUM} ms\s+Billed Restore Duration:\s*(\d+) ms)?"
    r"(?:\s+Status:\s*(timeout|error|failure)(?:\s+Error Type:\s*(\S+))?)?"
    r"(?:\s+XRAY TraceId:\s*(\S+)\s+SegmentId:\s*\S+\s+Sampled:\s*\S+)?\s*"
)


def _parse_text(message: str, function: str, version: str | None, timestamp_ms: int) -> Record | None:
    canonical = _CANONICAL_TEXT.fullmatch(message)
    if canonical is not None:
        rid, dur, billed, mem, used, init, restore, billed_restore, status, error_type, trace = canonical.groups()
        return Record(
            function,
            version,
            rid,
            timestamp_ms,
            float(dur),
            int(billed),
            int(mem),
            int(used),
            None if init is None else float(init),
            None if restore is None else float(restore),
            None if billed_restore is None else int(billed_restore),
            STATUS_SUCCESS if status is None else status,
            error_type,
            init is not None or restore is not None,
            trace,
        )
    if not _TEXT_PREFIX.match(message):
        return None  # an application line that starts with the word REPORT
    fields: dict[str, Any] = {}
    for name, raw in _TEXT_FIELD.findall(message):
        if name in _FLOAT_FIELDS:
            key = _FLOAT_FIELDS[name]
            value: Any = _float_value(name, raw)
        elif name in _INT_FIELDS:
            key = _INT_FIELDS[name]
            value = _int_value(name, raw)
        elif name in _STRING_FIELDS:
            key = _STRING_FIELDS[name]
            value = raw
        else:
            continue
        if key in fields:
            raise MalformedReport(f"{name} appears twice")
        fields[key] = value
    if "request_id" not in fields:
        raise MalformedReport("no RequestId value")
    if "duration_ms" not in fields:
        raise MalformedReport("no Duration field")
    status = fields.get("status")
    # The text format writes Status only for failures: its absence means success.
    fields["status"] = STATUS_SUCCESS if status is None else _status_value(str(status))
    return _record(fields, function, version, timestamp_ms)


def _record(fields: dict[str, Any], function: str, version: str | None, timestamp_ms: int) -> Record:
    """A record from the fields the general paths found; absent fields are None."""
    get = fields.get
    return Record(
        function,
        version,
        fields["request_id"],
        timestamp_ms,
        get("duration_ms"),
        get("billed_duration_ms"),
        get("memory_size_mb"),
        get("max_memory_used_mb"),
        get("init_duration_ms"),
        get("restore_duration_ms"),
        get("billed_restore_duration_ms"),
        get("status"),
        get("error_type"),
        get("init_duration_ms") is not None or get("restore_duration_ms") is not None,
        get("xray_trace_id"),
    )


def _trace_root(tracing: object) -> str | None:
    """The Root id from ``{"type": "X-Amzn-Trace-Id", "value": "Root=1-...;Parent=...;Sampled=1"}``."""
    if not isinstance(tracing, dict):
        return None
    value = tracing.get("value")
    if not isinstance(value, str):
        return None
    for part in value.split(";"):
        key, _, root = part.partition("=")
        if key.strip() == "Root" and root:
            return root.strip()
    return None


def _parse_json(message: str, function: str, version: str | None, timestamp_ms: int) -> Record | None:
    # Most JSON lines are the function's own logs or other platform events; skip them
    # before paying for json.loads.
    if '"platform.report"' not in message:
        return None
    try:
        event = json.loads(message)
    except ValueError:
        raise MalformedReport("platform.report line is not valid JSON") from None
    if not isinstance(event, dict) or event.get("type") != "platform.report":
        return None  # an application log that mentions platform.report
    record = event.get("record")
    if not isinstance(record, dict):
        raise MalformedReport("platform.report without a record object")
    request_id = record.get("requestId")
    if not isinstance(request_id, str) or not request_id:
        raise MalformedReport("platform.report without a requestId")
    metrics = record.get("metrics")
    if metrics is None:
        metrics = {}
    elif not isinstance(metrics, dict):
        raise MalformedReport("platform.report metrics is not an object")
    # Only the metrics present are read: Managed Instances report durationMs alone. Names
    # Lambda may add later are ignored.
    get = metrics.get
    duration = _json_float("durationMs", get("durationMs"))
    init = _json_float("initDurationMs", get("initDurationMs"))
    restore = _json_float("restoreDurationMs", get("restoreDurationMs"))
    status = record.get("status")
    if status is not None:
        if not isinstance(status, str):
            raise MalformedReport(f"status is not a string: {status!r}")
        status = _status_value(status)
    error_type = record.get("errorType")
    return Record(
        function,
        version,
        request_id,
        timestamp_ms,
        duration,
        _json_int("billedDurationMs", get("billedDurationMs")),
        _json_int("memorySizeMB", get("memorySizeMB")),
        _json_int("maxMemoryUsedMB", get("maxMemoryUsedMB")),
        init,
        restore,
        _json_int("billedRestoreDurationMs", get("billedRestoreDurationMs")),
        status,
        error_type if isinstance(error_type, str) and error_type else None,
        init is not None or restore is not None,
        _trace_root(record.get("tracing")),
    )


# JSON numbers arrive as int or float already; the plain cases are accepted without the
# general checks, which stay the judge of everything else (and word the errors).
_FLOAT_SAFE_INT = 2**53


def _json_float(name: str, value: object) -> float | None:
    if value is None:
        return None
    if type(value) is float and 0.0 <= value <= sys.float_info.max:
        return value
    if type(value) is int and 0 <= value < _FLOAT_SAFE_INT:
        return float(value)
    return _float_value(name, value)


def _json_int(name: str, value: object) -> int | None:
    if value is None:
        return None
    if type(value) is int and value >= 0:
        return value
    return _int_value(name, value)


# Older logs, and the China and GovCloud partitions, print no Status on a timeout: the
# runtime writes "<iso time> <request id> Task timed out after 3.00 seconds" instead.
_TIMED_OUT = re.compile(r"\S+\s+(\S+)\s+Task timed out after\s")


def timed_out_request_id(message: str) -> str | None:
    """The request id of an old-style ``Task timed out after`` line, else None."""
    match = _TIMED_OUT.match(message)
    return match.group(1) if match else None
