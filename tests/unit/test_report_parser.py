"""parse_report: every REPORT variant Lambda prints, in text and JSON, read into the exact Record.

Cases cover every REPORT variant of the text and JSON log formats. Each case names the line going in and the Record
expected out; function, version and timestamp never come from the line but from the arguments.
"""

from __future__ import annotations

import pytest

from durations.report_parser import MalformedReport, parse_report, timed_out_request_id
from tests.builders import (
    FULL_JSON_METRICS,
    FUNCTION,
    REQUEST_ID,
    T0,
    VERSION,
    XRAY_TRACE_ID,
    app_line,
    end_line,
    invocation_record,
    json_platform_event,
    json_report,
    start_line,
    text_report,
    timeout_notice,
    tracing_value,
)
from tests.builders import (
    assert_record_equal as assert_same,
)

RID = REQUEST_ID


def parse(line: str):
    return parse_report(line, FUNCTION, VERSION, T0)


# --- Text reports --------------------------------------------------------------------------

TEXT_CASES = [
    pytest.param(
        text_report(RID, duration="12.47", billed="13", memory="256", max_used="71"),
        invocation_record(duration_ms=12.47, billed_duration_ms=13, memory_size_mb=256, max_memory_used_mb=71),
        id="warm-success-tabs",
    ),
    pytest.param(
        text_report(RID, duration="12.47", billed="13", memory="256", max_used="71", sep=" "),
        invocation_record(),
        id="single-spaces",
    ),
    pytest.param(
        text_report(RID, duration="12.47", billed="13", memory="256", max_used="71", sep="  "),
        invocation_record(),
        id="double-spaces",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 46.20 ms\tBilled Duration: 47 ms \tMemory Size: 128 MB\t"
        "Max Memory Used: 60 MB\t",
        invocation_record(duration_ms=46.2, billed_duration_ms=47, memory_size_mb=128, max_memory_used_mb=60),
        id="stray-space-before-tab",
    ),
    pytest.param(
        text_report(RID, sep=" \t"),
        invocation_record(),
        id="stray-space-before-every-tab",
    ),
    pytest.param(
        text_report(RID, trailing=False),
        invocation_record(),
        id="no-trailing-tab",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\t"
        f"Max Memory Used: 71 MB\t\nXRAY TraceId: {XRAY_TRACE_ID}\tSegmentId: 6b7c8d9e0f1a2b3c\tSampled: true\t\n",
        invocation_record(xray_trace_id=XRAY_TRACE_ID),
        id="xray-continuation-literal",
    ),
    pytest.param(
        text_report(RID, xray=XRAY_TRACE_ID, sep=" "),
        invocation_record(xray_trace_id=XRAY_TRACE_ID),
        id="xray-continuation-single-spaces",
    ),
    pytest.param(
        text_report(RID, duration="210.03", billed="655", memory="512", max_used="140", init="444.12"),
        invocation_record(
            duration_ms=210.03,
            billed_duration_ms=655,
            memory_size_mb=512,
            max_memory_used_mb=140,
            init_duration_ms=444.12,
            cold_start=True,
        ),
        id="cold-start-init-duration",
    ),
    pytest.param(
        text_report(
            RID, duration="201.50", billed="421", memory="2048", max_used="190", restore="398.20", billed_restore="219"
        ),
        invocation_record(
            duration_ms=201.5,
            billed_duration_ms=421,
            memory_size_mb=2048,
            max_memory_used_mb=190,
            restore_duration_ms=398.2,
            billed_restore_duration_ms=219,
            init_duration_ms=None,
            cold_start=True,
        ),
        id="snapstart-restore",
    ),
    pytest.param(
        text_report(RID, duration="6000.00", billed="6000", memory="128", max_used="60", status="timeout"),
        invocation_record(
            duration_ms=6000.0, billed_duration_ms=6000, memory_size_mb=128, max_memory_used_mb=60, status="timeout"
        ),
        id="status-timeout",
    ),
    pytest.param(
        # The notes' shape: no trailing tab after the Status field.
        f"REPORT RequestId: {RID}\tDuration: 6000.00 ms\tBilled Duration: 6000 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 60 MB\tStatus: timeout",
        invocation_record(
            duration_ms=6000.0, billed_duration_ms=6000, memory_size_mb=128, max_memory_used_mb=60, status="timeout"
        ),
        id="status-timeout-literal",
    ),
    pytest.param(
        text_report(
            RID,
            duration="930.10",
            billed="931",
            memory="1024",
            max_used="1024",
            status="error",
            error_type="Runtime.OutOfMemory",
        ),
        invocation_record(
            duration_ms=930.1,
            billed_duration_ms=931,
            memory_size_mb=1024,
            max_memory_used_mb=1024,
            status="error",
            error_type="Runtime.OutOfMemory",
        ),
        id="status-error-out-of-memory",
    ),
    pytest.param(
        text_report(RID, status="error", error_type="Runtime.ExitError"),
        invocation_record(status="error", error_type="Runtime.ExitError"),
        id="status-error-exit-error",
    ),
    pytest.param(
        text_report(RID, status="error"),
        invocation_record(status="error"),
        id="status-error-without-error-type",
    ),
    pytest.param(
        text_report(RID, init="301.77", status="error", error_type="Runtime.ImportModuleError", xray=XRAY_TRACE_ID),
        invocation_record(
            init_duration_ms=301.77,
            cold_start=True,
            status="error",
            error_type="Runtime.ImportModuleError",
            xray_trace_id=XRAY_TRACE_ID,
        ),
        id="every-optional-part",
    ),
    pytest.param(
        "REPORT RequestId: 3f1d4c2a-0b6e-4f7a-9d8c-2e1f0a9b8c7d Duration: 718.65 ms Billed Duration: 800 ms "
        "Memory Size: 128 MB Max Memory Used: 35 MB ",
        invocation_record(
            request_id="3f1d4c2a-0b6e-4f7a-9d8c-2e1f0a9b8c7d",
            duration_ms=718.65,
            billed_duration_ms=800,
            memory_size_mb=128,
            max_memory_used_mb=35,
        ),
        id="100ms-billing-era",
    ),
    pytest.param(
        text_report(RID, duration="5", billed="5"),
        invocation_record(duration_ms=5.0, billed_duration_ms=5),
        id="whole-number-duration-is-a-float",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tMemory Size: 256 MB\tDuration: 12.47 ms\tStatus: error\t"
        "Max Memory Used: 71 MB\tBilled Duration: 13 ms\tError Type: Runtime.ExitError\t",
        invocation_record(status="error", error_type="Runtime.ExitError"),
        id="fields-in-unusual-order",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tInit Duration: 444.12 ms\tDuration: 210.03 ms\tBilled Duration: 655 ms\t",
        invocation_record(
            duration_ms=210.03,
            billed_duration_ms=655,
            memory_size_mb=None,
            max_memory_used_mb=None,
            init_duration_ms=444.12,
            cold_start=True,
        ),
        id="unusual-order-init-first-memory-absent",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\t"
        "Max Memory Used: 71 MB\tMax Disk Used: 12 MB\t",
        invocation_record(),
        id="unknown-extra-field-ignored",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tGPU Time: 3 ms\tDuration: 12.47 ms\tBilled Duration: 13 ms\t"
        "Memory Size: 256 MB\tMax Memory Used: 71 MB\t",
        invocation_record(),
        id="unknown-field-in-the-middle-ignored",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\t",
        invocation_record(billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None),
        id="only-duration-other-metrics-none-not-zero",
    ),
    pytest.param(
        f"REPORT  RequestId: {RID}  Duration: 12.47 ms  Status: Timeout  ",
        invocation_record(billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None, status="timeout"),
        id="status-read-case-insensitively",
    ),
]


@pytest.mark.parametrize(("line", "expected"), TEXT_CASES)
def test_text_report_is_read_into_the_exact_record(line: str, expected) -> None:
    assert_same(parse(line), expected)


def test_function_version_and_timestamp_come_from_the_arguments_not_the_line() -> None:
    record = parse_report(text_report(RID), "orders-api", "7", 1_700_000_000_123)
    assert_same(
        record, invocation_record(function="orders-api", version="7", timestamp=1_700_000_000_123, request_id=RID)
    )


def test_unknown_version_is_kept_as_none() -> None:
    record = parse_report(text_report(RID), FUNCTION, None, T0)
    assert_same(record, invocation_record(version=None))


def test_billed_duration_is_not_mistaken_for_duration() -> None:
    # "Duration:" occurs inside "Billed Duration:", "Init Duration:" and the restore fields.
    line = f"REPORT RequestId: {RID}\tBilled Duration: 13 ms\tDuration: 12.47 ms\t"
    assert_same(parse(line), invocation_record(memory_size_mb=None, max_memory_used_mb=None))


# --- JSON reports --------------------------------------------------------------------------

JSON_CASES = [
    pytest.param(
        json_report(
            RID,
            {
                "durationMs": 210.03,
                "billedDurationMs": 655,
                "memorySizeMB": 512,
                "maxMemoryUsedMB": 140,
                "initDurationMs": 444.12,
            },
        ),
        invocation_record(
            duration_ms=210.03,
            billed_duration_ms=655,
            memory_size_mb=512,
            max_memory_used_mb=140,
            init_duration_ms=444.12,
            cold_start=True,
        ),
        id="full-metrics-cold-start",
    ),
    pytest.param(
        json_report(
            RID,
            {
                "durationMs": 201.5,
                "billedDurationMs": 421,
                "memorySizeMB": 2048,
                "maxMemoryUsedMB": 190,
                "restoreDurationMs": 398.2,
                "billedRestoreDurationMs": 219,
            },
        ),
        invocation_record(
            duration_ms=201.5,
            billed_duration_ms=421,
            memory_size_mb=2048,
            max_memory_used_mb=190,
            restore_duration_ms=398.2,
            billed_restore_duration_ms=219,
            cold_start=True,
        ),
        id="snapstart-restore",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS),
        invocation_record(),
        id="warm-success",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12.47, "memorySizeMB": 256}),
        invocation_record(billed_duration_ms=None, max_memory_used_mb=None),
        id="subset-of-metrics",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12.47}, spans=[{"name": "responseLatency", "durationMs": 3.1}]),
        invocation_record(billed_duration_ms=None, memory_size_mb=None, max_memory_used_mb=None),
        id="managed-instances-only-duration",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12, "billedDurationMs": 13.0, "memorySizeMB": 256, "maxMemoryUsedMB": 71}),
        invocation_record(duration_ms=12.0),
        id="integer-duration-and-whole-float-billed",
    ),
    pytest.param(
        json_report(RID, {**FULL_JSON_METRICS, "initDurationMs": None}),
        invocation_record(),
        id="null-metric-reads-as-absent",
    ),
    pytest.param(
        json_report(RID, {**FULL_JSON_METRICS, "cpuTimeMs": 3}),
        invocation_record(),
        id="unknown-metric-ignored",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, status="failure", error_type="Runtime.ExitError"),
        invocation_record(status="failure", error_type="Runtime.ExitError"),
        id="status-failure",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, status="error", error_type="Runtime.OutOfMemory"),
        invocation_record(status="error", error_type="Runtime.OutOfMemory"),
        id="status-error",
    ),
    pytest.param(
        json_report(
            RID,
            {"durationMs": 3000.0, "billedDurationMs": 3000, "memorySizeMB": 128, "maxMemoryUsedMB": 60},
            status="timeout",
            error_type="Sandbox.Timedout",
        ),
        invocation_record(
            duration_ms=3000.0,
            billed_duration_ms=3000,
            memory_size_mb=128,
            max_memory_used_mb=60,
            status="timeout",
            error_type="Sandbox.Timedout",
        ),
        id="status-timeout",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, status="Success"),
        invocation_record(status="success"),
        id="status-read-case-insensitively",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, tracing_root=XRAY_TRACE_ID),
        invocation_record(xray_trace_id=XRAY_TRACE_ID),
        id="tracing-root",
    ),
    pytest.param(
        json_platform_event(
            "platform.report",
            {
                "requestId": RID,
                "metrics": FULL_JSON_METRICS,
                "tracing": {"type": "X-Amzn-Trace-Id", "value": f"Parent=53995c3f42cd8ad8;Root={XRAY_TRACE_ID}"},
                "status": "success",
            },
        ),
        invocation_record(xray_trace_id=XRAY_TRACE_ID),
        id="tracing-root-not-first",
    ),
    pytest.param(
        json_platform_event(
            "platform.report",
            {
                "requestId": RID,
                "metrics": FULL_JSON_METRICS,
                "tracing": {"type": "X-Amzn-Trace-Id", "value": "Parent=53995c3f42cd8ad8;Sampled=0"},
                "status": "success",
            },
        ),
        invocation_record(xray_trace_id=None),
        id="tracing-without-root",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, status="success", error_type=""),
        invocation_record(),
        id="empty-error-type-is-none",
    ),
]


@pytest.mark.parametrize(("line", "expected"), JSON_CASES)
def test_json_platform_report_is_read_into_the_exact_record(line: str, expected) -> None:
    assert_same(parse(line), expected)


def test_tracing_value_builder_has_the_header_shape() -> None:
    # Guards the builder the JSON cases rely on.
    assert tracing_value(XRAY_TRACE_ID) == f"Root={XRAY_TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1"


# --- Lines that are not reports ----------------------------------------------------------------

NOT_REPORTS = [
    pytest.param(start_line(RID), id="START"),
    pytest.param(end_line(RID), id="END"),
    pytest.param(
        "INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: "
        "arn:aws:lambda:us-east-1::runtime:7b620fc2e66107a1046b140b9d320295811af3ad5d4c6a011fad1fa65127e9e6",
        id="INIT_START",
    ),
    pytest.param("INIT_REPORT Init Duration: 1000.12 ms Phase: init Status: timeout", id="INIT_REPORT"),
    pytest.param(
        "INIT_REPORT Init Duration: 2.51 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError",
        id="INIT_REPORT-invoke-phase",
    ),
    pytest.param("RESTORE_START Runtime Version: java:21.v23\tRuntime Version ARN: arn:aws:lambda", id="RESTORE_START"),
    pytest.param("RESTORE_REPORT Restore Duration: 398.20 ms", id="RESTORE_REPORT"),
    pytest.param("EXTENSION\tName: my-extension\tState: Ready\tEvents: [INVOKE,SHUTDOWN]", id="EXTENSION"),
    pytest.param("TELEMETRY\tName: my-extension\tState: Subscribed\tTypes: [Platform]", id="TELEMETRY"),
    pytest.param(
        json_platform_event("platform.start", {"requestId": RID, "version": "$LATEST"}), id="json-platform.start"
    ),
    pytest.param(
        json_platform_event(
            "platform.runtimeDone",
            {"requestId": RID, "status": "success", "metrics": {"durationMs": 12.1, "producedBytes": 2}},
        ),
        id="json-platform.runtimeDone",
    ),
    pytest.param(
        json_platform_event(
            "platform.initReport",
            {"initializationType": "on-demand", "phase": "init", "status": "success", "metrics": {"durationMs": 444.1}},
        ),
        id="json-platform.initReport",
    ),
    pytest.param(
        json_platform_event("platform.restoreReport", {"status": "success", "metrics": {"durationMs": 398.2}}),
        id="json-platform.restoreReport",
    ),
    pytest.param(
        json_platform_event("platform.extension", {"name": "my-extension", "state": "Ready", "events": ["INVOKE"]}),
        id="json-platform.extension",
    ),
    pytest.param(
        '{"timestamp": "2024-05-01T12:00:00Z", "level": "INFO", "message": "platform.report", "requestId": "x"}',
        id="json-app-log-whose-message-is-platform.report",
    ),
    pytest.param(
        '{"timestamp": "2024-05-01T12:00:00Z", "level": "INFO", "message": "saw \\"platform.report\\" line"}',
        id="json-app-log-mentioning-platform.report",
    ),
    pytest.param(
        '{"level": "INFO", "record": {"requestId": "x"}, "kind": "platform.report"}',
        id="json-app-log-with-record-but-other-type",
    ),
    pytest.param("2024-01-01T00:00:00Z abc INFO REPORT RequestId: fake", id="app-line-containing-REPORT-RequestId"),
    pytest.param(app_line("REPORT RequestId: fake Duration: 1 ms"), id="app-line-tab-format-with-report"),
    pytest.param("REPORT generated for user 42", id="app-line-starting-with-REPORT"),
    pytest.param("REPORTING Duration: 12 ms", id="app-line-starting-with-REPORTING"),
    pytest.param(" REPORT RequestId: x\tDuration: 1 ms", id="leading-space-is-not-a-report"),
    pytest.param(timeout_notice(RID), id="timeout-notice"),
    pytest.param("", id="empty-line"),
]


@pytest.mark.parametrize("line", NOT_REPORTS)
def test_line_that_is_not_a_report_returns_none(line: str) -> None:
    assert parse(line) is None


# --- Malformed reports ----------------------------------------------------------------------

MALFORMED = [
    pytest.param(f"REPORT RequestId: {RID}", "no Duration field", id="text-request-id-only"),
    pytest.param(
        f"REPORT RequestId: {RID}\tBilled Duration: 13 ms\tMemory Size: 256 MB\t",
        "no Duration field",
        id="text-without-duration",
    ),
    pytest.param(text_report(RID, duration="fast"), "Duration is not a number: 'fast'", id="text-non-numeric-duration"),
    pytest.param(text_report(RID, billed="13.5"), "Billed Duration is not a whole number: '13.5'", id="text-half-ms"),
    pytest.param(text_report(RID, duration="nan"), "Duration is not a number: 'nan'", id="text-nan-duration"),
    pytest.param(text_report(RID, duration="inf"), "Duration is not a number: 'inf'", id="text-inf-duration"),
    pytest.param(text_report(RID, duration="-1.5"), "Duration is not a number: '-1.5'", id="text-negative-duration"),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\tDuration: 13.00 ms\t",
        "Duration appears twice",
        id="text-duration-twice",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\tMemory Size: 256 MB\tMemory Size: 512 MB\t",
        "Memory Size appears twice",
        id="text-memory-twice",
    ),
    pytest.param(
        f"REPORT RequestId: {RID}\tDuration: 12.47 ms\tRequestId: other\t",
        "RequestId appears twice",
        id="text-request-id-twice",
    ),
    pytest.param(text_report(RID, status="crashed"), "unknown Status: 'crashed'", id="text-unknown-status"),
    pytest.param(
        json_platform_event("platform.report", {"metrics": FULL_JSON_METRICS, "status": "success"}),
        "platform.report without a requestId",
        id="json-without-request-id",
    ),
    pytest.param(
        json_report("", FULL_JSON_METRICS),
        "platform.report without a requestId",
        id="json-empty-request-id",
    ),
    pytest.param(
        json_report(RID, {"durationMs": "fast"}),
        "durationMs is not a number: 'fast'",
        id="json-string-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12.47, "memorySizeMB": True}),
        "memorySizeMB is not a number: True",
        id="json-boolean-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12.47, "billedDurationMs": [13]}),
        "billedDurationMs is not a number: [13]",
        id="json-list-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": -1.0}),
        "durationMs is out of range: -1.0",
        id="json-negative-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": float("nan")}),  # json.dumps writes the NaN literal
        "durationMs is out of range: nan",
        id="json-nan-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": float("inf")}),
        "durationMs is out of range: inf",
        id="json-infinite-metric",
    ),
    pytest.param(
        json_report(RID, {"durationMs": 12.47, "billedDurationMs": 12.5}),
        "billedDurationMs is not a whole number: 12.5",
        id="json-fractional-billed",
    ),
    pytest.param(
        json_platform_event("platform.report", "not an object"),
        "platform.report without a record object",
        id="json-record-not-an-object",
    ),
    pytest.param(
        json_platform_event("platform.report", None),
        "platform.report without a record object",
        id="json-record-null",
    ),
    pytest.param(
        '{"time": "2024-05-01T12:00:00.000Z", "type": "platform.report"}',
        "platform.report without a record object",
        id="json-record-missing",
    ),
    pytest.param(
        json_platform_event("platform.report", {"requestId": RID, "metrics": [12.47]}),
        "platform.report metrics is not an object",
        id="json-metrics-not-an-object",
    ),
    pytest.param(
        json_report(RID, FULL_JSON_METRICS, status="crashed"),
        "unknown Status: 'crashed'",
        id="json-unknown-status",
    ),
    pytest.param(
        json_platform_event("platform.report", {"requestId": RID, "metrics": FULL_JSON_METRICS, "status": 1}),
        "status is not a string: 1",
        id="json-status-not-a-string",
    ),
    pytest.param(
        '{"time": "2024-05-01T12:00:00.000Z", "type": "platform.report", "record": {"requestId": ',
        "platform.report line is not valid JSON",
        id="json-invalid-truncated",
    ),
]


@pytest.mark.parametrize(("line", "reason"), MALFORMED)
def test_malformed_report_raises_malformed_report_saying_why(line: str, reason: str) -> None:
    with pytest.raises(MalformedReport) as raised:
        parse(line)
    assert str(raised.value) == reason


def test_malformed_report_is_a_value_error() -> None:
    # Callers that catch ValueError still catch it.
    assert issubclass(MalformedReport, ValueError)


# A text report whose RequestId has no value (other whitespace right after "RequestId:") is
# malformed, not a crash: the ingest loop only catches MalformedReport, and anything else would
# fail the whole payload.
@pytest.mark.parametrize(
    "line",
    [
        pytest.param("REPORT RequestId:\nDuration: 5 ms", id="newline-after-RequestId"),
        pytest.param("REPORT RequestId:\u00a0Duration: 5 ms", id="nbsp-after-RequestId"),
    ],
)
def test_text_report_without_request_id_value_raises_malformed_report(line: str) -> None:
    with pytest.raises(MalformedReport):
        parse(line)


# JSON allows integers of any length: one too large for a float is malformed, not an
# OverflowError that would fail the whole payload.
def test_json_metric_too_large_for_a_float_raises_malformed_report() -> None:
    line = json_report(RID, {"durationMs": 10**400})
    with pytest.raises(MalformedReport):
        parse(line)


def test_json_metric_written_as_huge_exponent_raises_malformed_report() -> None:
    line = json_report(RID, {"durationMs": 12.47}).replace("12.47", "1e400")
    with pytest.raises(MalformedReport) as raised:
        parse(line)
    assert str(raised.value) == "durationMs is out of range: inf"


# --- Old-style timeout notices ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "2024-01-01T00:00:03.000Z 3c3e9b1a-7d2f-4e8a-b6c5-0d1e2f3a4b5c Task timed out after 3.00 seconds",
            "3c3e9b1a-7d2f-4e8a-b6c5-0d1e2f3a4b5c",
            id="nodejs-and-python-shape",
        ),
        pytest.param(timeout_notice(RID, seconds="900.10"), RID, id="long-timeout"),
        pytest.param(
            "2024-01-01T00:00:03.000Z\t3c3e9b1a-7d2f-4e8a-b6c5-0d1e2f3a4b5c\tTask timed out after 3.00 seconds",
            "3c3e9b1a-7d2f-4e8a-b6c5-0d1e2f3a4b5c",
            id="tab-separated",
        ),
        pytest.param("Task timed out after 3.00 seconds", None, id="no-time-and-id"),
        pytest.param(
            "2024-01-01T00:00:03.000Z 3c3e INFO Task timed out after 3.00 seconds", None, id="app-line-with-level"
        ),
        pytest.param(text_report(RID, status="timeout"), None, id="report-line"),
        pytest.param(end_line(RID), None, id="end-line"),
        pytest.param(app_line("Task finished in 3.00 seconds"), None, id="app-line"),
        pytest.param("", None, id="empty"),
    ],
)
def test_timed_out_request_id_reads_the_id_of_a_task_timed_out_line(line: str, expected: str | None) -> None:
    assert timed_out_request_id(line) == expected
