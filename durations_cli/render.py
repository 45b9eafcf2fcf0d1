"""Responses of the query API as rich tables and a plotext chart. No I/O here: every
function takes a response (or part of one) and returns something a rich Console prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import plotext
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

NONE = "-"
# Tables without outer edges or doubled padding: the overview fits 90 columns.
_COMPACT: dict[str, Any] = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "collapse_padding": True}
CHART_HEIGHT = 16
CHART_TICKS = 6
CHART_MAX_WIDTH = 120


# --- Numbers -------------------------------------------------------------------------------


def ms(value: Any) -> str:
    """Milliseconds with two decimals (Lambda prints durations to 0.01 ms)."""
    return NONE if value is None else f"{value:,.2f}"


def count(value: Any) -> str:
    return NONE if value is None else f"{value:,}"


def mb(value: Any) -> str:
    return NONE if value is None else f"{value:,.0f}"


def percent(value: Any) -> str:
    return NONE if value is None else f"{value * 100:.2f}%"


def usd(value: Any) -> str:
    """Dollars with three significant digits below one cent, cents above."""
    if value is None:
        return NONE
    if value == 0:
        return "$0"
    if value >= 0.01:
        return f"${value:,.2f}"
    decimals = 2 - math.floor(math.log10(value))
    return f"${value:.{decimals}f}"


def _percentile_keys(distribution: dict[str, Any]) -> list[str]:
    return [key for key in distribution if key.startswith("p")]


# --- One function's report -------------------------------------------------------------------


def report_title(response: dict[str, Any]) -> Text:
    title = Text(response["function"], style="bold")
    if response.get("version") is not None:
        title.append(f" (version {response['version']})")
    title.append(f"  {response['start']} to {response['end']}", style="dim")
    return title


def summary_table(summary: dict[str, Any]) -> Table:
    """Counts, memory and cost, one measure per row."""
    table = Table(title="Summary", title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column("measure", style="bold")
    table.add_column("value", justify="right")
    table.add_column("detail", style="dim")
    invocations = summary["invocations"]
    table.add_row("Invocations", count(invocations), "")
    table.add_row("Cold starts", count(summary["cold_starts"]), percent(summary["cold_start_rate"]) + " of invocations")
    table.add_row("Errors", count(summary["errors"]), "status error or failure")
    table.add_row("Timeouts", count(summary["timeouts"]), "")
    table.add_row("Out of memory", count(summary["out_of_memory"]), "")
    billed = summary.get("billed_duration_ms")
    if billed is not None:
        table.add_row("Billed duration", f"{ms(billed['sum'])} ms", f"mean {ms(billed['mean'])} ms")
    sizes = summary.get("memory_size_mb") or []
    table.add_row("Memory size", ", ".join(f"{size:,} MB" for size in sizes) or NONE, "")
    utilization = summary.get("memory_utilization")
    if utilization is not None:
        table.add_row(
            "Memory utilization", percent(utilization["max"]), f"max used / size; p99 {percent(utilization['p99'])}"
        )
    basis = summary.get("cost_basis") or {}
    # The API's note (architecture unknown: priced as x86_64) says it all when present.
    detail = str(basis.get("note") or f"priced as {basis.get('architecture', 'x86_64')}")
    table.add_row("Estimated cost", usd(summary["estimated_cost_usd"]), detail)
    return table


def distribution_table(summary: dict[str, Any]) -> Table | None:
    """Duration, init duration and memory used: min, mean, the percentiles asked, max."""
    rows = [
        ("Duration (ms)", summary.get("duration_ms"), ms),
        ("Init duration (ms)", summary.get("init_duration_ms"), ms),
        ("Max memory used (MB)", summary.get("max_memory_used_mb"), mb),
    ]
    present = [(name, values, fmt) for name, values, fmt in rows if values]
    if not present:
        return None
    percentiles: list[str] = []
    for _, values, _ in present:
        percentiles.extend(key for key in _percentile_keys(values) if key not in percentiles)
    columns = ["min", "mean", *percentiles, "max"]
    table = Table(title="Distribution", title_justify="left", **_COMPACT)
    table.add_column("")
    for column in columns:
        table.add_column(column, justify="right")
    for name, values, fmt in present:
        table.add_row(name, *(fmt(values.get(column)) for column in columns))
    return table


def function_report(response: dict[str, Any]) -> RenderableType:
    summary = response["summary"]
    parts: list[RenderableType] = [report_title(response), Text(), summary_table(summary)]
    distribution = distribution_table(summary)
    if distribution is not None:
        parts += [Text(), distribution]
    return Group(*parts)


# --- The series chart ------------------------------------------------------------------------


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _date_form(points: Sequence[datetime]) -> str:
    span = (points[-1] - points[0]).total_seconds() if len(points) > 1 else 0
    if span < 86_400 and points[0].date() == points[-1].date():
        return "%H:%M"
    if span < 30 * 86_400:
        return "%m-%d %H:%M"
    return "%Y-%m-%d"


def series_chart(series: list[dict[str, Any]], width: int, *, height: int = CHART_HEIGHT) -> Text | None:
    """p50 and p99 duration per interval, drawn by plotext; None when no interval had an invocation.

    Intervals without invocations leave a gap in both lines rather than a drop to zero.
    """
    if not any(point["duration_ms"]["p50"] is not None for point in series):
        return None
    times = [_parse_iso(point["start"]) for point in series]
    form = _date_form(times)
    interval_text = _interval_text(times)
    figure = plotext.figure
    figure.clear()
    try:
        figure.theme("simple")  # no canvas or frame colors: readable on dark and light terminals
        figure.plot_size(min(max(width, 40), CHART_MAX_WIDTH), height)
        figure.date("x").activate(form=form, zone=0)
        # p99 >= p50 at every point, so the upper line is p99: no legend box over the data.
        figure.title(f"Duration (ms){interval_text}: p99 (upper line) and p50")
        figure.label("time (UTC)", "x")
        for key in ("p50", "p99"):
            indexes = [i for i, point in enumerate(series) if point["duration_ms"][key] is not None]
            signal = figure.signal([times[i] for i in indexes], [series[i]["duration_ms"][key] for i in indexes])
            signal.lines()
            for position in range(1, len(indexes)):
                if indexes[position] != indexes[position - 1] + 1:
                    signal.line(position, False)  # an empty interval lies between these two points
            figure.draw(signal)
        step = max(1, math.ceil(len(times) / CHART_TICKS))
        figure.ruler("x").ticks(times[::step])
        drawn = str(figure.build().string())
    finally:
        figure.clear()
    return Text.from_ansi(drawn, no_wrap=True, overflow="crop")


def _interval_text(times: Sequence[datetime]) -> str:
    if len(times) < 2:
        return ""
    seconds = int((times[1] - times[0]).total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f" per {seconds // size}{unit}"
    return f" per {seconds}s"


# --- Overview ------------------------------------------------------------------------------


def overview_table(response: dict[str, Any]) -> Table:
    """Every function with invocations in the window, costliest first."""
    functions = sorted(response["functions"], key=lambda entry: (-entry["estimated_cost_usd"], entry["function"]))
    table = Table(
        title=f"Functions  {response['start']} to {response['end']}",
        title_justify="left",
        **_COMPACT,
        show_footer=len(functions) > 1,
    )
    total_cost = math.fsum(entry["estimated_cost_usd"] for entry in functions)
    total_invocations = sum(entry["invocations"] for entry in functions)
    table.add_column("Function", footer=f"Total ({len(functions)})", overflow="fold")
    table.add_column("Invocations", justify="right", footer=count(total_invocations))
    table.add_column("Cold", justify="right")
    table.add_column("Errors", justify="right")
    table.add_column("Timeouts", justify="right")
    table.add_column("p50 ms", justify="right")
    table.add_column("p99 ms", justify="right")
    table.add_column("max ms", justify="right")
    table.add_column("Est. cost", justify="right", footer=usd(total_cost))
    for entry in functions:
        durations = entry["duration_ms"]
        table.add_row(
            entry["function"],
            count(entry["invocations"]),
            count(entry["cold_starts"]),
            count(entry["errors"]),
            count(entry["timeouts"]),
            ms(durations["p50"]),
            ms(durations["p99"]),
            ms(durations["max"]),
            usd(entry["estimated_cost_usd"]),
        )
    return table


# --- Records -------------------------------------------------------------------------------


def _iso_ms(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{epoch_ms % 1000:03d}"


def _status(record: dict[str, Any]) -> str:
    status = record.get("status") or NONE
    return f"{status} ({record['error_type']})" if record.get("error_type") else status


def _memory(record: dict[str, Any]) -> str:
    return f"{mb(record.get('max_memory_used_mb'))} / {mb(record.get('memory_size_mb'))}"


def records_table(records: list[dict[str, Any]], *, function: str) -> Table:
    """One row per record; CSV and JSON output carry every field, this the ones read most."""
    table = Table(title=f"{function}: {len(records):,} invocations", title_justify="left", **_COMPACT)
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("Request id", no_wrap=True)
    table.add_column("Version")
    table.add_column("Duration ms", justify="right")
    table.add_column("Billed ms", justify="right")
    table.add_column("Init ms", justify="right")
    table.add_column("Used / size MB", justify="right")
    table.add_column("Status")
    table.add_column("Cold")
    for record in records:
        table.add_row(
            _iso_ms(int(record["timestamp"])),
            record["request_id"],
            record.get("version") or NONE,
            ms(record.get("duration_ms")),
            count(record.get("billed_duration_ms")),
            ms(record.get("init_duration_ms")),
            _memory(record),
            _status(record),
            "cold" if record.get("cold_start") else "",
        )
    return table


def csv_value(value: Any) -> Any:
    """A record value as a CSV cell: empty for null, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
