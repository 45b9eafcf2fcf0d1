"""Read and validate a query request: pure, standard library only.

Every rejection is a ``ValidationError`` naming the field and what it accepts; the handler
turns it into ``{"error": {"type": "ValidationError", ...}}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DEFAULT_PERCENTILES: tuple[float, ...] = (50.0, 90.0, 95.0, 99.0)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_SERIES_POINTS = 10_000
MAX_TIMESTAMP_MS = 10**13 - 1

_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_RELATIVE = re.compile(r"-(\d{1,9})([smhdw])")
_INTERVAL = re.compile(r"(\d{1,9})([smhdw])")

FUNCTION_FIELDS = frozenset(
    {"function", "start", "end", "version", "percentiles", "interval", "records", "limit", "next_token", "summary"}
)
OVERVIEW_FIELDS = frozenset({"start", "end"})


class ValidationError(ValueError):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def as_response(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": "ValidationError", "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


@dataclass(frozen=True)
class TimeValue:
    ms: int
    relative: bool  # "-15m" style: moves with "now", so a page token's window wins


@dataclass(frozen=True)
class PageToken:
    function: str
    version: str | None
    start_ms: int
    end_ms: int
    after_sort_key: str

    def encode(self) -> str:
        body = {"v": 1, "f": self.function, "ver": self.version, "s": self.start_ms, "e": self.end_ms}
        body["after"] = self.after_sort_key
        return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> PageToken:
        try:
            padded = token + "=" * (-len(token) % 4)
            body = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if not isinstance(body, dict) or body.get("v") != 1:
                raise ValueError
            parsed = cls(body["f"], body["ver"], body["s"], body["e"], body["after"])
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ValidationError(
                "next_token", "next_token is malformed: pass the value a previous page returned"
            ) from None
        if not (
            isinstance(parsed.function, str)
            and (parsed.version is None or isinstance(parsed.version, str))
            and _is_int(parsed.start_ms)
            and _is_int(parsed.end_ms)
            and isinstance(parsed.after_sort_key, str)
            and 0 <= parsed.start_ms < parsed.end_ms <= MAX_TIMESTAMP_MS
        ):
            raise ValidationError("next_token", "next_token is malformed: pass the value a previous page returned")
        return parsed


@dataclass(frozen=True)
class FunctionQuery:
    function: str
    start_ms: int
    end_ms: int
    version: str | None
    percentiles: tuple[float, ...]
    interval_ms: int | None
    records: bool
    limit: int
    after_sort_key: str | None  # from next_token: records strictly after this sort key
    # False skips reading the whole window for summary and series: for paging through
    # records, where every page would otherwise recompute the same summary.
    summary: bool = True
    interval: str | None = None


@dataclass(frozen=True)
class OverviewQuery:
    start_ms: int
    end_ms: int


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_time(field: str, value: Any, now_ms: int) -> TimeValue:
    """ISO-8601 with Z or an offset, epoch milliseconds, or relative to now (-15m, -6h, -7d)."""
    accepted = "ISO-8601 with Z or an offset, epoch milliseconds, or relative like -15m, -6h, -7d"
    if isinstance(value, bool):
        raise ValidationError(field, f"{field} must be {accepted}; got a boolean")
    if isinstance(value, (int, float)):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValidationError(field, f"{field} in epoch milliseconds must be a whole number; got {value!r}")
        ms = int(value)
        if not 0 <= ms <= MAX_TIMESTAMP_MS:
            raise ValidationError(field, f"{field} in epoch milliseconds is out of range; got {value!r}")
        return TimeValue(ms, relative=False)
    if not isinstance(value, str):
        raise ValidationError(field, f"{field} must be {accepted}; got {type(value).__name__}")
    text = value.strip()
    if text == "now":
        return TimeValue(now_ms, relative=True)
    relative = _RELATIVE.fullmatch(text)
    if relative:
        ms = now_ms - int(relative[1]) * _UNIT_MS[relative[2]]
        return TimeValue(max(ms, 0), relative=True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"{field} must be {accepted}; got {value!r}") from None
    if moment.tzinfo is None:
        raise ValidationError(field, f"{field} must say its time zone (Z or an offset such as +02:00); got {value!r}")
    ms = round(moment.timestamp() * 1000)
    if not 0 <= ms <= MAX_TIMESTAMP_MS:
        raise ValidationError(field, f"{field} is out of range; got {value!r}")
    return TimeValue(ms, relative=False)


def iso(ms: int) -> str:
    """Epoch milliseconds as ISO-8601 UTC with milliseconds and Z."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def percentile_key(p: float) -> str:
    """``p50``, ``p99``, ``p99.9``."""
    text = repr(float(p))
    if text.endswith(".0"):
        text = text[:-2]
    return f"p{text}"


def _percentiles(value: Any) -> tuple[float, ...]:
    if value is None:
        return DEFAULT_PERCENTILES
    message = "percentiles must be a list of numbers greater than 0 and at most 100, such as [50, 99, 99.9]"
    if not isinstance(value, list) or not value:
        raise ValidationError("percentiles", message)
    result = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not (0 < item <= 100):
            raise ValidationError("percentiles", f"{message}; got {item!r}")
        result.append(float(item))
    return tuple(dict.fromkeys(result))  # unique, in the order asked


def _interval(value: Any, start_ms: int, end_ms: int) -> int | None:
    if value is None:
        return None
    match = _INTERVAL.fullmatch(value) if isinstance(value, str) else None
    if not match or int(match[1]) == 0:
        raise ValidationError("interval", f"interval must be a duration such as 1m, 5m, 1h or 1d; got {value!r}")
    interval_ms = int(match[1]) * _UNIT_MS[match[2]]
    points = math.ceil((end_ms - start_ms) / interval_ms)
    if points > MAX_SERIES_POINTS:
        raise ValidationError(
            "interval", f"interval {value} gives {points:,} points over this window; at most {MAX_SERIES_POINTS:,}"
        )
    return interval_ms


def _window(request: dict[str, Any], now_ms: int) -> tuple[TimeValue, TimeValue]:
    if "start" not in request:
        raise ValidationError("start", "start is required: ISO-8601, epoch milliseconds, or relative like -1h")
    start = parse_time("start", request["start"], now_ms)
    end = parse_time("end", request["end"], now_ms) if request.get("end") is not None else TimeValue(now_ms, True)
    if start.ms >= end.ms:
        raise ValidationError("start", f"start ({iso(start.ms)}) must be before end ({iso(end.ms)})")
    return start, end


def parse_request(request: Any, now_ms: int) -> FunctionQuery | OverviewQuery:
    if not isinstance(request, dict):
        raise ValidationError(None, "the request must be a JSON object")
    function = request.get("function")
    if "function" not in request:
        unknown = sorted(set(request) - OVERVIEW_FIELDS)
        if unknown:
            raise ValidationError(
                unknown[0],
                f"unknown field(s) {', '.join(unknown)} for an overview (a request without function): "
                f"accepted fields are {', '.join(sorted(OVERVIEW_FIELDS))}, plus function for one function's query",
            )
        start, end = _window(request, now_ms)
        return OverviewQuery(start.ms, end.ms)
    unknown = sorted(set(request) - FUNCTION_FIELDS)
    if unknown:
        raise ValidationError(
            unknown[0],
            f"unknown field(s) {', '.join(unknown)}: accepted fields are {', '.join(sorted(FUNCTION_FIELDS))}",
        )
    if not isinstance(function, str) or not function:
        raise ValidationError("function", "function must be a non-empty string: the function's name")
    version = request.get("version")
    if version is not None and (not isinstance(version, str) or not version):
        raise ValidationError("version", "version must be a string such as $LATEST or 12")
    start, end = _window(request, now_ms)
    records = request.get("records", False)
    if not isinstance(records, bool):
        raise ValidationError("records", f"records must be true or false; got {records!r}")
    summary = request.get("summary", True)
    if not isinstance(summary, bool):
        raise ValidationError("summary", f"summary must be true or false; got {summary!r}")
    if not summary and request.get("interval") is not None:
        raise ValidationError("interval", "interval needs the summary: leave summary out or set it to true")
    limit = request.get("limit", DEFAULT_LIMIT)
    if not _is_int(limit) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}; got {limit!r}")
    after = None
    token = request.get("next_token")
    if token is not None:
        if not isinstance(token, str) or not token:
            raise ValidationError("next_token", "next_token must be the string a previous page returned")
        page = PageToken.decode(token)
        if page.function != function or page.version != version:
            raise ValidationError("next_token", "next_token belongs to another query (another function or version)")
        # A relative window ("-1h") moves between pages: the first page's window holds.
        if (not start.relative and start.ms != page.start_ms) or (not end.relative and end.ms != page.end_ms):
            raise ValidationError("next_token", "next_token belongs to another query (another time window)")
        start, end = TimeValue(page.start_ms, False), TimeValue(page.end_ms, False)
        after = page.after_sort_key
    return FunctionQuery(
        function=function,
        start_ms=start.ms,
        end_ms=end.ms,
        version=version,
        percentiles=_percentiles(request.get("percentiles")),
        interval_ms=_interval(request.get("interval"), start.ms, end.ms),
        records=records,
        limit=limit,
        after_sort_key=after,
        summary=summary,
        interval=request.get("interval"),
    )
