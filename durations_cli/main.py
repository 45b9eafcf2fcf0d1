"""``lambda-durations``: the command line of the query API.

Each command builds one request (see durations/query_request.py), sends it through an
``Invoker`` and renders the answer. The invoker and the clock come from ``Runtime``, the
click context object: tests pass their own with ``CliRunner().invoke(cli, args, obj=...)``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click
from rich.console import Console

from durations.query_request import MAX_LIMIT
from durations.schema import RECORD_FIELDS
from durations_cli import output, render
from durations_cli.invoker import (
    DEFAULT_STACK_NAME,
    AwsOptions,
    CliError,
    FunctionFailed,
    Invoker,
    LambdaInvoker,
    raise_for_error,
)
from durations_cli.local_commands import LocalInvoker, local

MAX_EPOCH_MS = 10**13 - 1
MIN_EPOCH_MS = 10**11  # 1973: anything smaller is almost certainly epoch seconds
_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_RELATIVE = re.compile(r"-?(\d{1,9})([smhdw])")

# Default series interval for the chart: about TARGET_POINTS points, on a round interval.
TARGET_POINTS = 60
CHART_INTERVALS: tuple[tuple[str, int], ...] = (
    ("1m", 60_000),
    ("5m", 300_000),
    ("15m", 900_000),
    ("1h", 3_600_000),
    ("1d", 86_400_000),
)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- Runtime: what tests replace ----------------------------------------------------------------


@dataclass
class Runtime:
    """The click context object: how to reach the query API, and the clock."""

    invoker_factory: Callable[[AwsOptions], Invoker] = LambdaInvoker.from_options
    clock: Callable[[], int] = _now_ms  # epoch milliseconds
    options: AwsOptions = field(default_factory=AwsOptions)
    _invoker: Invoker | None = None

    local: bool = False  # --local: the real query handler over local mode's DynamoDB Local

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """One request to the query API; its error shape raised as ``ValidationFailed``."""
        if self._invoker is None:
            self._invoker = LocalInvoker() if self.local else self.invoker_factory(self.options)
        return raise_for_error(self._invoker(request))


class _Failed(click.ClickException):
    exit_code = 1


class _Rejected(_Failed):
    exit_code = 2  # the request was invalid: a usage error, as click's own


class _Group(click.Group):
    """Prints a ``CliError`` as ``Error: <message>`` with its exit code, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CliError as error:
            raise (_Rejected if error.exit_code == _Rejected.exit_code else _Failed)(error.message) from None


# --- Option types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeArg:
    """A --since/--until value: relative to now (offset) or absolute (epoch ms)."""

    text: str
    offset_ms: int | None = None
    epoch_ms: int | None = None

    def resolve(self, now_ms: int) -> int:
        if self.epoch_ms is not None:
            return self.epoch_ms
        return max(now_ms - (self.offset_ms or 0), 0)


def parse_time(text: str) -> TimeArg:
    """A --since/--until value; ``click.BadParameter`` names what is accepted."""
    text = text.strip()
    if text == "now":
        return TimeArg(text, offset_ms=0)
    relative = _RELATIVE.fullmatch(text)
    if relative:
        return TimeArg(text, offset_ms=int(relative[1]) * _UNIT_MS[relative[2]])
    if text.isdigit():
        epoch = int(text)
        if epoch < MIN_EPOCH_MS:
            raise click.BadParameter(f"{text!r} looks like epoch seconds: give epoch milliseconds ({text}000)")
        if epoch > MAX_EPOCH_MS:
            raise click.BadParameter(f"{text!r} is out of range for epoch milliseconds")
        return TimeArg(text, epoch_ms=epoch)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a time: give a duration back from now (15m, 1h, 7d), "
            "ISO-8601 with a zone (2024-05-01T12:00:00Z) or epoch milliseconds"
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{text!r} needs a time zone: end it with Z or an offset such as +02:00")
    return TimeArg(text, epoch_ms=round(moment.timestamp() * 1000))


def parse_percentiles(text: str) -> list[float]:
    result: list[float] = []
    for item in text.split(","):
        try:
            number = float(item)
        except ValueError:
            raise click.BadParameter(f"{item.strip()!r} is not a number: give a list such as 50,90,99,99.9") from None
        if not (0 < number <= 100):
            raise click.BadParameter(f"{item.strip()} is not a percentile: each must be above 0 and at most 100")
        result.append(number)
    return result


def _time_callback(ctx: click.Context, param: click.Parameter, value: str) -> TimeArg:
    return parse_time(value)


def _percentiles_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    return None if value is None else parse_percentiles(value)


_TIME_HELP = "a duration back from now (15m, 1h, 7d), ISO-8601 with a zone, or epoch ms"


def since_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--since",
        metavar="TIME",
        default=default,
        callback=_time_callback,
        show_default=True,
        help=f"Start of the window: {_TIME_HELP}.",
    )


until_option = click.option(
    "--until",
    metavar="TIME",
    default="now",
    callback=_time_callback,
    show_default=True,
    help=f"End of the window: {_TIME_HELP}, or now.",
)
version_option = click.option(
    "--version",
    "version",
    metavar="VERSION",
    help="Only this version of the function ($LATEST, 12). Default: every version.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the API's JSON response as it is.")


def _local_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.ensure_object(Runtime).local = True
    return value


local_option = click.option(
    "--local",
    is_flag=True,
    expose_value=False,
    callback=_local_callback,
    help="Ask local mode (lambda-durations local up / make demo) instead of the deployed stack.",
)


def _window(runtime: Runtime, since: TimeArg, until: TimeArg) -> tuple[int, int]:
    """Both ends as epoch ms, relative ones resolved once against the same now."""
    now = runtime.clock()
    return since.resolve(now), until.resolve(now)


def default_interval(window_ms: int) -> str | None:
    """The round interval giving closest to TARGET_POINTS points over the window."""
    if window_ms <= 0:
        return None
    return min(CHART_INTERVALS, key=lambda item: abs(math.log(window_ms / item[1] / TARGET_POINTS)))[0]


def _console() -> Console:
    return output.console()


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


# --- Commands ------------------------------------------------------------------------------------


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--stack-name",
    envvar="LAMBDA_DURATIONS_STACK",
    default=DEFAULT_STACK_NAME,
    show_default=True,
    show_envvar=True,
    help="CloudFormation stack whose QueryFunctionName output names the query function.",
)
@click.option("--region", help="AWS Region of the stack. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's.")
@click.option("--profile", help="AWS profile for credentials and Region. Default: AWS_PROFILE or the default chain.")
@click.option(
    "--query-function",
    envvar="LAMBDA_DURATIONS_QUERY_FUNCTION",
    show_envvar=True,
    help="Name or ARN of the query function: skips the stack lookup.",
)
@click.version_option(package_name="lambda-durations", prog_name="lambda-durations")
@click.pass_context
def cli(
    ctx: click.Context, stack_name: str, region: str | None, profile: str | None, query_function: str | None
) -> None:
    """Durations, cold starts, errors and cost of your Lambda functions' invocations.

    Asks the query function of the deployed LambdaDurations stack. Times are shown in UTC.

    \b
    Examples:
      lambda-durations functions --since 24h
      lambda-durations query orders-api --since 6h --percentiles 50,99,99.9
      lambda-durations records orders-api --since 15m --format csv > records.csv
    """
    runtime = ctx.ensure_object(Runtime)
    runtime.options = AwsOptions(stack_name=stack_name, region=region, profile=profile, query_function=query_function)


@cli.command(short_help="Summary of one function's invocations, with a chart of p50 and p99.")
@click.argument("function")
@since_option("1h")
@until_option
@version_option
@click.option(
    "--interval",
    metavar="DURATION",
    help="Series interval for the chart (1m, 5m, 1h, 1d). Default: about 60 points over the window "
    "(no series with --json unless given).",
)
@click.option(
    "--percentiles",
    metavar="LIST",
    callback=_percentiles_callback,
    help="Duration percentiles to compute, comma separated. Default: the API's, 50,90,95,99.",
)
@click.option("--no-chart", is_flag=True, help="Summary tables only: no series, no chart.")
@json_option
@local_option
@click.pass_obj
def query(
    runtime: Runtime,
    *,
    function: str,
    since: TimeArg,
    until: TimeArg,
    version: str | None,
    interval: str | None,
    percentiles: list[float] | None,
    no_chart: bool,
    as_json: bool,
) -> None:
    """Summary of FUNCTION's invocations in a window, and a chart of p50 and p99 over time.

    Counts (invocations, cold starts, errors, timeouts, out of memory), the duration,
    init duration and memory distributions, and the estimated cost.

    \b
    Examples:
      lambda-durations query orders-api                 # the last hour
      lambda-durations query orders-api --since 7d --interval 1h
      lambda-durations query orders-api --since 2024-05-01T00:00:00Z --until 2024-05-02T00:00:00Z
      lambda-durations query orders-api --version 12 --json
    """
    start, end = _window(runtime, since, until)
    request: dict[str, Any] = {"function": function, "start": start, "end": end}
    if version is not None:
        request["version"] = version
    if percentiles:
        request["percentiles"] = [int(p) if p.is_integer() else p for p in percentiles]
    if interval is None and not as_json and not no_chart:
        interval = default_interval(end - start)
    if interval is not None and not no_chart:
        request["interval"] = interval
    response = runtime.call(request)
    if as_json:
        _print_json(response)
        return
    output.print_function_report(_console(), response)


@cli.command()
@since_option("24h")
@until_option
@json_option
@local_option
@click.pass_obj
def functions(runtime: Runtime, *, since: TimeArg, until: TimeArg, as_json: bool) -> None:
    """Every function invoked in a window, costliest first.

    Invocations, cold starts, errors, timeouts, p50/p99/max duration and estimated cost.

    \b
    Examples:
      lambda-durations functions                        # the last 24 hours
      lambda-durations functions --since 7d --json
    """
    start, end = _window(runtime, since, until)
    response = runtime.call({"start": start, "end": end})
    if as_json:
        _print_json(response)
        return
    console = _console()
    if not response["functions"]:
        console.print(f"No invocations between {response['start']} and {response['end']}.")
        return
    console.print(render.overview_table(response))


def _pages(runtime: Runtime, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every record of the window: page after page until next_token is null."""
    seen: set[str] = set()
    while True:
        response = runtime.call(request)
        yield from response.get("records") or []
        token = response.get("next_token")
        if not token:
            return
        if token in seen:
            raise FunctionFailed("The query function returned the same next_token twice: stopping")
        seen.add(token)
        request = {**request, "next_token": token}


@cli.command()
@click.argument("function")
@since_option("1h")
@until_option
@version_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table: for reading; json: one array of records; csv: a header of the record fields, one row each.",
)
@click.option(
    "--limit-per-page",
    type=click.IntRange(1, MAX_LIMIT),
    default=MAX_LIMIT,
    show_default=True,
    help="Records asked per call; every page is fetched either way.",
)
@local_option
@click.pass_obj
def records(
    runtime: Runtime,
    *,
    function: str,
    since: TimeArg,
    until: TimeArg,
    version: str | None,
    output_format: str,
    limit_per_page: int,
) -> None:
    """Every invocation record of FUNCTION in a window, oldest first.

    Follows the API's pages to the end. The window is fixed when the command starts, so
    every page covers the same window.

    \b
    Examples:
      lambda-durations records orders-api --since 15m
      lambda-durations records orders-api --since 1d --format csv > orders-api.csv
      lambda-durations records orders-api --since 1h --format json | jq '.[] | select(.cold_start)'
    """
    start, end = _window(runtime, since, until)
    # summary: false: paging needs the records only, not the window's statistics per page.
    request: dict[str, Any] = {"function": function, "start": start, "end": end, "records": True, "summary": False}
    request["limit"] = limit_per_page
    if version is not None:
        request["version"] = version
    pages = _pages(runtime, request)
    if output_format == "json":
        _write_json_array(pages)
    elif output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(RECORD_FIELDS)
        for record in pages:
            writer.writerow([render.csv_value(record.get(name)) for name in RECORD_FIELDS])
    else:
        collected = list(pages)
        console = _console()
        if not collected:
            console.print(f"No invocations of {function} in this window.")
            return
        console.print(render.records_table(collected, function=function))


def _write_json_array(records: Iterator[dict[str, Any]]) -> None:
    """A JSON array written as the pages arrive, one record per line."""
    out = sys.stdout
    first = True
    for record in records:
        out.write("[\n  " if first else ",\n  ")
        out.write(json.dumps(record))
        first = False
    out.write("[]\n" if first else "\n]\n")


def main() -> None:
    cli(prog_name="lambda-durations")


cli.add_command(local)
