"""``lambda-durations local ...``: the pipeline on DynamoDB Local, and --local for the query commands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from durations_cli import output, render
from durations_cli.invoker import CliError
from durations_local.dynamodb_local import DynamoDBLocalError
from durations_local.environment import DEFAULT_DB_PATH, STATE_DIR, LocalEnvironment
from durations_local.exports import ExportError, read_export
from durations_local.report import build_report, write_report
from durations_local.state import LocalState, NotRunning, stop
from durations_local.template import SynthError
from durations_local.workload import CHECKOUT, DAY_MS, generate


class BadInput(CliError):
    exit_code = 2


class LocalInvoker:
    """Answers query requests with the real query handler over the running local instance."""

    def __init__(self) -> None:
        try:
            state = LocalState.load()
        except NotRunning as error:
            raise CliError(str(error)) from None
        self.environment = LocalEnvironment(endpoint_url=state.endpoint_url, table_name=state.table_name)
        self.environment.__enter__()

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.environment.ask(request)


@click.group()
def local() -> None:
    """The whole pipeline on this machine, on Amazon's DynamoDB Local: no AWS account needed.

    \b
    Examples:
      lambda-durations local demo                      # generate a day of invocations, report
      lambda-durations local up                        # keep DynamoDB Local running
      lambda-durations local ingest exported.json --log-group /aws/lambda/orders-api
      lambda-durations functions --local --since 7d
      lambda-durations local down
    """


@local.command()
@click.option(
    "--db-path",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DB_PATH,
    show_default=True,
    help="Folder where DynamoDB Local keeps its data.",
)
def up(db_path: Path) -> None:
    """Start DynamoDB Local in the background, with the stack's tables (from the synthesized template)."""
    try:
        LocalState.load()
    except NotRunning:
        pass
    else:
        raise CliError("local mode is already running: `lambda-durations local down` stops it")
    click.echo("Starting DynamoDB Local and creating the tables from the synthesized template...")
    try:
        with LocalEnvironment(db_path=db_path, detached=True) as environment:
            pid = environment.detach_database()
            LocalState(pid, environment.endpoint_url, environment.table_name, str(db_path)).save()
    except (DynamoDBLocalError, SynthError) as error:
        raise CliError(str(error)) from None
    click.echo(f"DynamoDB Local is running at {environment.endpoint_url} (pid {pid}), data in {db_path}.")
    click.echo("Query it with --local, e.g. `lambda-durations functions --local`; stop it with `local down`.")


@local.command()
def down() -> None:
    """Stop the DynamoDB Local started by `local up` (its data stays in its folder)."""
    try:
        state = LocalState.load()
    except NotRunning as error:
        raise CliError(str(error)) from None
    stop(state)
    click.echo(f"Stopped DynamoDB Local (pid {state.pid}); data kept in {state.db_path}.")


@local.command()
@click.argument("file", type=click.File("r"))
@click.option("--log-group", help="Log group the export comes from (aws logs filter-log-events --log-group-name).")
@click.option("--function", "function", help="Function the lines belong to; default group /aws/lambda/FUNCTION.")
@click.option(
    "--at",
    "at_ms",
    type=int,
    default=None,
    help="Epoch ms to stamp plain lines that carry no time (default now; 1 ms apart in file order).",
)
def ingest(file: Any, log_group: str | None, function: str | None, at_ms: int | None) -> None:
    """Load REPORT lines exported from CloudWatch Logs into local mode.

    FILE is the JSON that `aws logs filter-log-events` prints, or plain text lines (with
    --function), as `aws logs tail` prints them or bare. Use - for standard input.
    """
    try:
        events = read_export(
            file.read(), log_group=log_group, function=function, at_ms=at_ms or time.time_ns() // 1_000_000
        )
    except ExportError as error:
        raise BadInput(str(error)) from None
    invoker = LocalInvoker()
    totals = invoker.environment.ingest(events)
    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(totals.skipped.items())) or "none"
    click.echo(
        f"Ingested {totals.payloads} payloads: {totals.received} log events, {totals.stored} records stored; "
        f"skipped: {skipped}."
    )


@local.command()
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the generated workload.")
@click.option(
    "--scale",
    type=click.FloatRange(0.001, 10),
    default=1.0,
    show_default=True,
    help="Workload volume (1 = a busy day).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=STATE_DIR / "report.html",
    show_default=True,
    help="Where to write the HTML report.",
)
@click.option(
    "--db-path",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DB_PATH,
    show_default=True,
    help="Folder where DynamoDB Local keeps its data (used unless `local up` is running).",
)
@click.option("--in-memory", is_flag=True, help="Keep nothing: DynamoDB Local in memory.")
def demo(seed: int, scale: float, report_path: Path, db_path: Path, in_memory: bool) -> None:
    """Generate yesterday's invocations of several functions, ingest them, query them, write a report.

    The same ingest and query handlers as in Lambda, on DynamoDB Local, with tables created
    from the synthesized template. Seeded: the same seed gives the same figures.
    """
    out = output.console()
    day_start = (time.time_ns() // 1_000_000) // DAY_MS * DAY_MS - DAY_MS  # yesterday, 00:00 UTC
    day_end = day_start + DAY_MS
    workload = generate(seed, day_start_ms=day_start, scale=scale)
    out.print(
        f"Generated {workload.invocations:,} invocations of {len(workload.expected)} functions "
        f"in {len(workload.events):,} subscription payloads (seed {seed}, scale {scale:g})."
    )
    functions = {truth.name: (truth.architecture, truth.memory_size_mb) for truth in workload.expected.values()}
    try:
        running: LocalState | None = LocalState.load()
    except NotRunning:
        running = None
    if running is not None:
        environment = LocalEnvironment(
            endpoint_url=running.endpoint_url, table_name=running.table_name, functions=functions
        )
        out.print(f"Using the DynamoDB Local of `local up` at {running.endpoint_url}.")
    else:
        environment = LocalEnvironment(db_path=None if in_memory else db_path, functions=functions)
        out.print("Starting DynamoDB Local, creating the tables from the synthesized template...")
    try:
        with environment:
            started = time.perf_counter()
            totals = environment.ingest(workload.events)
            elapsed = time.perf_counter() - started
            skipped = ", ".join(f"{reason} {count:,}" for reason, count in sorted(totals.skipped.items()))
            out.print(
                f"Ingested {totals.payloads:,} payloads through the ingest handler: {totals.received:,} log events, "
                f"{totals.stored:,} records stored in {elapsed:.1f} s ({totals.stored / elapsed:,.0f} records/s); "
                f"skipped: {skipped or 'none'}."
            )
            out.print()
            out.print(render.overview_table(environment.ask({"start": day_start, "end": day_end})))
            out.print()
            featured = environment.ask({"function": CHECKOUT, "start": day_start, "end": day_end, "interval": "1h"})
            output.print_function_report(out, featured)
            html = build_report(environment.ask, start_ms=day_start, end_ms=day_end, function=CHECKOUT)
            path = write_report(report_path, html)
    except (DynamoDBLocalError, SynthError) as error:
        raise CliError(str(error)) from None
    out.print()
    out.print(f"Report: {path.resolve()} (self-contained: open it in a browser, offline)")
