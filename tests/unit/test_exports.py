"""Exported CloudWatch Logs lines become subscription events, one stream per payload."""

from __future__ import annotations

import json

import pytest

from durations.subscription import decode_event
from durations_local.exports import ExportError, read_export

REPORT = (
    "REPORT RequestId: {rid}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"
)


def filter_log_events(*events: tuple[str, int, str]) -> str:
    return json.dumps({"events": [{"logStreamName": s, "timestamp": t, "message": m} for s, t, m in events]})


def decoded(events: list[dict]) -> list[tuple[str, str, list[tuple[int, str]]]]:
    payloads = [decode_event(event) for event in events]
    return [(p.log_group, p.log_stream, [(e["timestamp"], e["message"]) for e in p.log_events]) for p in payloads]


def test_filter_log_events_json_is_grouped_by_stream_in_time_order() -> None:
    text = filter_log_events(("s2", 30, "c"), ("s1", 20, "b"), ("s1", 10, "a"))
    events = read_export(text, log_group="/aws/lambda/fn", function=None, at_ms=0)
    assert decoded(events) == [("/aws/lambda/fn", "s2", [(30, "c")]), ("/aws/lambda/fn", "s1", [(10, "a"), (20, "b")])]


def test_several_pages_of_json_one_after_another_are_all_read() -> None:
    text = filter_log_events(("s", 1, "a")) + "\n" + filter_log_events(("s", 2, "b"))
    events = read_export(text, log_group=None, function="fn", at_ms=0)
    assert decoded(events) == [("/aws/lambda/fn", "s", [(1, "a"), (2, "b")])]


def test_json_export_without_a_group_or_function_is_refused() -> None:
    with pytest.raises(ExportError, match="--log-group NAME or --function NAME"):
        read_export(filter_log_events(("s", 1, "a")), log_group=None, function=None, at_ms=0)


def test_json_that_is_not_a_filter_log_events_answer_is_refused() -> None:
    with pytest.raises(ExportError, match='no "events" list'):
        read_export('{"logGroups": []}', log_group="g", function=None, at_ms=0)


def test_aws_logs_tail_lines_keep_their_time_and_stream() -> None:
    line = "2025-12-03T10:00:00.123000+00:00 2025/12/03/[7]" + "a" * 32 + " " + REPORT.format(rid="r1")
    events = read_export(line + "\n", log_group=None, function="fn", at_ms=0)
    assert decoded(events) == [
        ("/aws/lambda/fn", "2025/12/03/[7]" + "a" * 32, [(1_764_756_000_123, REPORT.format(rid="r1"))])
    ]


def test_bare_lines_are_stamped_at_the_given_time_1_ms_apart_with_xray_kept_with_its_report() -> None:
    text = (
        REPORT.format(rid="r1")
        + "\nXRAY TraceId: 1-abc\tSegmentId: 12\tSampled: true\n"
        + REPORT.format(rid="r2")
        + "\n"
    )
    events = read_export(text, log_group=None, function="fn", at_ms=5_000)
    ((group, _, lines),) = decoded(events)
    assert group == "/aws/lambda/fn"
    assert lines == [
        (5_000, REPORT.format(rid="r1") + "\nXRAY TraceId: 1-abc\tSegmentId: 12\tSampled: true"),
        (5_001, REPORT.format(rid="r2")),
    ]


def test_large_exports_are_split_into_payloads_of_at_most_1000_events() -> None:
    text = filter_log_events(*[("s", i, f"m{i}") for i in range(2_500)])
    sizes = [len(decode_event(event).log_events) for event in read_export(text, log_group="g", function=None, at_ms=0)]
    assert sizes == [1_000, 1_000, 500]
