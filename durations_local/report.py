"""A self-contained HTML report of a time window, built from the query API's answers.

``build_report(ask, start_ms=..., end_ms=...)`` asks the query API (``ask`` takes a request
and returns the response: in local mode the real query handler, or an invoker of the deployed
query function) and returns one HTML page that works offline: the CSS is inline and the
plotly.js bundle is embedded once, with the first chart; nothing is loaded from the network.

The page holds the overview of every function (costliest first) and, for the featured
function (the one asked for, or the costliest), its percentiles over time, its duration
histogram (from its records, read page by page without statistics), its cold-start rate over
time, its memory used against the memory configured, and its versions side by side when it
ran two or more. Every chart has a caption stating its figure. Times are UTC.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

Ask = Callable[[dict[str, Any]], dict[str, Any]]

DEFAULT_TITLE = "Lambda durations report"
PAGE_LIMIT = 1000  # records per page: the API's maximum
DEFAULT_MAX_RECORDS = 200_000  # records read for the histograms; beyond this the captions say so
MAX_SERIES_POINTS = 120
MAX_VERSIONS = 6  # the most recent versions compared side by side
PERCENTILES = (50, 90, 99, 99.9)

# Candidate series intervals, finest first: the finest giving at most MAX_SERIES_POINTS points wins.
INTERVALS: tuple[tuple[str, int], ...] = (
    ("1m", 60_000),
    ("5m", 300_000),
    ("10m", 600_000),
    ("15m", 900_000),
    ("30m", 1_800_000),
    ("1h", 3_600_000),
    ("3h", 10_800_000),
    ("6h", 21_600_000),
    ("12h", 43_200_000),
    ("1d", 86_400_000),
    ("7d", 604_800_000),
)

NONE = "-"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1e293b"
MUTED = "#64748b"
GRID = "#e2e8f0"
P50 = "#2563eb"
P99 = "#ea580c"
COLD = "#7c3aed"
MEMORY = "#0d9488"
LIMIT = "#dc2626"
VERSION_COLOURS = ("#94a3b8", "#2563eb", "#0d9488", "#9333ea", "#ea580c", "#db2777")
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


class ReportError(RuntimeError):
    """The query API refused a request (``{"error": ...}``): the message names the field."""


# --- Numbers and times -----------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    """Milliseconds with two decimals (Lambda prints durations to 0.01 ms): ``1,234.50 ms``."""
    return NONE if value is None else f"{value:,.2f} ms"


def fmt_count(value: int | None) -> str:
    return NONE if value is None else f"{value:,}"


def fmt_mb(value: float | None) -> str:
    return NONE if value is None else f"{value:,.0f} MB"


def fmt_percent(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.2f}%"


def fmt_usd(value: float | None) -> str:
    """Dollars: cents from one cent up, three significant digits below."""
    if value is None:
        return NONE
    if value == 0:
        return "$0"
    if value >= 0.01:
        return f"${value:,.2f}"
    decimals = 2 - math.floor(math.log10(value))
    return f"${value:.{decimals}f}"


def utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _plot_time(iso_text: str) -> str:
    """An API time (``2024-05-01T12:00:00.000Z``) as the naive UTC string plotly.js reads as is."""
    moment = datetime.fromisoformat(iso_text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _window_text(start_ms: int, end_ms: int) -> str:
    start, end = utc(start_ms), utc(end_ms)
    hours = (end_ms - start_ms) / 3_600_000
    span = f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC ({span})"


def choose_interval(start_ms: int, end_ms: int) -> str:
    """The finest interval giving at most MAX_SERIES_POINTS points (a day: 15m, 96 points)."""
    span = end_ms - start_ms
    for label, interval_ms in INTERVALS:
        if math.ceil(span / interval_ms) <= MAX_SERIES_POINTS:
            return label
    return INTERVALS[-1][0]


def _interval_words(interval: str) -> str:
    unit = {"m": "minute", "h": "hour", "d": "day"}[interval[-1]]
    return f"{interval[:-1]}-{unit}"


# --- Asking the API --------------------------------------------------------------------------


def _ask(ask: Ask, request: dict[str, Any]) -> dict[str, Any]:
    response = ask(request)
    if "error" in response:
        error = response["error"]
        raise ReportError(f"the query API refused {request}: {error.get('message', error)}")
    return response


@dataclass
class Records:
    """The columns of the featured function's records that the charts need."""

    durations: list[float] = field(default_factory=list)
    memory_used: list[float] = field(default_factory=list)
    first_seen: dict[str, int] = field(default_factory=dict)  # version -> first timestamp
    read: int = 0
    truncated: bool = False


def fetch_records(ask: Ask, function: str, start_ms: int, end_ms: int, *, max_records: int) -> Records:
    """Every record of the window (oldest first), page by page with ``summary`` false."""
    records = Records()
    token: str | None = None
    while True:
        request: dict[str, Any] = {
            "function": function,
            "start": start_ms,
            "end": end_ms,
            "records": True,
            "summary": False,
            "limit": PAGE_LIMIT,
        }
        if token is not None:
            request["next_token"] = token
        page = _ask(ask, request)
        for record in page["records"]:
            if record.get("duration_ms") is not None:
                records.durations.append(float(record["duration_ms"]))
            if record.get("max_memory_used_mb") is not None:
                records.memory_used.append(float(record["max_memory_used_mb"]))
            version = record.get("version")
            if version is not None and version not in records.first_seen:
                records.first_seen[version] = int(record["timestamp"])
            records.read += 1
        token = page.get("next_token")
        if token is None:
            return records
        if records.read >= max_records:
            records.truncated = True
            return records


# --- Charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    key: str  # the div id is chart-<key>
    title: str
    caption: str
    figure: Any  # plotly.graph_objects.Figure
    height: int = 340
    wide: bool = True


def _layout(figure: Any, *, x_title: str, y_title: str, height: int, legend: bool = True) -> None:
    figure.update_layout(
        template="none",
        height=height,
        margin={"l": 64, "r": 24, "t": 16 if not legend else 36, "b": 56},
        font={"family": FONT, "size": 12, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT}},
        bargap=0.08,
    )
    axis = {"gridcolor": GRID, "linecolor": "#94a3b8", "zeroline": False, "ticks": "outside", "tickcolor": "#94a3b8"}
    figure.update_xaxes(title={"text": x_title}, showline=True, **axis)
    figure.update_yaxes(title={"text": y_title}, rangemode="tozero", **axis)


def _time_axis(figure: Any, response: dict[str, Any]) -> None:
    """Dates in UTC over the whole window, whatever the reader's time zone."""
    figure.update_xaxes(
        type="date",
        range=[_plot_time(response["start"]), _plot_time(response["end"])],
        tickformat="%H:%M\n%b %d",
        hoverformat="%Y-%m-%d %H:%M UTC",
    )


def _version_marks(figure: Any, first_seen: dict[str, int], start_ms: int) -> None:
    """A dotted line where each version after the first appeared in the window."""
    for version, timestamp in list(first_seen.items())[1:]:
        if timestamp <= start_ms:
            continue
        x = utc(timestamp).strftime("%Y-%m-%d %H:%M:%S")
        figure.add_vline(x=x, line={"color": MUTED, "width": 1, "dash": "dot"})
        figure.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=f"version {escape(version)}",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            xshift=4,
            font={"size": 11, "color": MUTED},
        )


def latency_chart(response: dict[str, Any], first_seen: dict[str, int], start_ms: int) -> Chart:
    summary, points = response["summary"], response["series"]
    interval = response["interval"]
    # A step per interval; the last one is closed at the window's end.
    times = [_plot_time(point["start"]) for point in points] + [_plot_time(response["end"])]
    figure = go.Figure()
    for key, colour, width in (("p50", P50, 2), ("p99", P99, 2)):
        values = [point["duration_ms"][key] for point in points]
        figure.add_trace(
            go.Scatter(
                x=times,
                y=[*values, values[-1]] if values else [],
                name=key,
                mode="lines",
                line={"color": colour, "width": width, "shape": "hv"},
                connectgaps=False,
                hovertemplate=f"{key} %{{y:,.2f}} ms<extra></extra>",
            )
        )
    values = [point["duration_ms"][key] for point in points for key in ("p50", "p99")]
    log_scale = _wide_range(values)
    _layout(
        figure, x_title="Time (UTC)", y_title="Duration (ms, log scale)" if log_scale else "Duration (ms)", height=340
    )
    if log_scale:
        _log_axis(figure, values)
    _time_axis(figure, response)
    figure.update_layout(hovermode="x unified")
    _version_marks(figure, first_seen, start_ms)
    duration = summary["duration_ms"] or {}
    caption = (
        f"p99 {fmt_ms(duration.get('p99'))} and p50 {fmt_ms(duration.get('p50'))} "
        f"over {fmt_count(summary['invocations'])} invocations"
    )
    busiest = [point for point in points if point["duration_ms"]["p99"] is not None]
    if busiest:
        worst = max(busiest, key=lambda point: point["duration_ms"]["p99"])
        moment = datetime.fromisoformat(worst["start"].replace("Z", "+00:00"))
        caption += (
            f"; the slowest {_interval_words(interval)} interval, from {moment:%Y-%m-%d %H:%M} UTC, "
            f"had p99 {fmt_ms(worst['duration_ms']['p99'])}"
        )
    title = f"Duration percentiles over time ({interval} intervals)"
    return Chart("latency", title, caption + ".", figure)


def _wide_range(values: Sequence[float | None]) -> bool:
    """Whether values span 20 times or more: then a log axis keeps the small ones readable."""
    present = [value for value in values if value is not None and value > 0]
    return bool(present) and max(present) / min(present) >= 20


def _log_axis(figure: Any, values: Sequence[float | None]) -> None:
    """A log y axis labelled 1, 2, 5 times powers of ten, in full (``20``, ``50``, ``1,000``)."""
    present = [value for value in values if value is not None and value > 0]
    ticks = _log_ticks(min(present) / 1.2, max(present) * 1.2)
    figure.update_yaxes(type="log", tickvals=ticks, ticktext=[_tick_text(tick) for tick in ticks])


def _nice_step(span: float, bins: int) -> float:
    """A step of 1, 2 or 5 times a power of ten giving at most ``bins`` bins over ``span``."""
    raw = max(span / bins, 1e-9)
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power


def _log_ticks(low: float, high: float) -> list[float]:
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for multiple in (1, 2, 5):
            value = multiple * 10.0**exponent
            if low <= value <= high:
                ticks.append(value)
    return ticks


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def histogram_chart(durations: Sequence[float], summary: dict[str, Any], *, truncated: bool) -> Chart:
    """Counts per bin; log-spaced bins when the slowest is 30 times the fastest or more."""
    low, high = min(durations), max(durations)
    log_scale = low > 0 and high / low >= 30
    bins = 48
    if log_scale:
        lo = math.log10(low)
        width = max((math.log10(high) - lo) / bins, 1e-6)
    else:
        width = _nice_step(max(high - low, abs(high) * 0.05, 0.01), bins)  # one value still gets a visible bar
        lo = math.floor(low / width) * width
    counts: dict[int, int] = {}
    for value in durations:
        index = min(int((math.log10(value) - lo) / width), bins - 1) if log_scale else int((value - lo) / width)
        counts[index] = counts.get(index, 0) + 1
    indexes = sorted(counts)
    edges = [(lo + i * width, lo + (i + 1) * width) for i in indexes]
    ranges = [[10.0**a, 10.0**b] for a, b in edges] if log_scale else [[a, b] for a, b in edges]
    figure = go.Figure(
        go.Bar(
            x=[(a + b) / 2 for a, b in edges],
            y=[counts[i] for i in indexes],
            width=[width * 0.92 for _ in indexes],
            marker={"color": P50, "opacity": 0.75},
            customdata=ranges,
            hovertemplate="%{customdata[0]:,.2f} to %{customdata[1]:,.2f} ms: %{y:,} invocations<extra></extra>",
            name="invocations",
        )
    )
    x_title = "Duration (ms, log scale)" if log_scale else "Duration (ms)"
    _layout(figure, x_title=x_title, y_title="Invocations", height=320, legend=False)
    if log_scale:
        ticks = _log_ticks(low, high * 1.0001)
        figure.update_xaxes(tickvals=[math.log10(t) for t in ticks], ticktext=[_tick_text(t) for t in ticks])
    duration = summary["duration_ms"] or {}
    for key, colour, anchor in (("p50", P50, "right"), ("p99", P99, "left")):
        mark = duration.get(key)
        if mark is None or (mark <= 0 and log_scale):
            continue
        x = math.log10(mark) if log_scale else mark
        figure.add_vline(x=x, line={"color": colour, "width": 2, "dash": "dash"})
        figure.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=f"{key} {fmt_ms(mark)}",
            showarrow=False,
            xanchor=anchor,
            yanchor="bottom",
            xshift=-4 if anchor == "right" else 4,
            font={"size": 11, "color": colour},
        )
    figure.update_layout(margin={"t": 28})
    caption = (
        f"p50 {fmt_ms(duration.get('p50'))}, p99 {fmt_ms(duration.get('p99'))}, "
        f"max {fmt_ms(duration.get('max'))} over {fmt_count(len(durations))} invocations"
    )
    if truncated:
        caption += f" (the first {fmt_count(len(durations))} of {fmt_count(summary['invocations'])} in the window)"
    return Chart("histogram", "Duration distribution", caption + ".", figure, height=320, wide=False)


def cold_start_chart(response: dict[str, Any]) -> Chart:
    summary, points = response["summary"], response["series"]
    interval = response["interval"]
    times = [_plot_time(point["start"]) for point in points]
    rates = [point["cold_starts"] / point["invocations"] * 100 if point["invocations"] else None for point in points]
    figure = go.Figure(
        go.Bar(
            x=times,
            y=rates,
            marker={"color": COLD, "opacity": 0.8},
            customdata=[[point["cold_starts"], point["invocations"]] for point in points],
            hovertemplate="%{y:.2f}%: %{customdata[0]:,} cold of %{customdata[1]:,} invocations<extra></extra>",
            name=f"per {_interval_words(interval)} interval",
            xperiod=dict(INTERVALS)[interval],
            xperiodalignment="start",
        )
    )
    _layout(figure, x_title="Time (UTC)", y_title="Cold-start rate (%)", height=300, legend=False)
    _time_axis(figure, response)
    figure.update_yaxes(ticksuffix="%")
    overall = summary["cold_start_rate"]
    if overall and times:
        end = (datetime.fromisoformat(times[-1]) + timedelta(milliseconds=dict(INTERVALS)[interval])).isoformat(" ")
        figure.add_trace(
            go.Scatter(
                x=[times[0], end],
                y=[overall * 100, overall * 100],
                mode="lines",
                line={"color": MUTED, "width": 1.5, "dash": "dot"},
                name=f"whole window {fmt_percent(overall)}",
                hoverinfo="skip",
            )
        )
        figure.update_layout(showlegend=True, margin={"t": 36})
    caption = (
        f"{fmt_count(summary['cold_starts'])} cold starts over {fmt_count(summary['invocations'])} invocations "
        f"({fmt_percent(overall)})"
    )
    init = summary.get("init_duration_ms")
    if init:
        caption += f"; init duration p50 {fmt_ms(init.get('p50'))}, p99 {fmt_ms(init.get('p99'))}"
    title = f"Cold-start rate over time ({interval} intervals)"
    return Chart("cold-starts", title, caption + ".", figure, height=300)


def memory_chart(memory_used: Sequence[float], summary: dict[str, Any], *, truncated: bool) -> Chart:
    configured = [float(size) for size in summary["memory_size_mb"]]
    low, high = min(memory_used), max(memory_used)
    width = max(_nice_step(high - low, 40), 1.0)
    lo = math.floor(low / width) * width
    counts: dict[int, int] = {}
    for value in memory_used:
        index = int((value - lo) / width)
        counts[index] = counts.get(index, 0) + 1
    indexes = sorted(counts)
    figure = go.Figure(
        go.Bar(
            x=[lo + (i + 0.5) * width for i in indexes],
            y=[counts[i] for i in indexes],
            width=[width * 0.92 for _ in indexes],
            marker={"color": MEMORY, "opacity": 0.8},
            customdata=[[lo + i * width, lo + (i + 1) * width] for i in indexes],
            hovertemplate="%{customdata[0]:,.0f} to %{customdata[1]:,.0f} MB: %{y:,} invocations<extra></extra>",
            name="max memory used",
        )
    )
    _layout(figure, x_title="Max memory used (MB)", y_title="Invocations", height=320, legend=False)
    top = max([high, *configured]) * 1.08
    figure.update_xaxes(range=[0, top])
    for size in configured:
        figure.add_vline(x=size, line={"color": LIMIT, "width": 2, "dash": "dash"})
        figure.add_annotation(
            x=size,
            y=1,
            yref="paper",
            text=f"configured {fmt_mb(size)}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            xshift=-4,
            font={"size": 11, "color": LIMIT},
        )
    figure.update_layout(margin={"t": 28})
    used = summary.get("max_memory_used_mb") or {}
    utilization = summary.get("memory_utilization") or {}
    sizes = ", ".join(fmt_mb(size) for size in configured) or NONE
    caption = (
        f"p99 {fmt_mb(used.get('p99'))} used of {sizes} configured "
        f"(p99 utilization {fmt_percent(utilization.get('p99'))}); max {fmt_mb(used.get('max'))}"
    )
    if truncated:
        caption += f"; bars from the first {fmt_count(len(memory_used))} records"
    return Chart("memory", "Memory used against configured", caption + ".", figure, height=320, wide=False)


def versions_chart(summaries: list[tuple[str, dict[str, Any]]]) -> Chart:
    keys = [f"p{p:g}" for p in PERCENTILES]
    figure = go.Figure()
    for index, (version, summary) in enumerate(summaries):
        duration = summary["duration_ms"] or {}
        figure.add_trace(
            go.Bar(
                x=keys,
                y=[duration.get(key) for key in keys],
                name=f"version {version}",
                marker={"color": VERSION_COLOURS[index % len(VERSION_COLOURS)]},
                text=[f"{duration[key]:,.2f}" if duration.get(key) is not None else "" for key in keys],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"version {escape(version)} %{{x}} %{{y:,.2f}} ms<extra></extra>",
            )
        )
    values = [(summary["duration_ms"] or {}).get(key) for _, summary in summaries for key in keys]
    log_scale = _wide_range(values)
    _layout(
        figure, x_title="Percentile", y_title="Duration (ms, log scale)" if log_scale else "Duration (ms)", height=340
    )
    if log_scale:
        _log_axis(figure, values)
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.06, margin={"t": 48})
    (before, first), (after, last) = summaries[0], summaries[-1]
    p99_before = (first["duration_ms"] or {}).get("p99")
    p99_after = (last["duration_ms"] or {}).get("p99")
    caption = f"p99 {fmt_ms(p99_before)} on version {before} and {fmt_ms(p99_after)} on version {after}"
    if p99_before and p99_after is not None:
        caption += f" ({(p99_after - p99_before) / p99_before * 100:+.1f}%)"
    caption += (
        f", over {fmt_count(first['invocations'])} and {fmt_count(last['invocations'])} invocations"
        f" ({len(summaries)} versions, oldest first)"
    )
    return Chart("versions", "Versions compared (oldest first)", caption + ".", figure)


# --- The page --------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _number_cell(value: Any, text: str) -> str:
    raw = "" if value is None else f' data-value="{_e(value)}"'
    return f'<td class="num"{raw}>{_e(text)}</td>'


def _overview_table(functions: list[dict[str, Any]], featured: str | None) -> str:
    if not functions:
        return '<p class="empty">No function was invoked in this window.</p>'
    total_cost = sum(entry["estimated_cost_usd"] for entry in functions) or 1.0
    rows = []
    for rank, entry in enumerate(functions, start=1):
        duration = entry["duration_ms"]
        share = entry["estimated_cost_usd"] / total_cost
        is_featured = entry["function"] == featured
        name = _e(entry["function"]) + (' <span class="badge">featured</span>' if is_featured else "")
        rows.append(
            f'<tr class="{"featured" if is_featured else ""}" data-function="{_e(entry["function"])}">'
            f'<td class="rank">{rank}</td><td class="name">{name}</td>'
            + _number_cell(entry["invocations"], fmt_count(entry["invocations"]))
            + _number_cell(entry["cold_starts"], fmt_count(entry["cold_starts"]))
            + _number_cell(entry["errors"], fmt_count(entry["errors"]))
            + _number_cell(entry["timeouts"], fmt_count(entry["timeouts"]))
            + _number_cell(duration["p50"], fmt_ms(duration["p50"]))
            + _number_cell(duration["p99"], fmt_ms(duration["p99"]))
            + _number_cell(duration["max"], fmt_ms(duration["max"]))
            + _number_cell(entry["estimated_cost_usd"], fmt_usd(entry["estimated_cost_usd"]))
            + f'<td class="share"><span class="bar" style="width:{share * 100:.1f}%"></span>'
            f'<span class="pct">{share * 100:.0f}%</span></td></tr>'
        )
    head = (
        "<tr><th>#</th><th>Function</th><th>Invocations</th><th>Cold starts</th><th>Errors</th>"
        "<th>Timeouts</th><th>p50</th><th>p99</th><th>Max</th><th>Est. cost</th><th>Share of cost</th></tr>"
    )
    return f'<table class="overview"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _overview_caption(functions: list[dict[str, Any]]) -> str:
    invocations = sum(entry["invocations"] for entry in functions)
    cost = sum(entry["estimated_cost_usd"] for entry in functions)
    noun = "function" if len(functions) == 1 else "functions"
    return f"{len(functions)} {noun}, {fmt_count(invocations)} invocations, {fmt_usd(cost)} estimated, costliest first."


def _kpis(summary: dict[str, Any]) -> str:
    duration = summary["duration_ms"] or {}
    basis = summary.get("cost_basis") or {}
    cost_note = f"{basis.get('architecture', '')} price"
    if basis.get("architecture_known") is False:
        cost_note = "priced as x86_64 (architecture unknown)"
    cards = [
        ("Invocations", fmt_count(summary["invocations"]), ""),
        ("Cold starts", fmt_count(summary["cold_starts"]), fmt_percent(summary["cold_start_rate"])),
        ("Errors", fmt_count(summary["errors"]), f"{fmt_count(summary['out_of_memory'])} out of memory"),
        ("Timeouts", fmt_count(summary["timeouts"]), ""),
        ("p50", fmt_ms(duration.get("p50")), ""),
        ("p99", fmt_ms(duration.get("p99")), f"p99.9 {fmt_ms(duration.get('p99.9'))}"),
        ("Estimated cost", fmt_usd(summary["estimated_cost_usd"]), cost_note),
    ]
    items = "".join(
        f'<div class="kpi"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>'
        f'<div class="note">{_e(note)}</div></div>'
        for label, value, note in cards
    )
    return f'<div class="kpis">{items}</div>'


def _versions_table(summaries: list[tuple[str, dict[str, Any]]], first_seen: dict[str, int]) -> str:
    rows = []
    for version, summary in summaries:
        duration = summary["duration_ms"] or {}
        seen = first_seen.get(version)
        rows.append(
            f'<tr data-version="{_e(version)}"><td class="name">{_e(version)}</td>'
            f"<td>{_e(f'{utc(seen):%Y-%m-%d %H:%M} UTC' if seen is not None else NONE)}</td>"
            + _number_cell(summary["invocations"], fmt_count(summary["invocations"]))
            + _number_cell(summary["cold_starts"], fmt_count(summary["cold_starts"]))
            + _number_cell(summary["errors"], fmt_count(summary["errors"]))
            + "".join(_number_cell(duration.get(f"p{p:g}"), fmt_ms(duration.get(f"p{p:g}"))) for p in PERCENTILES)
            + _number_cell(summary["estimated_cost_usd"], fmt_usd(summary["estimated_cost_usd"]))
            + "</tr>"
        )
    head = (
        "<tr><th>Version</th><th>First in window</th><th>Invocations</th><th>Cold starts</th><th>Errors</th>"
        + "".join(f"<th>p{p:g}</th>" for p in PERCENTILES)
        + "<th>Est. cost</th></tr>"
    )
    return f'<table class="versions"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _chart_html(chart: Chart, *, first: bool) -> str:
    body = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=first,  # the first chart carries the one copy of plotly.js
        include_mathjax=False,
        div_id=f"chart-{chart.key}",
        default_width="100%",
        default_height=f"{chart.height}px",
        config=PLOTLY_CONFIG,
    )
    return (
        f'<figure class="chart {"wide" if chart.wide else "half"}" data-chart="{_e(chart.key)}">'
        f"<h3>{_e(chart.title)}</h3>{body}"
        f"<figcaption>{_e(chart.caption)}</figcaption></figure>"
    )


STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#f1f5f9;color:#1e293b;font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,
'Helvetica Neue',Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:28px 28px 40px}
header h1{margin:0;font-size:24px;font-weight:650;letter-spacing:-.01em}
header p{margin:4px 0 0;color:#64748b}
section{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:18px 20px;margin-top:20px}
section>h2{margin:0 0 2px;font-size:17px;font-weight:650}
section>p.lead{margin:0 0 12px;color:#64748b}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{font-weight:600;color:#475569;text-align:right;border-bottom:2px solid #e2e8f0;padding:6px 8px;
white-space:nowrap;font-size:12.5px}
th:nth-child(-n+2){text-align:left}
td{padding:6px 8px;border-bottom:1px solid #f1f5f9;white-space:nowrap}
td.num{text-align:right}
td.rank{color:#94a3b8;width:1%}
td.name{font-weight:600}
table.versions{margin-top:10px}
table.versions td:first-child,table.versions th:first-child{text-align:left}
table.versions th:nth-child(2){text-align:left}
tr.featured td{background:#eff6ff}
.badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:8px;background:#2563eb;color:#fff;
font-size:11px;font-weight:600;vertical-align:1px}
td.share{width:150px;position:relative}
td.share .bar{display:inline-block;height:10px;border-radius:5px;background:#93c5fd;vertical-align:middle;
max-width:100px}
td.share .pct{margin-left:6px;color:#64748b;font-size:12px}
.kpis{display:grid;grid-template-columns:repeat(7,1fr);gap:10px;margin:6px 0 4px}
.kpi{border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px}
.kpi .label{font-size:12px;color:#64748b}
.kpi .value{font-size:19px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
.kpi .note{font-size:11px;color:#94a3b8;min-height:16px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-top:16px}
figure.chart{margin:0;border:1px solid #e2e8f0;border-radius:8px;padding:12px 12px 10px;background:#fff;min-width:0}
figure.wide{grid-column:1/-1}
figure.chart h3{margin:0 0 4px 4px;font-size:14px;font-weight:650}
figcaption{margin:6px 4px 0;color:#475569;font-size:13px}
p.empty{color:#64748b;font-style:italic}
footer{margin-top:18px;color:#94a3b8;font-size:12px}
@media (max-width:960px){.charts{grid-template-columns:1fr}.kpis{grid-template-columns:repeat(3,1fr)}}
"""


def _page(title: str, subtitle: str, sections: list[str], chart_count: int) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body>\n<main data-charts="{chart_count}">\n'
        f"<header><h1>{_e(title)}</h1><p>{_e(subtitle)}</p></header>\n"
        + "\n".join(sections)
        + "\n<footer>Figures from the lambda-durations query API. Percentiles are exact (nearest rank); "
        "costs are estimates from list prices. All times UTC.</footer>\n</main>\n</body>\n</html>\n"
    )


def build_report(
    ask: Ask,
    *,
    start_ms: int,
    end_ms: int,
    function: str | None = None,
    title: str = DEFAULT_TITLE,
    max_records: int = DEFAULT_MAX_RECORDS,
) -> str:
    """The report of [start_ms, end_ms) as one self-contained HTML page.

    ``function`` is the featured function; by default the costliest of the window.
    A refused request raises ``ReportError``; a failure of ``ask`` itself propagates.
    """
    overview = _ask(ask, {"start": start_ms, "end": end_ms})
    functions: list[dict[str, Any]] = overview["functions"]
    featured = function if function is not None else (functions[0]["function"] if functions else None)
    sections = [
        '<section id="overview"><h2>Functions</h2>'
        f'<p class="lead">{_e(_overview_caption(functions) if functions else "No invocations.")}</p>'
        f"{_overview_table(functions, featured)}</section>"
    ]
    charts: list[Chart] = []
    if featured is not None:
        interval = choose_interval(start_ms, end_ms)
        response = _ask(
            ask,
            {
                "function": featured,
                "start": start_ms,
                "end": end_ms,
                "interval": interval,
                "percentiles": list(PERCENTILES),
            },
        )
        summary = response["summary"]
        body: list[str] = []
        if summary["invocations"]:
            body.append(_kpis(summary))
            records = fetch_records(ask, featured, start_ms, end_ms, max_records=max_records)
            versions = list(records.first_seen)[-MAX_VERSIONS:]
            charts.append(latency_chart(response, records.first_seen, start_ms))
            if records.durations:
                charts.append(histogram_chart(records.durations, summary, truncated=records.truncated))
            if records.memory_used and summary["memory_size_mb"]:
                charts.append(memory_chart(records.memory_used, summary, truncated=records.truncated))
            charts.append(cold_start_chart(response))
            version_summaries: list[tuple[str, dict[str, Any]]] = []
            if len(versions) >= 2:
                for version in versions:
                    request = {
                        "function": featured,
                        "version": version,
                        "start": start_ms,
                        "end": end_ms,
                        "percentiles": list(PERCENTILES),
                    }
                    version_summaries.append((version, _ask(ask, request)["summary"]))
                charts.append(versions_chart(version_summaries))
            figures = [_chart_html(chart, first=index == 0) for index, chart in enumerate(charts)]
            if version_summaries:
                figures[-1] = figures[-1].replace(
                    "</figcaption>", "</figcaption>" + _versions_table(version_summaries, records.first_seen), 1
                )
            body.append(f'<div class="charts">{"".join(figures)}</div>')
        else:
            body.append('<p class="empty">No invocations of this function in the window.</p>')
        sections.append(
            f'<section id="function" data-function="{_e(featured)}"><h2>{_e(featured)}</h2>'
            f'<p class="lead">The featured function{"" if function else " (the costliest)"}.</p>'
            + "".join(body)
            + "</section>"
        )
    return _page(title, _window_text(start_ms, end_ms), sections, len(charts))


def write_report(path: str | Path, html: str) -> Path:
    """Write the page (UTF-8), creating its folder; returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
