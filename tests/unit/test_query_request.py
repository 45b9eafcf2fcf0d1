"""Reading a query request (query_request.py): times, defaults, page tokens, and every rejection.

A request is ``{function, start, end, version, percentiles, interval, records, limit,
next_token}`` (an overview: ``{start, end}`` only). Every invalid request is answered with
``{"error": {"type": "ValidationError", "message": ..., "field": ...}}``: the field named and
what it accepts said, never a stack trace, and nothing read from the table.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from durations.query import handle
from durations.query_request import (
    DEFAULT_LIMIT,
    DEFAULT_PERCENTILES,
    FunctionQuery,
    OverviewQuery,
    PageToken,
    TimeValue,
    ValidationError,
    iso,
    parse_request,
    parse_time,
    percentile_key,
)
from durations.summary import Prices

# 2024-05-01T12:00:00Z: the clock of every request here.
NOW = 1_714_564_800_000
MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
PRICES = Prices(per_gb_second={"x86_64": 0.0000166667, "arm64": 0.0000133334}, per_request=0.0000002)

TIMES_ACCEPTED = "ISO-8601 with Z or an offset, epoch milliseconds, or relative like -15m, -6h, -7d"
FUNCTION_FIELDS_LIST = "end, function, interval, limit, next_token, percentiles, records, start, summary, version"
PERCENTILES_ACCEPTED = "percentiles must be a list of numbers greater than 0 and at most 100, such as [50, 99, 99.9]"
MALFORMED_MESSAGE = "next_token is malformed: pass the value a previous page returned"


class UntouchableReader:
    """A reader for requests that must be rejected before anything is read."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"an invalid request must not read the table (it called {name})")


def token(
    function: str = "my-fn", version: str | None = None, start_ms: int = NOW - HOUR, end_ms: int = NOW, after: str = ""
) -> str:
    return PageToken(function, version, start_ms, end_ms, after or f"{start_ms + 1:013d}#r-1").encode()


def raw_token(body: Any) -> str:
    """A token holding any JSON body, encoded as the real ones are (URL-safe base64, no padding)."""
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")


# --- Times --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-05-01T12:00:00Z", TimeValue(NOW, relative=False), id="iso-z"),
        pytest.param("2024-05-01T12:00:00.123Z", TimeValue(NOW + 123, relative=False), id="iso-z-milliseconds"),
        pytest.param("2024-05-01T14:00:00+02:00", TimeValue(NOW, relative=False), id="iso-offset-to-utc"),
        pytest.param("2024-05-01T07:30:00-04:30", TimeValue(NOW, relative=False), id="iso-negative-offset"),
        pytest.param("2024-05-01T12:00:00+00:00", TimeValue(NOW, relative=False), id="iso-zero-offset"),
        pytest.param(NOW - 5, TimeValue(NOW - 5, relative=False), id="epoch-ms-int"),
        pytest.param(float(NOW), TimeValue(NOW, relative=False), id="epoch-ms-whole-float"),
        pytest.param(0, TimeValue(0, relative=False), id="epoch-zero"),
        pytest.param("now", TimeValue(NOW, relative=True), id="now"),
        pytest.param("-30s", TimeValue(NOW - 30_000, relative=True), id="relative-seconds"),
        pytest.param("-15m", TimeValue(NOW - 15 * MINUTE, relative=True), id="relative-minutes"),
        pytest.param("-6h", TimeValue(NOW - 6 * HOUR, relative=True), id="relative-hours"),
        pytest.param("-7d", TimeValue(NOW - 7 * DAY, relative=True), id="relative-days"),
        pytest.param("-2w", TimeValue(NOW - 14 * DAY, relative=True), id="relative-weeks"),
    ],
)
def test_parse_time_reads_iso_epoch_milliseconds_and_relative_times(value, expected):
    assert parse_time("start", value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("2024-05-01T12:00:00", "must say its time zone (Z or an offset such as +02:00)", id="naive-iso"),
        pytest.param("yesterday", TIMES_ACCEPTED, id="words"),
        pytest.param("15m", TIMES_ACCEPTED, id="relative-without-minus"),
        pytest.param("-15x", TIMES_ACCEPTED, id="relative-unknown-unit"),
        pytest.param("2024-13-01T00:00:00Z", TIMES_ACCEPTED, id="month-13"),
        pytest.param("", TIMES_ACCEPTED, id="empty"),
        pytest.param(True, TIMES_ACCEPTED, id="boolean"),
        pytest.param([NOW], TIMES_ACCEPTED, id="list"),
        pytest.param(NOW + 0.5, "in epoch milliseconds must be a whole number", id="fractional-ms"),
        pytest.param(float("nan"), "in epoch milliseconds must be a whole number", id="nan"),
        pytest.param(-1, "in epoch milliseconds is out of range", id="negative-ms"),
        pytest.param(10**13, "in epoch milliseconds is out of range", id="beyond-13-digits"),
        pytest.param("1969-12-31T23:59:59Z", "is out of range", id="iso-before-1970"),
    ],
)
def test_parse_time_rejects_what_is_not_a_time_and_says_what_is_accepted(value, message):
    with pytest.raises(ValidationError) as raised:
        parse_time("end", value, NOW)

    assert raised.value.field == "end"
    assert raised.value.message.startswith("end ")
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1, "1970-01-01T00:00:00.001Z"),
        (45, "1970-01-01T00:00:00.045Z"),
        (999, "1970-01-01T00:00:00.999Z"),
        (NOW, "2024-05-01T12:00:00.000Z"),
        (NOW + 7, "2024-05-01T12:00:00.007Z"),
        (NOW - 1, "2024-05-01T11:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (10**13 - 1, "2286-11-20T17:46:39.999Z"),
    ],
)
def test_iso_is_utc_with_three_millisecond_digits_and_z(ms, text):
    assert iso(ms) == text


@given(st.integers(0, 10**13 - 1))
def test_iso_reads_back_to_the_same_millisecond(ms):
    text = iso(ms)

    assert parse_time("start", text, NOW) == TimeValue(ms, relative=False)
    assert text == datetime.fromtimestamp(ms // 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


@pytest.mark.parametrize(
    ("p", "key"),
    [(50, "p50"), (50.0, "p50"), (99, "p99"), (99.9, "p99.9"), (99.99, "p99.99"), (0.1, "p0.1"), (100, "p100")],
)
def test_percentile_key_is_p_and_the_percentile_as_written(p, key):
    assert percentile_key(p) == key


# --- A valid request --------------------------------------------------------------------------


def test_a_function_request_with_only_function_and_start_takes_every_default():
    assert parse_request({"function": "my-fn", "start": "-1h"}, NOW) == FunctionQuery(
        function="my-fn",
        start_ms=NOW - HOUR,
        end_ms=NOW,  # end defaults to now
        version=None,
        percentiles=(50.0, 90.0, 95.0, 99.0),
        interval_ms=None,
        records=False,
        limit=100,
        after_sort_key=None,
        summary=True,  # summary on unless asked off
        interval=None,
    )
    assert (DEFAULT_PERCENTILES, DEFAULT_LIMIT) == ((50.0, 90.0, 95.0, 99.0), 100)


def test_a_function_request_reads_every_field():
    request = {
        "function": "my-fn",
        "start": "2024-05-01T10:00:00Z",
        "end": NOW,
        "version": "12",
        "percentiles": [99.9, 50, 99.9, 75],
        "interval": "5m",
        "records": True,
        "limit": 1000,
    }

    assert parse_request(request, NOW) == FunctionQuery(
        function="my-fn",
        start_ms=NOW - 2 * HOUR,
        end_ms=NOW,
        version="12",
        percentiles=(99.9, 50.0, 75.0),  # in the order asked, each once
        interval_ms=5 * MINUTE,
        records=True,
        limit=1000,
        after_sort_key=None,
        summary=True,
        interval="5m",  # echoed in the response
    )


@pytest.mark.parametrize(
    ("interval", "ms"),
    [("30s", 30_000), ("1m", MINUTE), ("5m", 5 * MINUTE), ("1h", HOUR), ("6h", 6 * HOUR), ("1d", DAY), ("1w", 7 * DAY)],
)
def test_an_interval_is_a_count_and_a_unit(interval, ms):
    query = parse_request({"function": "my-fn", "start": "-1d", "interval": interval}, NOW)

    assert query.interval_ms == ms


def test_a_request_without_function_is_an_overview_of_the_window():
    assert parse_request({"start": "-6h"}, NOW) == OverviewQuery(NOW - 6 * HOUR, NOW)
    assert parse_request({"start": "2024-05-01T00:00:00Z", "end": "-1h"}, NOW) == OverviewQuery(
        NOW - 12 * HOUR, NOW - HOUR
    )


def test_a_page_token_continues_the_same_query_after_its_sort_key():
    first = token(function="my-fn", version="3", start_ms=NOW - HOUR, end_ms=NOW, after=f"{NOW - 5:013d}#r-9")

    query = parse_request(
        {"function": "my-fn", "version": "3", "start": NOW - HOUR, "end": NOW, "records": True, "next_token": first},
        NOW,
    )

    assert (query.start_ms, query.end_ms, query.after_sort_key) == (NOW - HOUR, NOW, f"{NOW - 5:013d}#r-9")


def test_with_a_relative_window_the_page_token_window_holds_as_now_moves():
    # The first page was asked at NOW for "-2h"; the next one is asked 10 minutes later.
    first = token(start_ms=NOW - 2 * HOUR, end_ms=NOW)

    query = parse_request({"function": "my-fn", "start": "-2h", "next_token": first}, NOW + 10 * MINUTE)

    assert (query.start_ms, query.end_ms) == (NOW - 2 * HOUR, NOW)


def test_page_token_round_trips():
    page = PageToken("my-fn", "$LATEST", NOW - HOUR, NOW, f"{NOW - 1:013d}#0f6b3c1e-8d2a")

    assert PageToken.decode(page.encode()) == page
    assert "=" not in page.encode()


# --- Every rejection, through handle: the field named, what is accepted said ---------------------

BASE = {"function": "my-fn", "start": "-1h"}

REJECTED = [
    # Fields
    pytest.param(
        {**BASE, "percentile": [99]},
        "percentile",
        f"unknown field(s) percentile: accepted fields are {FUNCTION_FIELDS_LIST}",
        id="unknown-field",
    ),
    pytest.param(
        {"start": "-1h", "records": True, "limit": 5},
        "limit",
        "unknown field(s) limit, records for an overview (a request without function): "
        "accepted fields are end, start, plus function for one function's query",
        id="function-field-in-overview",
    ),
    pytest.param(
        {"function": 5, "start": "-1h"},
        "function",
        "function must be a non-empty string: the function's name",
        id="function-number",
    ),
    pytest.param(
        {"function": "", "start": "-1h"},
        "function",
        "function must be a non-empty string: the function's name",
        id="function-empty",
    ),
    pytest.param(
        {**BASE, "version": 12}, "version", "version must be a string such as $LATEST or 12", id="version-number"
    ),
    # The window
    pytest.param(
        {"function": "my-fn"},
        "start",
        "start is required: ISO-8601, epoch milliseconds, or relative like -1h",
        id="start-missing",
    ),
    pytest.param({}, "start", "start is required: ISO-8601, epoch milliseconds, or relative like -1h", id="empty"),
    pytest.param(
        {**BASE, "start": "2024-05-01T10:00:00"},
        "start",
        "start must say its time zone (Z or an offset such as +02:00); got '2024-05-01T10:00:00'",
        id="start-naive-iso",
    ),
    pytest.param(
        {**BASE, "start": "last tuesday"},
        "start",
        f"start must be {TIMES_ACCEPTED}; got 'last tuesday'",
        id="start-unparseable",
    ),
    pytest.param(
        {**BASE, "end": "tomorrow"}, "end", f"end must be {TIMES_ACCEPTED}; got 'tomorrow'", id="end-unparseable"
    ),
    pytest.param(
        {**BASE, "start": NOW, "end": NOW},
        "start",
        "start (2024-05-01T12:00:00.000Z) must be before end (2024-05-01T12:00:00.000Z)",
        id="start-equal-to-end",
    ),
    pytest.param(
        {**BASE, "start": "2024-05-01T13:00:00Z"},
        "start",
        "start (2024-05-01T13:00:00.000Z) must be before end (2024-05-01T12:00:00.000Z)",
        id="start-after-default-end",
    ),
    pytest.param(
        {"start": "-1h", "end": "-2h"},
        "start",
        "start (2024-05-01T11:00:00.000Z) must be before end (2024-05-01T10:00:00.000Z)",
        id="overview-start-after-end",
    ),
    # records and limit
    pytest.param({**BASE, "records": "yes"}, "records", "records must be true or false; got 'yes'", id="records-yes"),
    pytest.param({**BASE, "records": 1}, "records", "records must be true or false; got 1", id="records-one"),
    pytest.param({**BASE, "summary": "no"}, "summary", "summary must be true or false; got 'no'", id="summary-no"),
    pytest.param(
        {**BASE, "summary": False, "interval": "5m"},
        "interval",
        "interval needs the summary: leave summary out or set it to true",
        id="interval-without-summary",
    ),
    pytest.param({**BASE, "limit": 0}, "limit", "limit must be a whole number from 1 to 1000; got 0", id="limit-0"),
    pytest.param(
        {**BASE, "limit": 1001}, "limit", "limit must be a whole number from 1 to 1000; got 1001", id="limit-1001"
    ),
    pytest.param(
        {**BASE, "limit": "10"}, "limit", "limit must be a whole number from 1 to 1000; got '10'", id="limit-string"
    ),
    pytest.param(
        {**BASE, "limit": True}, "limit", "limit must be a whole number from 1 to 1000; got True", id="limit-true"
    ),
    pytest.param(
        {**BASE, "limit": 10.0}, "limit", "limit must be a whole number from 1 to 1000; got 10.0", id="limit-float"
    ),
    # percentiles
    pytest.param({**BASE, "percentiles": [50, 0]}, "percentiles", f"{PERCENTILES_ACCEPTED}; got 0", id="p-0"),
    pytest.param({**BASE, "percentiles": [101]}, "percentiles", f"{PERCENTILES_ACCEPTED}; got 101", id="p-101"),
    pytest.param({**BASE, "percentiles": [-1]}, "percentiles", f"{PERCENTILES_ACCEPTED}; got -1", id="p-negative"),
    pytest.param({**BASE, "percentiles": ["50"]}, "percentiles", f"{PERCENTILES_ACCEPTED}; got '50'", id="p-string"),
    pytest.param({**BASE, "percentiles": [True]}, "percentiles", f"{PERCENTILES_ACCEPTED}; got True", id="p-true"),
    pytest.param({**BASE, "percentiles": []}, "percentiles", PERCENTILES_ACCEPTED, id="p-empty-list"),
    pytest.param({**BASE, "percentiles": 99}, "percentiles", PERCENTILES_ACCEPTED, id="p-not-a-list"),
    # interval
    pytest.param(
        {**BASE, "interval": "5 minutes"},
        "interval",
        "interval must be a duration such as 1m, 5m, 1h or 1d; got '5 minutes'",
        id="interval-words",
    ),
    pytest.param(
        {**BASE, "interval": "0m"},
        "interval",
        "interval must be a duration such as 1m, 5m, 1h or 1d; got '0m'",
        id="interval-zero",
    ),
    pytest.param(
        {**BASE, "interval": 60},
        "interval",
        "interval must be a duration such as 1m, 5m, 1h or 1d; got 60",
        id="interval-number",
    ),
    pytest.param(
        {**BASE, "start": "-7d", "interval": "1m"},
        "interval",
        "interval 1m gives 10,080 points over this window; at most 10,000",
        id="interval-too-many-points",
    ),
    # next_token
    pytest.param({**BASE, "next_token": "not a token"}, "next_token", MALFORMED_MESSAGE, id="token-garbage"),
    pytest.param({**BASE, "next_token": raw_token([1, 2])}, "next_token", MALFORMED_MESSAGE, id="token-json-list"),
    pytest.param(
        {**BASE, "next_token": raw_token({"v": 2, "f": "my-fn", "ver": None, "s": 0, "e": 1, "after": ""})},
        "next_token",
        MALFORMED_MESSAGE,
        id="token-other-format-version",
    ),
    pytest.param(
        {**BASE, "next_token": raw_token({"v": 1, "f": "my-fn", "ver": None, "s": 0, "e": 1})},
        "next_token",
        MALFORMED_MESSAGE,
        id="token-missing-key",
    ),
    pytest.param(
        {**BASE, "next_token": raw_token({"v": 1, "f": "my-fn", "ver": None, "s": "0", "e": 1, "after": ""})},
        "next_token",
        MALFORMED_MESSAGE,
        id="token-start-a-string",
    ),
    pytest.param(
        {**BASE, "next_token": raw_token({"v": 1, "f": "my-fn", "ver": None, "s": True, "e": 1, "after": ""})},
        "next_token",
        MALFORMED_MESSAGE,
        id="token-start-a-boolean",
    ),
    pytest.param(
        {**BASE, "next_token": ""},
        "next_token",
        "next_token must be the string a previous page returned",
        id="token-empty",
    ),
    pytest.param(
        {**BASE, "next_token": 7},
        "next_token",
        "next_token must be the string a previous page returned",
        id="token-int",
    ),
    pytest.param(
        {**BASE, "next_token": token(function="other-fn")},
        "next_token",
        "next_token belongs to another query (another function or version)",
        id="token-of-another-function",
    ),
    pytest.param(
        {**BASE, "version": "2", "next_token": token(version="1")},
        "next_token",
        "next_token belongs to another query (another function or version)",
        id="token-of-another-version",
    ),
    pytest.param(
        {**BASE, "next_token": token(version="1")},
        "next_token",
        "next_token belongs to another query (another function or version)",
        id="token-of-one-version-for-all-versions",
    ),
    pytest.param(
        {"function": "my-fn", "start": NOW - 2 * HOUR, "end": NOW, "next_token": token(start_ms=NOW - HOUR)},
        "next_token",
        "next_token belongs to another query (another time window)",
        id="token-of-another-absolute-start",
    ),
    pytest.param(
        {"function": "my-fn", "start": "-1h", "end": NOW - MINUTE, "next_token": token(end_ms=NOW)},
        "next_token",
        "next_token belongs to another query (another time window)",
        id="token-of-another-absolute-end",
    ),
]


@pytest.mark.parametrize(("request_", "field", "message"), REJECTED)
def test_an_invalid_request_is_answered_with_a_validation_error_naming_the_field(request_, field, message):
    response = handle(request_, UntouchableReader(), PRICES, NOW)

    assert response == {"error": {"type": "ValidationError", "message": message, "field": field}}
    assert "Traceback" not in json.dumps(response)


@pytest.mark.parametrize("request_", [None, [], "function=my-fn", 42], ids=["null", "list", "string", "number"])
def test_a_request_that_is_not_an_object_is_answered_with_a_validation_error(request_):
    assert handle(request_, UntouchableReader(), PRICES, NOW) == {
        "error": {"type": "ValidationError", "message": "the request must be a JSON object"}
    }


# Page tokens are base64 JSON, readable and so forgeable: one whose window is not a window
# is malformed like any other bad token.
FORGED_WINDOWS = [
    pytest.param(NOW, NOW - HOUR, id="end-before-start"),
    pytest.param(NOW, NOW, id="empty-window"),
    pytest.param(10**15, 10**15 + HOUR, id="beyond-year-9999"),
    pytest.param(-HOUR, NOW, id="before-1970"),
    pytest.param(NOW, 10**13, id="end-past-13-digits"),
]


@pytest.mark.parametrize(("start_ms", "end_ms"), FORGED_WINDOWS)
def test_a_page_token_whose_window_is_not_a_window_is_malformed(start_ms, end_ms):
    # With a relative start the token's window is the query's window: unchecked, it would reach
    # the reader (keys.window_sort_key_bounds raises ValueError on an empty window, iso() on a
    # year past 9999) and fail as an infrastructure error instead of a ValidationError.
    forged = token(start_ms=start_ms, end_ms=end_ms, after=f"{min(start_ms, 10**13 - 1):013d}#r-1")

    response = handle(
        {"function": "my-fn", "start": "-1h", "records": True, "next_token": forged}, UntouchableReader(), PRICES, NOW
    )

    assert response == {"error": {"type": "ValidationError", "message": MALFORMED_MESSAGE, "field": "next_token"}}
