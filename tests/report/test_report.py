"""The HTML report over the real query code: moto table, real writer, real handler.

A day (2024-05-01 UTC) of invocations of three functions is written with the ingest side's
DynamoRecordWriter and DynamoFunctionCatalog; ``build_report`` asks ``durations.query.handle``
over DynamoWindowReader, as local mode does. The data are made to look like a real day
(traffic peaking in the afternoon, a deployment at 13:00, cold starts, a few errors):

- ``orders-api``: 1,600 invocations, 1,024 MB, x86_64; version 41 until 13:00 (p50
  about 85 ms), version 42 afterwards (about 50 ms); the costliest, so the featured one.
- ``thumbnails``: 120 invocations of about 900 ms at 1,024 MB, arm64.
- ``checkout-worker``: 600 invocations of about 20 ms at 128 MB, x86_64.

The browser test opens the page in Debian's Chromium (playwright-core, tests/report/browser.mjs).
With ``UPDATE_REPORT_SCREENSHOT=1`` it also copies its screenshot to docs/report.png.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from moto import mock_aws

from durations.log_source import FunctionRef
from durations.query import handle
from durations.records import Record
from durations.settings import QuerySettings
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, DynamoWindowReader, FunctionConfig
from durations_local.report import (
    PAGE_LIMIT,
    ReportError,
    build_report,
    choose_interval,
    fmt_ms,
    write_report,
)
from durations_local.template import create_invocation_table

ROOT = Path(__file__).resolve().parents[2]
BROWSER_SCRIPT = Path(__file__).with_name("browser.mjs")
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "report.png"

REGION = "us-east-1"
TABLE = "lambda-durations-report-test"
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
START = 1_714_521_600_000  # 2024-05-01T00:00:00Z
END = START + DAY
NOW = END
DEPLOY = START + 13 * HOUR  # version 42 replaces version 41

ORDERS = "orders-api"
THUMBNAILS = "thumbnails"
CHECKOUT = "checkout-worker"
COST_ORDER = [ORDERS, THUMBNAILS, CHECKOUT]


# --- A realistic day -------------------------------------------------------------------------


def traffic(rng: random.Random, count: int) -> list[int]:
    """``count`` timestamps over the day, busiest around 15:00 UTC, quietest around 03:00."""
    times: list[int] = []
    while len(times) < count:
        offset = rng.randrange(DAY)
        hour = offset / HOUR
        rate = 0.25 + 0.75 * (0.5 + 0.5 * math.cos((hour - 15) / 24 * 2 * math.pi)) ** 2
        if rng.random() < rate:
            times.append(START + offset)
    return sorted(times)


def make_record(
    function: str,
    n: int,
    timestamp: int,
    *,
    version: str,
    duration_ms: float,
    memory_size_mb: int,
    max_memory_used_mb: int,
    init_duration_ms: float | None = None,
    status: str = "success",
    error_type: str | None = None,
) -> Record:
    prefix = {ORDERS: "a0", THUMBNAILS: "b0", CHECKOUT: "c0"}[function]
    return Record(
        function=function,
        version=version,
        request_id=f"{prefix}c0ffee-0000-4000-8000-{n:012d}",
        timestamp=timestamp,
        duration_ms=round(duration_ms, 2),
        billed_duration_ms=math.ceil(round(duration_ms, 2)),
        memory_size_mb=memory_size_mb,
        max_memory_used_mb=max_memory_used_mb,
        init_duration_ms=None if init_duration_ms is None else round(init_duration_ms, 2),
        restore_duration_ms=None,
        billed_restore_duration_ms=None,
        status=status,
        error_type=error_type,
        cold_start=init_duration_ms is not None,
        xray_trace_id=None,
    )


def orders_day(rng: random.Random) -> list[Record]:
    records = []
    after_deploy = 0
    for n, timestamp in enumerate(traffic(rng, 1_600)):
        new = timestamp >= DEPLOY
        version = "42" if new else "41"
        load = 1 + 0.15 * (0.5 + 0.5 * math.cos((timestamp - START) / HOUR / 24 * 2 * math.pi - 15 / 24 * 2 * math.pi))
        duration = rng.lognormvariate(math.log(50 if new else 85), 0.28 if new else 0.35) * load
        if rng.random() < 0.012:
            duration *= rng.uniform(3, 8)  # a slow downstream call
        if new:
            after_deploy += 1
        cold = (new and after_deploy <= 24) or n == 0 or rng.random() < 0.012
        status, error_type = "success", None
        if n in (311, 1212):
            status, error_type, duration = "timeout", "Sandbox.Timedout", 6000.0
        elif rng.random() < 0.004:
            status, error_type = "error", "Runtime.HandlerError"
        used = rng.gauss(250 if new else 300, 28) + (40 if cold else 0)
        records.append(
            make_record(
                ORDERS,
                n,
                timestamp,
                version=version,
                duration_ms=duration,
                memory_size_mb=1024,
                max_memory_used_mb=int(min(max(used, 120), 1024)),
                init_duration_ms=rng.uniform(380, 820) if cold else None,
                status=status,
                error_type=error_type,
            )
        )
    return records


def thumbnails_day(rng: random.Random) -> list[Record]:
    return [
        make_record(
            THUMBNAILS,
            n,
            timestamp,
            version="$LATEST",
            duration_ms=rng.lognormvariate(math.log(900), 0.25),
            memory_size_mb=1024,
            max_memory_used_mb=int(rng.gauss(700, 60)),
            init_duration_ms=rng.uniform(900, 1400) if n % 15 == 0 else None,
        )
        for n, timestamp in enumerate(traffic(rng, 120))
    ]


def checkout_day(rng: random.Random) -> list[Record]:
    return [
        make_record(
            CHECKOUT,
            n,
            timestamp,
            version="7",
            duration_ms=rng.lognormvariate(math.log(20), 0.4),
            memory_size_mb=128,
            max_memory_used_mb=int(rng.gauss(78, 5)),
            init_duration_ms=rng.uniform(150, 260) if rng.random() < 0.03 else None,
            status="error" if n % 200 == 17 else "success",
            error_type="Runtime.HandlerError" if n % 200 == 17 else None,
        )
        for n, timestamp in enumerate(traffic(rng, 600))
    ]


def a_day() -> dict[str, list[Record]]:
    rng = random.Random(20240501)
    return {ORDERS: orders_day(rng), THUMBNAILS: thumbnails_day(rng), CHECKOUT: checkout_day(rng)}


class Configurations:
    """Stands in for GetFunctionConfiguration: each function's architecture and memory."""

    ANSWERS: ClassVar[dict[str, FunctionConfig]] = {
        ORDERS: FunctionConfig("x86_64", 1024),
        THUMBNAILS: FunctionConfig("arm64", 1024),
        CHECKOUT: FunctionConfig("x86_64", 128),
    }

    def configuration(self, function: FunctionRef) -> FunctionConfig | None:
        return self.ANSWERS.get(function.name)


def nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


# --- The table and the API -------------------------------------------------------------------


class HandlerAsk:
    """``ask`` answered by the real query code over the moto table at NOW, through JSON both ways."""

    def __init__(self, client: Any):
        self._reader = DynamoWindowReader(client, TABLE)
        self._prices = QuerySettings.from_env({"TABLE_NAME": TABLE}).prices
        self.answers: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.report_log: list[tuple[dict[str, Any], dict[str, Any]]] = []  # what the module's report asked

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        sent = json.loads(json.dumps(request))
        answer: dict[str, Any] = json.loads(json.dumps(handle(sent, self._reader, self._prices, NOW)))
        self.answers.append((sent, answer))
        return answer

    def replay(self, request: dict[str, Any]) -> dict[str, Any]:
        """The recorded answer to this request if the report asked it before, else a new one."""
        for asked, answer in self.answers:
            if asked == request:
                return answer
        return self(request)

    def answered(self, **fields: Any) -> dict[str, Any]:
        """The answer given to the request with exactly these fields, the module's report's first (moto
        reads are slow: the tests look at what the query returned to the report rather than asking again)."""
        for request, answer in [*self.report_log, *self.answers]:
            if request == fields:
                return answer
        raise AssertionError(f"no request was {fields}; asked: {[r for r, _ in self.answers]}")


@pytest.fixture(scope="module")
def day() -> dict[str, list[Record]]:
    return a_day()


@pytest.fixture(scope="module")
def dynamodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """moto, with fake credentials and no profile or endpoint of the machine's."""
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        with mock_aws():
            yield boto3.client("dynamodb", region_name=REGION)


@pytest.fixture(scope="module")
def loaded(dynamodb: Any, day: dict[str, list[Record]]) -> Any:
    create_invocation_table(dynamodb, TABLE)
    writer = DynamoRecordWriter(dynamodb, TABLE, 30, concurrency=1)
    catalog = DynamoFunctionCatalog(dynamodb, TABLE, Configurations())  # type: ignore[arg-type]
    for function, records in day.items():
        assert writer.write(records) == len(records)
        for version in sorted({record.version for record in records}, key=str):
            catalog.observe(FunctionRef(function, version), [r for r in records if r.version == version])
    return dynamodb


@pytest.fixture(scope="module")
def ask(loaded: Any) -> HandlerAsk:
    return HandlerAsk(loaded)


@pytest.fixture(scope="module")
def report(ask: HandlerAsk) -> str:
    before = len(ask.answers)
    page = build_report(ask, start_ms=START, end_ms=END, title="Production, 1 May 2024")
    ask.report_log = ask.answers[before:]
    return page


# --- Reading the page back -------------------------------------------------------------------


class Rows(HTMLParser):
    """Table rows keyed by their data-function / data-version, each a list of (data-value, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.functions: dict[str, list[tuple[str | None, str]]] = {}
        self.versions: dict[str, list[tuple[str | None, str]]] = {}
        self._row: list[tuple[str | None, str]] | None = None
        self._cell: tuple[str | None, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "tr" and named.get("data-function"):
            self._row = self.functions.setdefault(str(named["data-function"]), [])
        elif tag == "tr" and named.get("data-version"):
            self._row = self.versions.setdefault(str(named["data-version"]), [])
        elif tag == "td" and self._row is not None:
            self._cell = (named.get("data-value"), [])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        elif tag == "tr":
            self._row = None


def rows(page: str) -> Rows:
    parser = Rows()
    parser.feed(page)
    return parser


def function_order(page: str) -> list[str]:
    table = page[page.index('<table class="overview">') : page.index("</table>")]
    return re.findall(r'<tr class="[^"]*" data-function="([^"]+)"', table)


# --- The report's content --------------------------------------------------------------------


def test_overview_lists_functions_costliest_first_with_the_query_figures(report: str, ask: HandlerAsk) -> None:
    overview = ask.answered(start=START, end=END)
    assert [entry["function"] for entry in overview["functions"]] == COST_ORDER
    assert function_order(report) == COST_ORDER
    table = rows(report).functions
    for entry in overview["functions"]:
        cells = table[entry["function"]]
        # rank, name, invocations, cold starts, errors, timeouts, p50, p99, max, cost, share
        assert cells[2] == (str(entry["invocations"]), f"{entry['invocations']:,}")
        assert cells[3][0] == str(entry["cold_starts"])
        assert cells[4][0] == str(entry["errors"])
        assert cells[5][0] == str(entry["timeouts"])
        assert cells[6] == (str(entry["duration_ms"]["p50"]), fmt_ms(entry["duration_ms"]["p50"]))
        assert cells[7] == (str(entry["duration_ms"]["p99"]), fmt_ms(entry["duration_ms"]["p99"]))
        assert cells[8][0] == str(entry["duration_ms"]["max"])
        assert cells[9][0] == str(entry["estimated_cost_usd"])


def test_figures_match_the_records_written(report: str, day: dict[str, list[Record]]) -> None:
    """Counts and p99 worked out from the generated records, not from the API."""
    table = rows(report).functions
    for function, records in day.items():
        durations = [r.duration_ms for r in records if r.duration_ms is not None]
        assert table[function][2][0] == str(len(records))
        assert table[function][7][0] == str(nearest_rank(durations, 99))
        assert f"{len(records):,}" in report
    orders = day[ORDERS]
    assert sum(r.status == "timeout" for r in orders) == 2
    assert table[ORDERS][5] == ("2", "2")


def test_featured_function_is_the_costliest_with_its_summary(report: str, ask: HandlerAsk) -> None:
    assert 'data-function="orders-api"><h2>orders-api</h2>' in report
    answer = ask.answered(function=ORDERS, start=START, end=END, interval="15m", percentiles=[50, 90, 99, 99.9])
    summary = answer["summary"]
    p99, p50 = summary["duration_ms"]["p99"], summary["duration_ms"]["p50"]
    caption = f"p99 {fmt_ms(p99)} and p50 {fmt_ms(p50)} over {summary['invocations']:,} invocations"
    assert caption in report
    assert f"{summary['cold_starts']:,} cold starts over {summary['invocations']:,} invocations" in report
    used = summary["max_memory_used_mb"]["p99"]
    assert f"p99 {used:,.0f} MB used of 1,024 MB configured" in report
    assert report.count('class="plotly-graph-div"') == 5
    assert '<main data-charts="5">' in report
    for key in ("latency", "histogram", "memory", "cold-starts", "versions"):
        assert f'id="chart-{key}"' in report


def test_both_versions_are_compared_with_their_own_figures(report: str, ask: HandlerAsk) -> None:
    versions = rows(report).versions
    assert list(versions) == ["41", "42"]  # oldest first
    p99s = {}
    for version in ("41", "42"):
        request = {
            "function": ORDERS,
            "version": version,
            "start": START,
            "end": END,
            "percentiles": [50, 90, 99, 99.9],
        }
        summary = ask.answered(**request)["summary"]
        p99s[version] = summary["duration_ms"]["p99"]
        cells = versions[version]
        assert cells[2][0] == str(summary["invocations"])
        assert (str(p99s[version]), fmt_ms(p99s[version])) in cells
        assert f"version {version}" in report
    assert p99s["42"] < p99s["41"]  # the deployment made it faster
    assert f"p99 {fmt_ms(p99s['41'])} on version 41 and {fmt_ms(p99s['42'])} on version 42" in report


def test_records_are_read_page_by_page_without_statistics(report: str, ask: HandlerAsk) -> None:
    pages = [(request, answer) for request, answer in ask.report_log if request.get("records")]
    assert len(pages) == math.ceil(1_600 / PAGE_LIMIT) == 2
    assert all(request["summary"] is False and request["limit"] == PAGE_LIMIT for request, _ in pages)
    assert all("summary" not in answer for _, answer in pages)
    assert "next_token" not in pages[0][0]
    assert pages[1][0]["next_token"] == pages[0][1]["next_token"]
    assert sum(len(answer["records"]) for _, answer in pages) == 1_600
    assert pages[-1][1]["next_token"] is None
    requests = [request for request, _ in ask.report_log]
    assert [request["interval"] for request in requests if "interval" in request] == ["15m"]
    assert [request["version"] for request in requests if "version" in request] == ["41", "42"]


class Resources(HTMLParser):
    """Every URL the page's elements would load: script src, link href, img/iframe/source src, and the like."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: int = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += tag == "link"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster") and value:
                self.urls.append(value)


def test_page_is_self_contained_with_plotly_embedded_once(report: str) -> None:
    resources = Resources()
    resources.feed(report)  # script bodies are CDATA to the parser: plotly.js's own strings are not elements
    assert resources.urls == []
    assert resources.links == 0
    assert not re.search(r"<script[^>]*\bsrc\s*=", report, re.IGNORECASE)
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*(src|href)\s*=\s*["']?(https?:)?//""", report, re.I)
    assert report.count("window.PlotlyConfig") == 1
    assert len(re.findall(r"\* plotly\.js v\d+\.\d+\.\d+", report)) == 1
    assert report.count("Plotly.newPlot(") == 5
    assert report.startswith("<!DOCTYPE html>")
    assert "Time (UTC)" in report


def test_a_chosen_function_is_featured_even_when_cheaper(ask: HandlerAsk) -> None:
    # The evening only: moto is slow to serialize items, and this test needs no more.
    start = END - 6 * HOUR
    page = build_report(ask, start_ms=start, end_ms=END, function=CHECKOUT)
    assert 'data-function="checkout-worker"><h2>checkout-worker</h2>' in page
    order = [entry["function"] for entry in ask.answered(start=start, end=END)["functions"]]
    assert function_order(page) == order
    assert order[0] != CHECKOUT
    assert '<tr class="featured" data-function="checkout-worker">' in page
    assert '<main data-charts="4">' in page  # one version: no comparison
    assert 'id="chart-versions"' not in page
    assert "5-minute interval" in page
    assert page.count("window.PlotlyConfig") == 1


def test_histograms_say_when_records_were_capped(report: str, ask: HandlerAsk) -> None:
    page = build_report(ask.replay, start_ms=START, end_ms=END, title="Capped", max_records=PAGE_LIMIT)
    assert "over 1,000 invocations (the first 1,000 of 1,600 in the window)" in page
    assert "bars from the first 1,000 records" in page
    assert '<main data-charts="5">' in page


def test_an_unknown_function_has_no_charts(report: str, ask: HandlerAsk) -> None:
    page = build_report(ask.replay, start_ms=START, end_ms=END, function="no-such-function")
    assert "No invocations of this function in the window." in page
    assert '<main data-charts="0">' in page
    assert "window.PlotlyConfig" not in page
    assert function_order(page) == COST_ORDER


def test_identical_durations_and_a_function_without_versions_still_chart() -> None:
    """A canned API (no moto): three identical invocations, no version, one memory size."""
    distribution = {"min": 800.0, "mean": 800.0, "max": 800.0, "p50": 800.0, "p90": 800.0, "p99": 800.0, "p99.9": 800.0}
    summary = {
        "invocations": 3,
        "cold_starts": 0,
        "cold_start_rate": 0.0,
        "timeouts": 0,
        "errors": 0,
        "out_of_memory": 0,
        "duration_ms": distribution,
        "init_duration_ms": None,
        "billed_duration_ms": {"sum": 2400.0, "mean": 800.0},
        "max_memory_used_mb": {"max": 70.0, "p50": 70.0, "p90": 70.0, "p99": 70.0, "p99.9": 70.0},
        "memory_size_mb": [1024],
        "memory_utilization": {"p99": 70 / 1024, "max": 70 / 1024},
        "estimated_cost_usd": 0.00004,
        "cost_basis": {"architecture": "x86_64", "architecture_known": False},
    }
    point = {"invocations": 1, "cold_starts": 0, "errors": 0, "timeouts": 0}
    durations = {"p50": 800.0, "p99": 800.0, "max": 800.0}
    record = {"version": None, "duration_ms": 800.0, "max_memory_used_mb": 70, "timestamp": START + HOUR}

    def canned(request: dict[str, Any]) -> dict[str, Any]:
        if "function" not in request:
            entry = {"function": "checkout", "invocations": 3, "cold_starts": 0, "errors": 0, "timeouts": 0}
            return {"functions": [{**entry, "duration_ms": durations, "estimated_cost_usd": 0.00004}]}
        if request.get("records"):
            return {"function": "checkout", "records": [record] * 3, "next_token": None}
        return {
            "function": "checkout",
            "start": "2024-05-01T00:00:00.000Z",
            "end": "2024-05-01T03:00:00.000Z",
            "summary": summary,
            "interval": request["interval"],
            "series": [{"start": f"2024-05-01T0{h}:00:00.000Z", **point, "duration_ms": durations} for h in range(3)],
            "next_token": None,
        }

    page = build_report(canned, start_ms=START, end_ms=START + 3 * HOUR)
    assert '<main data-charts="4">' in page
    assert "p50 800.00 ms, p99 800.00 ms, max 800.00 ms over 3 invocations." in page
    assert "p99 70 MB used of 1,024 MB configured (p99 utilization 6.84%)" in page
    assert "priced as x86_64 (architecture unknown)" in page


def test_an_empty_window_says_so_without_charts(ask: HandlerAsk, tmp_path: Path) -> None:
    page = build_report(ask, start_ms=START - 2 * DAY, end_ms=START - DAY)
    assert "No function was invoked in this window." in page
    assert '<main data-charts="0">' in page
    assert "window.PlotlyConfig" not in page
    written = write_report(tmp_path / "out" / "empty.html", page)
    assert written.read_text(encoding="utf-8") == page


def test_a_refused_request_raises(ask: HandlerAsk) -> None:
    with pytest.raises(ReportError, match="start"):
        build_report(ask, start_ms=END, end_ms=START)


@pytest.mark.parametrize(
    ("span_ms", "interval"),
    [(HOUR, "1m"), (6 * HOUR, "5m"), (DAY, "15m"), (7 * DAY, "3h"), (30 * DAY, "6h"), (90 * DAY, "1d")],
)
def test_interval_gives_a_readable_number_of_points(span_ms: int, interval: str) -> None:
    assert choose_interval(START, START + span_ms) == interval


# --- In a real browser -----------------------------------------------------------------------


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium); required when CI is set",
)
def test_report_renders_in_headless_chromium_without_errors(report: str, tmp_path: Path) -> None:
    page = write_report(tmp_path / "report.html", report)
    screenshot = tmp_path / "report.png"
    node = shutil.which("node")
    assert node, "node is needed to drive Chromium (tests/report/browser.mjs)"
    started = time.monotonic()
    run = subprocess.run(  # noqa: S603 - fixed script, paths from tmp_path
        [node, str(BROWSER_SCRIPT), str(page), str(screenshot), str(CHROMIUM)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["blocked"] == []  # nothing asked of the network
    assert result["expected_charts"] == 5
    assert result["charts"] == 5
    assert result["svgs"] == 5
    assert result["bars"] > 50  # bars and markers were drawn, not just empty axes
    assert result["title"] == "Production, 1 May 2024"
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000
    print(f"browser test: {elapsed:.1f} s, {len(data):,} bytes screenshot")
    if os.environ.get("UPDATE_REPORT_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, SCREENSHOT)
