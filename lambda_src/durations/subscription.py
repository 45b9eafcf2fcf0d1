"""Decode a CloudWatch Logs subscription event: ``{"awslogs": {"data": base64(gzip(json))}}``.

Pure, standard library only. The decoded payload holds one log group and one log stream,
``messageType`` (``DATA_MESSAGE``, or ``CONTROL_MESSAGE``: a reachability probe) and
``logEvents`` of ``{id, timestamp (ms), message}``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

DATA_MESSAGE = "DATA_MESSAGE"
CONTROL_MESSAGE = "CONTROL_MESSAGE"


class PayloadDecodeError(ValueError):
    """The event cannot be read as a subscription payload at all.

    ``log_group`` and ``log_stream`` are filled in when decoding got far enough to know them.
    """

    def __init__(self, reason: str, log_group: str | None = None, log_stream: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.log_group = log_group
        self.log_stream = log_stream


@dataclass(frozen=True, slots=True)
class Payload:
    message_type: str
    log_group: str
    log_stream: str
    # ``{"id", "timestamp", "message"}`` dicts as CloudWatch Logs sent them. They are not
    # copied into objects here: the parser reads each once, checks its types and counts
    # an unusable entry as skipped, so that one bad entry never fails the batch.
    log_events: list[Any]


def decode_event(event: Any) -> Payload:
    """The payload of a subscription event, or PayloadDecodeError saying why not."""
    try:
        data = event["awslogs"]["data"]
    except (TypeError, KeyError):
        raise PayloadDecodeError("event has no awslogs.data") from None
    if not isinstance(data, str):
        raise PayloadDecodeError("awslogs.data is not a string")
    if not data:
        raise PayloadDecodeError("awslogs.data is empty")
    try:
        raw = gzip.decompress(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        raise PayloadDecodeError("awslogs.data is not valid base64") from None
    except (OSError, EOFError, zlib.error):
        raise PayloadDecodeError("awslogs.data is not gzip data") from None
    try:
        body = json.loads(raw)
    except ValueError:
        raise PayloadDecodeError("decompressed payload is not JSON") from None
    if not isinstance(body, dict):
        raise PayloadDecodeError("decompressed payload is not a JSON object")
    return _payload(body)


def _payload(body: dict[str, Any]) -> Payload:
    group, stream = body.get("logGroup"), body.get("logStream")
    log_group = group if isinstance(group, str) else None
    log_stream = stream if isinstance(stream, str) else None
    message_type = body.get("messageType")
    if message_type == CONTROL_MESSAGE:
        return Payload(CONTROL_MESSAGE, log_group or "", log_stream or "", [])
    if message_type != DATA_MESSAGE:
        raise PayloadDecodeError(f"unknown messageType {message_type!r}", log_group, log_stream)
    if log_group is None or log_stream is None:
        raise PayloadDecodeError("payload lacks logGroup or logStream", log_group, log_stream)
    events = body.get("logEvents")
    if not isinstance(events, list):
        raise PayloadDecodeError("logEvents is not a list", log_group, log_stream)
    return Payload(DATA_MESSAGE, log_group, log_stream, events)


def encode_payload(
    log_group: str,
    log_stream: str,
    events: list[tuple[int, str]],
    *,
    owner: str = "123456789012",
    first_id: int = 0,
) -> dict[str, dict[str, str]]:
    """Build a subscription event the way CloudWatch Logs does (used by tests and local mode)."""
    body = {
        "messageType": DATA_MESSAGE,
        "owner": owner,
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": ["lambda-durations"],
        "logEvents": [
            {"id": f"{first_id + index:056d}", "timestamp": timestamp, "message": message}
            for index, (timestamp, message) in enumerate(events)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()
    return {"awslogs": {"data": data}}
