"""parse_payload: one decoded subscription payload in, one record per REPORT out, everything else counted."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from durations.ingest import MAX_SAMPLE_CHARS, MAX_SAMPLES, ParsedPayload, parse_payload
from durations.log_source import FunctionRef
from durations.subscription import DATA_MESSAGE, Payload, decode_event
from tests.builders import (
    FULL_JSON_METRICS,
    OTHER_REQUEST_ID,
    REQUEST_ID,
    T0,
    app_line,
    assert_record_equal,
    default_group,
    default_stream,
    end_line,
    invocation_record,
    json_platform_event,
    json_report,
    start_line,
    subscription_event,
    text_report,
    timeout_notice,
)

SOURCE = FunctionRef("my-fn", "$LATEST")
GROUP = default_group("my-fn")
STREAM = default_stream("$LATEST")


def decoded(lines: list[tuple[int, str]]) -> Payload:
    """The payload as decode_event hands it to parse_payload."""
    return decode_event(subscription_event(GROUP, STREAM, lines))


def raw_payload(log_events: list[Any]) -> Payload:
    """A payload holding log event entries exactly as given (for entries CloudWatch would never send)."""
    return Payload(DATA_MESSAGE, GROUP, STREAM, log_events)


def assert_records(result: ParsedPayload, expected: list) -> None:
    assert len(result.records) == len(expected), result.records
    for actual, wanted in zip(result.records, expected, strict=True):
        assert_record_equal(actual, wanted)


def test_a_stream_of_mixed_lines_gives_one_record_per_report_and_counts_the_rest() -> None:
    lines = [
        (T0, start_line(REQUEST_ID)),
        (T0 + 5, app_line("processing order 42")),
        (T0 + 12, end_line(REQUEST_ID)),
        (T0 + 13, text_report(REQUEST_ID, duration="12.47", billed="13", memory="256", max_used="71")),
        (T0 + 20, start_line(OTHER_REQUEST_ID)),
        (T0 + 21, "2024-01-01T00:00:00Z abc INFO REPORT RequestId: fake"),
        (T0 + 22, json_platform_event("platform.start", {"requestId": OTHER_REQUEST_ID})),
        (T0 + 30, end_line(OTHER_REQUEST_ID)),
        (T0 + 31, json_report(OTHER_REQUEST_ID, {"durationMs": 3.5}, status="error", error_type="Runtime.ExitError")),
    ]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(
        result,
        [
            invocation_record(request_id=REQUEST_ID, timestamp=T0 + 13),
            invocation_record(
                request_id=OTHER_REQUEST_ID,
                timestamp=T0 + 31,
                duration_ms=3.5,
                billed_duration_ms=None,
                memory_size_mb=None,
                max_memory_used_mb=None,
                status="error",
                error_type="Runtime.ExitError",
            ),
        ],
    )
    assert result.skipped == Counter({"not_report": 7})
    assert result.samples == []


def test_record_takes_function_and_version_from_the_source_and_time_from_the_log_event() -> None:
    result = parse_payload(decoded([(1_700_000_000_321, text_report(REQUEST_ID))]), FunctionRef("orders-api", "7"))
    assert_records(result, [invocation_record(function="orders-api", version="7", timestamp=1_700_000_000_321)])


def test_edge_function_records_carry_its_name_and_unknown_version() -> None:
    result = parse_payload(decoded([(T0, text_report(REQUEST_ID))]), FunctionRef("edge-fn", None, edge=True))
    assert_records(result, [invocation_record(function="edge-fn", version=None)])


def test_malformed_reports_are_skipped_counted_and_sampled() -> None:
    lines = [
        (T0, "REPORT RequestId: bad-1"),
        (T0 + 1, text_report("bad-2", duration="fast")),
        (T0 + 2, text_report(REQUEST_ID)),
        (T0 + 3, json_report("bad-3", {"durationMs": -1})),
    ]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(result, [invocation_record(timestamp=T0 + 2)])
    assert result.skipped == Counter({"malformed": 3})
    assert result.samples == [
        "no Duration field: 'REPORT RequestId: bad-1'",
        "Duration is not a number: 'fast': " + repr(text_report("bad-2", duration="fast")),
        # The JSON line is longer than 300 characters: the sample quotes its first 300.
        "durationMs is out of range: -1: " + repr(json_report("bad-3", {"durationMs": -1})[:300]),
    ]


def test_malformed_samples_are_capped_at_three() -> None:
    lines = [(T0 + n, f"REPORT RequestId: bad-{n}") for n in range(10)]
    result = parse_payload(decoded(lines), SOURCE)
    assert MAX_SAMPLES == 3
    assert result.skipped == Counter({"malformed": 10})
    assert result.samples == [
        "no Duration field: 'REPORT RequestId: bad-0'",
        "no Duration field: 'REPORT RequestId: bad-1'",
        "no Duration field: 'REPORT RequestId: bad-2'",
    ]


def test_malformed_sample_quotes_at_most_300_characters_of_the_line() -> None:
    line = "REPORT RequestId: " + "x" * 1000
    result = parse_payload(decoded([(T0, line)]), SOURCE)
    assert MAX_SAMPLE_CHARS == 300
    assert result.samples == [f"no Duration field: {line[:300]!r}"]


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"id": "1", "message": text_report()}, id="no-timestamp"),
        pytest.param({"id": "1", "timestamp": T0}, id="no-message"),
        pytest.param({"id": "1", "timestamp": str(T0), "message": text_report()}, id="timestamp-a-string"),
        pytest.param({"id": "1", "timestamp": float(T0), "message": text_report()}, id="timestamp-a-float"),
        pytest.param({"id": "1", "timestamp": True, "message": text_report()}, id="timestamp-a-boolean"),
        pytest.param({"id": "1", "timestamp": None, "message": text_report()}, id="timestamp-null"),
        pytest.param({"id": "1", "timestamp": T0, "message": None}, id="message-null"),
        pytest.param({"id": "1", "timestamp": T0, "message": ["REPORT"]}, id="message-a-list"),
        pytest.param({"id": "1", "timestamp": T0, "message": 42}, id="message-a-number"),
        pytest.param("REPORT RequestId: x", id="entry-a-string"),
        pytest.param(None, id="entry-null"),
        pytest.param([T0, text_report()], id="entry-a-list"),
    ],
)
def test_log_event_entry_without_an_int_timestamp_and_str_message_is_an_invalid_event(entry: Any) -> None:
    good = {"id": "2", "timestamp": T0 + 1, "message": text_report()}
    result = parse_payload(raw_payload([entry, good]), SOURCE)
    assert_records(result, [invocation_record(timestamp=T0 + 1)])
    assert result.skipped == Counter({"invalid_event": 1})


def test_each_skip_reason_is_counted_separately() -> None:
    payload = raw_payload(
        [
            {"timestamp": T0, "message": start_line()},
            {"timestamp": T0 + 1, "message": "REPORT RequestId: broken"},
            {"timestamp": "soon", "message": text_report()},
            {"timestamp": T0 + 2, "message": timeout_notice(OTHER_REQUEST_ID)},
            {"timestamp": T0 + 3, "message": end_line()},
            {"timestamp": T0 + 4, "message": text_report()},
        ]
    )
    result = parse_payload(payload, SOURCE)
    assert_records(result, [invocation_record(timestamp=T0 + 4)])
    assert result.skipped == Counter({"not_report": 2, "malformed": 1, "invalid_event": 1, "timeout_notice": 1})


def test_empty_payload_gives_nothing() -> None:
    result = parse_payload(decoded([]), SOURCE)
    assert result.records == []
    assert result.skipped == Counter()
    assert result.samples == []


# --- Old-style timeouts -------------------------------------------------------------------------


def test_report_without_status_and_a_timeout_notice_for_its_id_is_stored_with_status_timeout() -> None:
    lines = [
        (T0, start_line(REQUEST_ID)),
        (T0 + 3000, timeout_notice(REQUEST_ID, seconds="3.00")),
        (T0 + 3001, end_line(REQUEST_ID)),
        (T0 + 3002, text_report(REQUEST_ID, duration="3003.46", billed="3000", memory="128", max_used="60")),
    ]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(
        result,
        [
            invocation_record(
                timestamp=T0 + 3002,
                duration_ms=3003.46,
                billed_duration_ms=3000,
                memory_size_mb=128,
                max_memory_used_mb=60,
                status="timeout",
            )
        ],
    )
    assert result.skipped == Counter({"not_report": 2, "timeout_notice": 1})


def test_timeout_notice_after_the_report_in_the_same_payload_still_marks_it() -> None:
    lines = [(T0, text_report(REQUEST_ID)), (T0 + 1, timeout_notice(REQUEST_ID))]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(result, [invocation_record(timestamp=T0, status="timeout")])


def test_report_with_status_error_keeps_error_despite_a_timeout_notice() -> None:
    lines = [
        (T0, timeout_notice(REQUEST_ID)),
        (T0 + 1, text_report(REQUEST_ID, status="error", error_type="Runtime.ExitError")),
    ]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(result, [invocation_record(timestamp=T0 + 1, status="error", error_type="Runtime.ExitError")])


def test_timeout_notice_marks_only_the_report_of_its_own_request_id() -> None:
    lines = [
        (T0, timeout_notice(OTHER_REQUEST_ID)),
        (T0 + 1, text_report(REQUEST_ID)),
        (T0 + 2, text_report(OTHER_REQUEST_ID)),
    ]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(
        result,
        [
            invocation_record(request_id=REQUEST_ID, timestamp=T0 + 1, status="success"),
            invocation_record(request_id=OTHER_REQUEST_ID, timestamp=T0 + 2, status="timeout"),
        ],
    )


def test_report_already_saying_status_timeout_stays_timeout() -> None:
    lines = [(T0, timeout_notice(REQUEST_ID)), (T0 + 1, text_report(REQUEST_ID, status="timeout"))]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(result, [invocation_record(timestamp=T0 + 1, status="timeout")])


def test_json_report_with_status_timeout_needs_no_notice() -> None:
    lines = [(T0, json_report(REQUEST_ID, FULL_JSON_METRICS, status="timeout", error_type="Sandbox.Timedout"))]
    result = parse_payload(decoded(lines), SOURCE)
    assert_records(result, [invocation_record(status="timeout", error_type="Sandbox.Timedout")])
