"""decode_event: a CloudWatch Logs subscription event, ``{"awslogs": {"data": base64(gzip(json))}}``.

Shapes follow the CloudWatch Logs subscription payload: {"awslogs": {"data": base64(gzip(json))}}.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

from durations.subscription import (
    CONTROL_MESSAGE,
    DATA_MESSAGE,
    Payload,
    PayloadDecodeError,
    decode_event,
    encode_payload,
)
from tests.builders import T0, default_group, default_stream, end_line, start_line, subscription_event, text_report

GROUP = default_group("my-fn")
STREAM = default_stream("$LATEST")


def event_of_bytes(raw: bytes) -> dict[str, Any]:
    """An event whose data is ``base64(raw)``: raw is what gzip should have produced."""
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}


def event_of_body(body: Any) -> dict[str, Any]:
    """An event encoded the way CloudWatch Logs does, from any JSON body."""
    return event_of_bytes(gzip.compress(json.dumps(body).encode()))


def test_decoding_an_encoded_payload_gives_back_its_group_stream_and_events() -> None:
    lines = [(T0, start_line()), (T0 + 12, text_report()), (T0 + 13, end_line())]
    payload = decode_event(encode_payload(GROUP, STREAM, lines, first_id=7))
    assert payload == Payload(
        message_type=DATA_MESSAGE,
        log_group=GROUP,
        log_stream=STREAM,
        log_events=[
            {"id": f"{7:056d}", "timestamp": T0, "message": start_line()},
            {"id": f"{8:056d}", "timestamp": T0 + 12, "message": text_report()},
            {"id": f"{9:056d}", "timestamp": T0 + 13, "message": end_line()},
        ],
    )


def test_subscription_event_builder_encodes_like_cloudwatch_logs() -> None:
    event = subscription_event(GROUP, STREAM, [(T0, "hello")])
    body = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    assert body == {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": GROUP,
        "logStream": STREAM,
        "subscriptionFilters": ["lambda-durations"],
        "logEvents": [{"id": "0" * 56, "timestamp": T0, "message": "hello"}],
    }


def test_payload_with_no_log_events_decodes_to_an_empty_list() -> None:
    payload = decode_event(subscription_event(GROUP, STREAM, []))
    assert payload == Payload(DATA_MESSAGE, GROUP, STREAM, [])


def test_entries_are_passed_on_as_sent_for_the_parser_to_check() -> None:
    # One odd entry never fails the batch at this stage: ingest counts it as invalid_event.
    body = {"messageType": DATA_MESSAGE, "logGroup": GROUP, "logStream": STREAM, "logEvents": [{"id": "1"}, "odd"]}
    assert decode_event(event_of_body(body)).log_events == [{"id": "1"}, "odd"]


def test_control_message_is_a_probe_with_no_events() -> None:
    body = {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [
            {"id": "", "timestamp": T0, "message": "CWL CONTROL MESSAGE: Checking health of destination Lambda."}
        ],
    }
    assert decode_event(event_of_body(body)) == Payload(CONTROL_MESSAGE, "", "", [])


def test_control_message_without_group_or_stream_still_decodes() -> None:
    assert decode_event(event_of_body({"messageType": CONTROL_MESSAGE})) == Payload(CONTROL_MESSAGE, "", "", [])


UNDECODABLE = [
    pytest.param({}, "event has no awslogs.data", id="missing-awslogs"),
    pytest.param({"awslogs": {}}, "event has no awslogs.data", id="missing-data"),
    pytest.param({"awslogs": "abc"}, "event has no awslogs.data", id="awslogs-not-an-object"),
    pytest.param(None, "event has no awslogs.data", id="event-none"),
    pytest.param(["awslogs"], "event has no awslogs.data", id="event-a-list"),
    pytest.param({"awslogs": {"data": 123}}, "awslogs.data is not a string", id="data-a-number"),
    pytest.param({"awslogs": {"data": None}}, "awslogs.data is not a string", id="data-null"),
    pytest.param({"awslogs": {"data": b"H4sIAAAAAAAA"}}, "awslogs.data is not a string", id="data-bytes-not-a-string"),
    pytest.param({"awslogs": {"data": "not base64!"}}, "awslogs.data is not valid base64", id="not-base64"),
    pytest.param({"awslogs": {"data": "abc"}}, "awslogs.data is not valid base64", id="bad-base64-padding"),
    pytest.param({"awslogs": {"data": "données"}}, "awslogs.data is not valid base64", id="non-ascii"),
    pytest.param(event_of_bytes(b"plain text, not gzip"), "awslogs.data is not gzip data", id="base64-not-gzip"),
    pytest.param(
        event_of_bytes(gzip.compress(b'{"messageType": "DATA_MESSAGE"}')[:-6]),
        "awslogs.data is not gzip data",
        id="truncated-gzip",
    ),
    pytest.param(event_of_bytes(gzip.compress(b"not json")), "decompressed payload is not JSON", id="gzip-not-json"),
    pytest.param(
        event_of_bytes(gzip.compress(b"\xff\xfe\xfd")), "decompressed payload is not JSON", id="gzip-not-utf8"
    ),
    pytest.param(event_of_body([1, 2]), "decompressed payload is not a JSON object", id="json-array"),
    pytest.param(event_of_body("DATA_MESSAGE"), "decompressed payload is not a JSON object", id="json-string"),
]


@pytest.mark.parametrize(("event", "reason"), UNDECODABLE)
def test_undecodable_event_raises_payload_decode_error_with_its_reason(event: Any, reason: str) -> None:
    with pytest.raises(PayloadDecodeError) as raised:
        decode_event(event)
    assert raised.value.reason == reason
    assert str(raised.value) == reason
    # Nothing about the group or stream could be known yet.
    assert (raised.value.log_group, raised.value.log_stream) == (None, None)


INVALID_BODIES = [
    pytest.param(
        {"messageType": "SOMETHING_ELSE", "logGroup": GROUP, "logStream": STREAM, "logEvents": []},
        "unknown messageType 'SOMETHING_ELSE'",
        GROUP,
        STREAM,
        id="unknown-message-type",
    ),
    pytest.param(
        {"logGroup": GROUP, "logStream": STREAM, "logEvents": []},
        "unknown messageType None",
        GROUP,
        STREAM,
        id="missing-message-type",
    ),
    pytest.param(
        {"messageType": DATA_MESSAGE, "logStream": STREAM, "logEvents": []},
        "payload lacks logGroup or logStream",
        None,
        STREAM,
        id="data-message-without-log-group",
    ),
    pytest.param(
        {"messageType": DATA_MESSAGE, "logGroup": GROUP, "logEvents": []},
        "payload lacks logGroup or logStream",
        GROUP,
        None,
        id="data-message-without-log-stream",
    ),
    pytest.param(
        {"messageType": DATA_MESSAGE, "logGroup": 42, "logStream": STREAM, "logEvents": []},
        "payload lacks logGroup or logStream",
        None,
        STREAM,
        id="log-group-not-a-string",
    ),
    pytest.param(
        {"messageType": DATA_MESSAGE, "logGroup": GROUP, "logStream": STREAM},
        "logEvents is not a list",
        GROUP,
        STREAM,
        id="data-message-without-log-events",
    ),
    pytest.param(
        {"messageType": DATA_MESSAGE, "logGroup": GROUP, "logStream": STREAM, "logEvents": {"0": {}}},
        "logEvents is not a list",
        GROUP,
        STREAM,
        id="log-events-an-object",
    ),
]


@pytest.mark.parametrize(("body", "reason", "log_group", "log_stream"), INVALID_BODIES)
def test_invalid_payload_raises_payload_decode_error_naming_what_is_known(
    body: dict[str, Any], reason: str, log_group: str | None, log_stream: str | None
) -> None:
    with pytest.raises(PayloadDecodeError) as raised:
        decode_event(event_of_body(body))
    assert raised.value.reason == reason
    assert raised.value.log_group == log_group
    assert raised.value.log_stream == log_stream


def test_payload_decode_error_is_a_value_error() -> None:
    assert issubclass(PayloadDecodeError, ValueError)
