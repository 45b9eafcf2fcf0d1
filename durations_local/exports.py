"""Real logs without deploying: REPORT lines exported from CloudWatch Logs, as subscription events.

Two inputs are read:

- the JSON that ``aws logs filter-log-events --log-group-name G`` prints
  (``{"events": [{"logStreamName", "timestamp", "message", ...}], ...}``; one object, or
  several pages one after another). The export does not name the group: pass it, or the
  function (its default group ``/aws/lambda/<function>`` is then assumed);
- plain text lines, one message each, with ``--function``. A line may start with its time
  as ``aws logs tail`` prints it (``2024-05-01T12:00:00.123000+00:00 <stream> <message>``);
  a bare line has no time of its own and is stamped at ``at`` (default now), 1 ms apart in
  file order.

Events are grouped into one payload per log stream, as CloudWatch Logs delivers them, and
go through the same ingest handler as in Lambda.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from typing import Any

from durations.subscription import encode_payload

PAYLOAD_EVENTS = 1_000
_TAIL_LINE = re.compile(r"(\d{4}-\d{2}-\d{2}T\S+)\s+(\S+)\s+(.*)", re.DOTALL)


class ExportError(ValueError):
    pass


def _group(log_group: str | None, function: str | None) -> str:
    if log_group:
        return log_group
    if function:
        return f"/aws/lambda/{function}"
    raise ExportError("say which log group the export comes from: --log-group NAME or --function NAME")


def _payloads(log_group: str, by_stream: dict[str, list[tuple[int, str]]]) -> list[dict[str, Any]]:
    events = []
    for stream, lines in by_stream.items():
        lines.sort(key=lambda line: line[0])
        for start in range(0, len(lines), PAYLOAD_EVENTS):
            events.append(encode_payload(log_group, stream, lines[start : start + PAYLOAD_EVENTS]))
    return events


def _json_documents(text: str) -> list[Any]:
    """One JSON value, or several concatenated (pages of a paginated CLI call)."""
    decoder = json.JSONDecoder()
    documents, position = [], 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        document, position = decoder.raw_decode(text, position)
        documents.append(document)
    return documents


def from_filter_log_events(text: str, *, log_group: str | None, function: str | None) -> list[dict[str, Any]]:
    group = _group(log_group, function)
    try:
        documents = _json_documents(text)
    except ValueError as error:
        raise ExportError(f"not the JSON of aws logs filter-log-events: {error}") from None
    by_stream: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for document in documents:
        events = document.get("events") if isinstance(document, dict) else None
        if not isinstance(events, list):
            raise ExportError('not the JSON of aws logs filter-log-events: no "events" list')
        for index, event in enumerate(events):
            try:
                by_stream[str(event["logStreamName"])].append((int(event["timestamp"]), str(event["message"])))
            except (KeyError, TypeError, ValueError):
                raise ExportError(f"events[{index}] lacks logStreamName, timestamp or message") from None
    return _payloads(group, by_stream)


def from_text_lines(text: str, *, function: str, at_ms: int, log_group: str | None = None) -> list[dict[str, Any]]:
    if not function:
        raise ExportError("plain text lines need --function NAME: they do not say which function wrote them")
    group = log_group or f"/aws/lambda/{function}"
    default_stream = "local/[$LATEST]" + "0" * 32
    by_stream: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # The X-Ray part of a text REPORT follows on its own line: keep it with its report.
    messages: list[tuple[int | None, str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("XRAY TraceId:") and messages:
            timestamp, stream, message = messages[-1]
            messages[-1] = (timestamp, stream, f"{message}\n{line}")
            continue
        tail = _TAIL_LINE.fullmatch(line)
        if tail:
            try:
                moment = datetime.fromisoformat(tail[1])
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                messages.append((round(moment.timestamp() * 1000), tail[2], tail[3]))
                continue
        messages.append((None, default_stream, line))
    for index, (timestamp, stream, message) in enumerate(messages):
        by_stream[stream].append((timestamp if timestamp is not None else at_ms + index, message))
    return _payloads(group, by_stream)


def read_export(text: str, *, log_group: str | None, function: str | None, at_ms: int) -> list[dict[str, Any]]:
    """Subscription events from an export, JSON or text (told apart by the first character)."""
    if text.lstrip().startswith("{"):
        return from_filter_log_events(text, log_group=log_group, function=function)
    return from_text_lines(text, function=function or "", at_ms=at_ms, log_group=log_group)
