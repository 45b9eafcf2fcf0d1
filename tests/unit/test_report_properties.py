"""Properties of parse_report over generated REPORT lines, in both log formats.

Each test generates the values, writes the line from them the way Lambda does (tests.builders),
and checks that parse_report gives back exactly what was written. Floats are compared with the
float of the very string that was written, never approximately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from durations.records import Record
from durations.report_parser import MalformedReport, parse_report
from tests.builders import (
    assert_record_equal,
    join_text_report,
    json_report,
    text_report,
    text_report_fields,
)

FUNCTION_NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
VERSIONS = st.one_of(st.none(), st.just("$LATEST"), st.integers(1, 9999).map(str))
TIMESTAMPS = st.integers(0, 9_999_999_999_999)
REQUEST_IDS = st.uuids().map(str)
HEX = "0123456789abcdef"
TRACE_IDS = st.builds(
    lambda a, b: f"1-{a}-{b}",
    st.text(HEX, min_size=8, max_size=8),
    st.text(HEX, min_size=24, max_size=24),
)
ERROR_TYPES = st.one_of(
    st.sampled_from(["Runtime.ExitError", "Runtime.OutOfMemory", "Runtime.ImportModuleError", "Runtime.Unknown"]),
    st.from_regex(r"[A-Z][A-Za-z]{0,15}\.[A-Z][A-Za-z]{0,20}", fullmatch=True),
)
# Tabs in production; single or several spaces in copies; a stray space before a tab in older lines.
SEPARATORS = st.one_of(st.just("\t"), st.just(" \t"), st.integers(1, 4).map(lambda n: " " * n))


@st.composite
def decimal_texts(draw: st.DrawFn, max_whole: int = 900_000) -> str:
    """A duration as Lambda prints it: a whole number or 1 to 3 decimals (``718.65``, ``6000.00``, ``5``)."""
    whole = draw(st.integers(0, max_whole))
    decimals = draw(st.integers(0, 3))
    if decimals == 0:
        return str(whole)
    fraction = draw(st.integers(0, 10**decimals - 1))
    return f"{whole}.{fraction:0{decimals}d}"


INT_TEXTS = st.integers(0, 1_000_000).map(str)


@dataclass(frozen=True)
class TextReport:
    """The values of one generated text REPORT line (None = the field is left out)."""

    request_id: str
    duration: str
    billed: str | None
    memory: str | None
    max_used: str | None
    init: str | None
    restore: str | None
    billed_restore: str | None
    status: str | None
    error_type: str | None
    xray: str | None

    def fields(self) -> list[str]:
        return text_report_fields(
            duration=self.duration,
            billed=self.billed,
            memory=self.memory,
            max_used=self.max_used,
            init=self.init,
            restore=self.restore,
            billed_restore=self.billed_restore,
            status=self.status,
            error_type=self.error_type,
        )

    def expected(self, function: str, version: str | None, timestamp: int) -> Record:
        def as_float(text: str | None) -> float | None:
            return None if text is None else float(text)

        def as_int(text: str | None) -> int | None:
            return None if text is None else int(text)

        return Record(
            function=function,
            version=version,
            request_id=self.request_id,
            timestamp=timestamp,
            duration_ms=float(self.duration),
            billed_duration_ms=as_int(self.billed),
            memory_size_mb=as_int(self.memory),
            max_memory_used_mb=as_int(self.max_used),
            init_duration_ms=as_float(self.init),
            restore_duration_ms=as_float(self.restore),
            billed_restore_duration_ms=as_int(self.billed_restore),
            status=self.status or "success",
            error_type=self.error_type,
            cold_start=self.init is not None or self.restore is not None,
            xray_trace_id=self.xray,
        )


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def text_reports(draw: st.DrawFn, *, lambda_shaped: bool = False) -> TextReport:
    """Values of a text REPORT: RequestId and Duration always, every other field maybe.

    ``lambda_shaped``: the four fields Lambda always prints are present and the restore fields come
    as a pair, as in production lines (the parser's fast path)."""
    status = draw(st.sampled_from([None, "timeout", "error"]))
    usually = (lambda strategy: strategy) if lambda_shaped else optional
    restore = draw(optional(decimal_texts(max_whole=30_000)))
    # Lambda prints Billed Restore Duration exactly when it prints Restore Duration.
    billed_restore = (
        draw(INT_TEXTS if restore is not None else st.none()) if lambda_shaped else draw(optional(INT_TEXTS))
    )
    return TextReport(
        request_id=draw(REQUEST_IDS),
        duration=draw(decimal_texts()),
        billed=draw(usually(INT_TEXTS)),
        memory=draw(usually(INT_TEXTS)),
        max_used=draw(usually(INT_TEXTS)),
        init=draw(optional(decimal_texts(max_whole=30_000))),
        restore=restore,
        billed_restore=billed_restore,
        status=status,
        error_type=draw(optional(ERROR_TYPES)) if status is not None else None,
        xray=draw(optional(TRACE_IDS)),
    )


@given(
    report=text_reports(),
    sep=SEPARATORS,
    trailing=st.booleans(),
    function=FUNCTION_NAMES,
    version=VERSIONS,
    timestamp=TIMESTAMPS,
)
def test_text_report_in_lambdas_order_parses_back_to_what_was_written(
    *, report: TextReport, sep: str, trailing: bool, function: str, version: str | None, timestamp: int
) -> None:
    line = join_text_report(report.request_id, report.fields(), sep=sep, trailing=trailing, xray=report.xray)
    assert_record_equal(parse_report(line, function, version, timestamp), report.expected(function, version, timestamp))


@given(report=text_reports(lambda_shaped=True), sep=SEPARATORS, trailing=st.booleans())
def test_text_report_as_lambda_prints_it_parses_back_to_what_was_written(
    report: TextReport, sep: str, trailing: bool
) -> None:
    line = join_text_report(report.request_id, report.fields(), sep=sep, trailing=trailing, xray=report.xray)
    assert_record_equal(parse_report(line, "fn", "$LATEST", 7), report.expected("fn", "$LATEST", 7))


@given(report=text_reports(), sep=SEPARATORS, data=st.data())
def test_text_report_with_fields_in_any_order_parses_back_to_what_was_written(
    report: TextReport, sep: str, data: st.DataObject
) -> None:
    fields = data.draw(st.permutations(report.fields()), label="fields in drawn order")
    line = join_text_report(report.request_id, fields, sep=sep, xray=report.xray)
    assert_record_equal(parse_report(line, "fn", "1", 1), report.expected("fn", "1", 1))


@given(
    duration=decimal_texts(),
    billed=INT_TEXTS,
    memory=INT_TEXTS,
    max_used=INT_TEXTS,
    init=decimal_texts(max_whole=30_000),
)
def test_text_report_builder_keeps_lambdas_field_order(
    duration: str, billed: str, memory: str, max_used: str, init: str
) -> None:
    # Guards the builder the properties above rely on.
    line = text_report("r", duration=duration, billed=billed, memory=memory, max_used=max_used, init=init)
    assert line == (
        f"REPORT RequestId: r\tDuration: {duration} ms\tBilled Duration: {billed} ms\tMemory Size: {memory} MB\t"
        f"Max Memory Used: {max_used} MB\tInit Duration: {init} ms\t"
    )


# --- JSON ---------------------------------------------------------------------------------

JSON_FLOAT_METRICS = {
    "durationMs": "duration_ms",
    "initDurationMs": "init_duration_ms",
    "restoreDurationMs": "restore_duration_ms",
}
JSON_INT_METRICS = {
    "billedDurationMs": "billed_duration_ms",
    "memorySizeMB": "memory_size_mb",
    "maxMemoryUsedMB": "max_memory_used_mb",
    "billedRestoreDurationMs": "billed_restore_duration_ms",
}
# A float metric is written as the float of a printed decimal, or as a JSON integer.
JSON_FLOAT_VALUES = st.one_of(decimal_texts().map(float), st.integers(0, 10_000_000))
# An integer metric is a JSON integer, occasionally written as a whole float (13.0).
JSON_INT_VALUES = st.one_of(st.integers(0, 1_000_000), st.integers(0, 1_000_000).map(float))
JSON_METRICS = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(JSON_FLOAT_METRICS, JSON_FLOAT_VALUES),
        **dict.fromkeys(JSON_INT_METRICS, JSON_INT_VALUES),
    },
)


@st.composite
def json_statuses(draw: st.DrawFn) -> tuple[str, str | None]:
    status = draw(st.sampled_from(["success", "failure", "error", "timeout"]))
    error_type = None if status == "success" else draw(optional(ERROR_TYPES))
    return status, error_type


@given(
    request_id=REQUEST_IDS,
    metrics=JSON_METRICS,
    status=json_statuses(),
    tracing_root=optional(TRACE_IDS),
    function=FUNCTION_NAMES,
    version=VERSIONS,
    timestamp=TIMESTAMPS,
)
@example(
    request_id="0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f",
    metrics={"durationMs": 12.47},  # Lambda Managed Instances: durationMs alone
    status=("success", None),
    tracing_root=None,
    function="my-fn",
    version="$LATEST",
    timestamp=0,
)
def test_json_report_with_any_subset_of_metrics_parses_back_to_what_was_written(
    *,
    request_id: str,
    metrics: dict[str, Any],
    status: tuple[str, str | None],
    tracing_root: str | None,
    function: str,
    version: str | None,
    timestamp: int,
) -> None:
    status_value, error_type = status
    line = json_report(request_id, metrics, status=status_value, error_type=error_type, tracing_root=tracing_root)
    values: dict[str, Any] = dict.fromkeys((*JSON_FLOAT_METRICS.values(), *JSON_INT_METRICS.values()))
    for name, value in metrics.items():
        if name in JSON_FLOAT_METRICS:
            values[JSON_FLOAT_METRICS[name]] = float(value)
        else:
            values[JSON_INT_METRICS[name]] = int(value)
    expected = Record(
        function=function,
        version=version,
        request_id=request_id,
        timestamp=timestamp,
        **values,
        status=status_value,
        error_type=error_type,
        cold_start="initDurationMs" in metrics or "restoreDurationMs" in metrics,
        xray_trace_id=tracing_root,
    )
    assert_record_equal(parse_report(line, function, version, timestamp), expected)


# --- Lines that are not reports, and arbitrary text ---------------------------------------------

A_VALID_TEXT_REPORT = text_report("0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f")
A_VALID_JSON_REPORT = json_report("0f6b3c1e-8d2a-4f5b-9c7d-1a2b3c4d5e6f", {"durationMs": 12.47})


@given(
    line=st.one_of(
        st.text(),
        # An application line with a whole report inside it.
        st.builds(lambda prefix, report: prefix + report, st.text(min_size=1), st.just(A_VALID_TEXT_REPORT)),
        st.builds(lambda prefix, report: prefix + report, st.text(min_size=1), st.just(A_VALID_JSON_REPORT)),
    ).filter(lambda line: not line.startswith(("REPORT", "{")))
)
@example(line=" " + A_VALID_TEXT_REPORT)
@example(line="2024-01-01T00:00:00Z abc INFO " + A_VALID_TEXT_REPORT)
@example(line="INIT_REPORT Init Duration: 1000.12 ms Phase: init Status: timeout")
def test_line_not_starting_with_report_or_brace_is_never_a_report(line: str) -> None:
    assert parse_report(line, "fn", "1", 0) is None


# Pieces of real reports, so that generated text often looks like a report and reaches deep paths.
REPORT_FRAGMENTS = st.sampled_from(
    [
        "Duration:",
        "Billed Duration:",
        "Init Duration:",
        "Restore Duration:",
        "Billed Restore Duration:",
        "Memory Size:",
        "Max Memory Used:",
        "Status:",
        "Error Type:",
        "RequestId:",
        "XRAY TraceId:",
        " ms",
        " MB",
        "12.47",
        "13",
        "-1",
        "1e400",
        "nan",
        "timeout",
        "error",
        "\t",
        " ",
        "\n",
        "\u00a0",
    ]
)


@given(rest=st.lists(st.one_of(REPORT_FRAGMENTS, st.text(max_size=8)), max_size=20).map("".join))
# Pinned: a line with no RequestId value but with a Duration once raised KeyError.
@example(rest="\nDuration: 5 ms")
def test_text_starting_with_report_request_id_raises_only_malformed_report(rest: str) -> None:
    line = "REPORT RequestId:" + rest
    try:
        result = parse_report(line, "fn", "1", 0)
    except MalformedReport:
        return
    assert isinstance(result, Record)
    assert result.status in {"success", "timeout", "error", "failure"}


JSON_ANY = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children)),
    max_leaves=10,
)


@given(
    metrics=st.one_of(
        st.dictionaries(
            st.sampled_from([*JSON_FLOAT_METRICS, *JSON_INT_METRICS, "other"]), JSON_ANY, max_size=len(JSON_INT_METRICS)
        ),
        JSON_ANY,
    ),
    request_id=st.one_of(REQUEST_IDS, JSON_ANY),
    status=JSON_ANY,
    error_type=JSON_ANY,
)
# Pinned: an integer metric too large for a float once raised OverflowError.
@example(metrics={"durationMs": 10**400}, request_id="r", status="success", error_type=None)
def test_json_platform_report_with_any_values_raises_only_malformed_report(
    metrics: Any, request_id: Any, status: Any, error_type: Any
) -> None:
    line = json_report(request_id, metrics, status=status, error_type=error_type)
    try:
        result = parse_report(line, "fn", "1", 0)
    except MalformedReport:
        return
    assert isinstance(result, Record)
    assert result.request_id == request_id
