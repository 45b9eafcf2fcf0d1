"""``lambda-durations`` end to end: each command's request, its rendering of the real query
code's answer over a moto table, and the messages of every failure a user can fix.

The figures asserted come from the data loaded in conftest.py (its docstring lists them).
The real ``LambdaInvoker`` is tested against boto3 clients whose answers are stubbed
(botocore's Stubber), or answered by the query code itself: moto's CloudFormation needs
packages this project does not install.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber
from click.testing import CliRunner

from durations.schema import RECORD_FIELDS
from durations_cli.invoker import (
    AwsOptions,
    FunctionFailed,
    LambdaInvoker,
    ValidationFailed,
    raise_for_error,
)
from durations_cli.main import cli, default_interval

from .conftest import (
    CHECKOUT,
    DAY,
    HOUR,
    LEGACY,
    NOW,
    ORDERS,
    THUMBNAILS,
    Cli,
    HandlerInvoker,
    request_id,
)

# --- Helpers -----------------------------------------------------------------------------------


def row(output: str, label: str) -> list[str]:
    """The cells of the first table line starting with ``label`` (split on runs of spaces)."""
    for line in output.splitlines():
        if line.strip().startswith(label):
            return re.split(r"\s{2,}", line.strip()[len(label) :].strip())
    raise AssertionError(f"no line starts with {label!r} in:\n{output}")


def header(output: str, first: str) -> list[str]:
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no header line starting with {first!r} in:\n{output}")


def records_as_dicts(loaded: dict[str, list[Any]], function: str) -> list[dict[str, Any]]:
    return [record._asdict() for record in sorted(loaded[function], key=lambda r: (r.timestamp, r.request_id))]


def error_line(result: Any) -> str:
    """The one line the CLI printed on stderr, with no traceback."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


# --- query -----------------------------------------------------------------------------------


def test_query_prints_the_summary_of_the_last_hour_and_a_chart_of_p50_and_p99(run: Cli, invoker: HandlerInvoker):
    result = run("query", ORDERS)

    assert result.exit_code == 0, result.output
    # One request, the window resolved to epoch ms once, a default interval for about 60 points.
    assert invoker.requests == [{"function": ORDERS, "start": NOW - HOUR, "end": NOW, "interval": "1m"}]
    out = result.stdout
    assert "orders-api  2024-05-01T11:00:00.000Z to 2024-05-01T12:00:00.000Z" in out
    assert row(out, "Invocations") == ["200"]
    assert row(out, "Cold starts") == ["4", "2.00% of invocations"]
    assert row(out, "Errors") == ["2", "status error or failure"]
    assert row(out, "Timeouts") == ["1"]
    assert row(out, "Out of memory") == ["0"]
    assert row(out, "Memory size") == ["256 MB"]
    assert row(out, "Memory utilization") == ["30.86%", "max used / size; p99 30.86%"]  # 79 / 256
    assert row(out, "Estimated cost")[1] == "architecture unknown: priced as x86_64"
    assert header(out, "min") == ["min", "mean", "p50", "p90", "p95", "p99", "max"]
    # Durations 10.00, 10.25, ... 59.75: nearest rank p50 = 100th = 34.75, p99 = 198th = 59.25.
    assert row(out, "Duration (ms)") == ["10.00", "34.88", "34.75", "54.75", "57.25", "59.25", "59.75"]
    assert row(out, "Init duration (ms)")[0] == "250.50"
    assert row(out, "Max memory used (MB)") == ["-", "-", "74", "78", "79", "79", "79"]
    # The chart: drawn by plotext as text, since stdout is not a terminal here.
    assert "Duration (ms) per 1m: p99 (upper line) and p50" in out
    assert "time (UTC)" in out
    assert "11:00" in out
    assert "\x1b[" not in out  # no color codes when the output is not a terminal


def test_query_json_prints_the_response_as_the_api_returns_it(run: Cli, invoker: HandlerInvoker):
    result = run("query", ORDERS, "--json")

    assert result.exit_code == 0, result.output
    request = {"function": ORDERS, "start": NOW - HOUR, "end": NOW}
    assert invoker.requests == [request]  # no interval unless asked: the raw response of the request
    response = json.loads(result.stdout)
    assert response == json.loads(json.dumps(invoker.answer(request)))
    assert "series" not in response
    assert response["summary"]["invocations"] == 200
    assert response["summary"]["duration_ms"]["p99"] == 59.25
    assert response["next_token"] is None


def test_query_json_with_an_interval_holds_the_series(run: Cli):
    result = run("query", ORDERS, "--interval", "5m", "--json")

    assert result.exit_code == 0, result.output
    series = json.loads(result.stdout)["series"]
    assert len(series) == 12
    assert series[0]["start"] == "2024-05-01T11:00:00.000Z"
    assert sum(point["invocations"] for point in series) == 200
    # 5 minutes hold invocations 0..16 (one every 18 s): durations 10.00 .. 14.00.
    assert series[0]["duration_ms"] == {"p50": 12.0, "p99": 14.0, "max": 14.0}


def test_query_of_one_version_with_chosen_percentiles(run: Cli, invoker: HandlerInvoker):
    result = run("query", ORDERS, "--version", "12", "--percentiles", "50,99.9", "--no-chart")

    assert result.exit_code == 0, result.output
    assert invoker.requests == [
        {"function": ORDERS, "start": NOW - HOUR, "end": NOW, "version": "12", "percentiles": [50, 99.9]}
    ]
    out = result.stdout
    assert "orders-api (version 12)" in out
    assert row(out, "Invocations") == ["100"]
    assert header(out, "min") == ["min", "mean", "p50", "p99.9", "max"]
    # Version 12 is invocations 100..199: durations 35.00 .. 59.75.
    assert row(out, "Duration (ms)") == ["35.00", "47.38", "47.25", "59.75", "59.75"]
    assert "p99 (upper line)" not in out


def test_query_takes_iso_and_epoch_ms_times(run: Cli, invoker: HandlerInvoker):
    result = run("query", ORDERS, "--since", "2024-05-01T13:30:00+02:00", "--until", str(NOW), "--json")

    assert result.exit_code == 0, result.output
    assert invoker.requests[0]["start"] == NOW - HOUR // 2
    assert invoker.requests[0]["end"] == NOW
    assert json.loads(result.stdout)["summary"]["invocations"] == 100


def test_query_over_a_longer_window_charts_with_a_gap_where_nothing_ran(run: Cli, invoker: HandlerInvoker):
    result = run("query", ORDERS, "--since", "1d")

    assert result.exit_code == 0, result.output
    assert invoker.requests[0]["interval"] == "15m"
    assert row(result.stdout, "Invocations") == ["200"]
    assert "Duration (ms) per 15m: p99 (upper line) and p50" in result.stdout
    assert "04-30 12:00" in result.stdout  # a window over two days labels its ticks with the date


def test_query_of_a_window_without_invocations(run: Cli):
    result = run("query", ORDERS, "--since", "3d", "--until", "2d")

    assert result.exit_code == 0, result.output
    assert row(result.stdout, "Invocations") == ["0"]
    assert "No invocations in this window: nothing to chart." in result.stdout


@pytest.mark.parametrize(
    ("window_ms", "interval"),
    [(15 * 60_000, "1m"), (HOUR, "1m"), (6 * HOUR, "5m"), (DAY, "15m"), (7 * DAY, "1h"), (30 * DAY, "1d"), (0, None)],
)
def test_the_default_chart_interval_gives_about_60_points(window_ms: int, interval: str | None):
    assert default_interval(window_ms) == interval


# --- functions -------------------------------------------------------------------------------


def test_functions_lists_the_last_day_costliest_first(run: Cli, invoker: HandlerInvoker):
    result = run("functions")

    assert result.exit_code == 0, result.output
    assert invoker.requests == [{"start": NOW - DAY, "end": NOW}]
    out = result.stdout
    assert header(out, "Function") == [
        "Function",
        "Invocations",
        "Cold",
        "Errors",
        "Timeouts",
        "p50",
        "ms",
        "p99",
        "ms",
        "max",
        "ms",
        "Est.",
        "cost",
    ]
    # thumbnails: 10 x 3 s x 2 GB on arm64 = 60 GB-s; checkout: 50 x 0.8 s x 1 GB on x86_64 = 40 GB-s.
    assert row(out, THUMBNAILS) == ["10", "0", "0", "0", "3,000.00", "3,000.00", "3,000.00", "$0.000802"]
    assert row(out, CHECKOUT) == ["50", "0", "0", "0", "800.00", "800.00", "800.00", "$0.000677"]
    assert row(out, ORDERS) == ["200", "4", "2", "1", "34.75", "59.25", "59.75", "$0.0000694"]
    assert out.index(THUMBNAILS) < out.index(CHECKOUT) < out.index(ORDERS)
    assert LEGACY not in out  # last invoked two days ago
    assert row(out, "Total (3)") == ["260", "$0.00155"]


def test_functions_json_is_the_overview(run: Cli, invoker: HandlerInvoker):
    result = run("functions", "--since", "3d", "--json")

    assert result.exit_code == 0, result.output
    response = json.loads(result.stdout)
    assert [entry["function"] for entry in response["functions"]] == [THUMBNAILS, CHECKOUT, ORDERS, LEGACY]
    assert response["start"] == "2024-04-28T12:00:00.000Z"


def test_functions_in_a_window_without_invocations(run: Cli):
    result = run("functions", "--since", "10d", "--until", "5d")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No invocations between 2024-04-21T12:00:00.000Z and 2024-04-26T12:00:00.000Z."


# --- records ---------------------------------------------------------------------------------


def test_records_json_follows_every_page_over_one_window(run: Cli, invoker: HandlerInvoker, loaded: Any):
    result = run("records", ORDERS, "--format", "json", "--limit-per-page", "30")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == records_as_dicts(loaded, ORDERS)
    # 200 records, 30 a page: 7 calls, all over the window resolved before the first.
    assert len(invoker.requests) == 7
    for number, request in enumerate(invoker.requests):
        assert (request["start"], request["end"]) == (NOW - HOUR, NOW)
        assert (request["records"], request["limit"]) == (True, 30)
        assert ("next_token" in request) == (number > 0)
    assert len({request.get("next_token") for request in invoker.requests}) == 7


def test_records_csv_has_a_header_of_the_record_fields_and_a_row_per_record(run: Cli, loaded: Any):
    result = run("records", ORDERS, "--format", "csv", "--limit-per-page", "64")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(RECORD_FIELDS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 200
    assert [r["request_id"] for r in rows] == [r["request_id"] for r in records_as_dicts(loaded, ORDERS)]
    first = rows[0]  # invocation 0: cold, version 11
    assert first["timestamp"] == str(NOW - HOUR + 500)
    assert (first["version"], first["duration_ms"], first["billed_duration_ms"]) == ("11", "10.0", "10")
    assert (first["cold_start"], first["init_duration_ms"], first["restore_duration_ms"]) == ("true", "250.5", "")
    timeout = rows[150]
    assert (timeout["status"], timeout["error_type"]) == ("timeout", "Sandbox.Timedout")


def test_records_of_one_version(run: Cli, invoker: HandlerInvoker, loaded: Any):
    result = run("records", ORDERS, "--version", "11", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == records_as_dicts(loaded, ORDERS)[:100]
    assert invoker.requests[0]["version"] == "11"
    assert invoker.requests[0]["limit"] == 1000


def test_records_table(run: Cli):
    result = run("records", ORDERS, "--since", "2024-05-01T11:45:00Z", "--until", "2024-05-01T11:46:00Z")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "orders-api: 4 invocations" in out  # invocations 150..153, at 11:45:00.5 + 18 s steps
    assert header(out, "Time") == [
        "Time",
        "(UTC)",
        "Request",
        "id",
        "Version",
        "Duration",
        "ms",
        "Billed",
        "ms",
        "Init",
        "ms",
        "Used",
        "/",
        "size",
        "MB",
        "Status",
        "Cold",
    ]
    assert row(out, "2024-05-01 11:45:00.500") == [
        request_id(ORDERS, 150),
        "12",
        "47.50",
        "48",
        "250.50",
        "70 / 256",
        "timeout (Sandbox.Timedout)",
        "cold",
    ]
    assert row(out, "2024-05-01 11:45:54.500")[:4] == [request_id(ORDERS, 153), "12", "48.25", "49"]


def test_records_of_a_window_without_invocations(run: Cli):
    as_json = run("records", ORDERS, "--since", "3d", "--until", "2d", "--format", "json")
    as_csv = run("records", ORDERS, "--since", "3d", "--until", "2d", "--format", "csv")
    as_table = run("records", ORDERS, "--since", "3d", "--until", "2d")

    assert json.loads(as_json.stdout) == []
    assert as_csv.stdout == ",".join(RECORD_FIELDS) + "\n"
    assert as_table.stdout.strip() == "No invocations of orders-api in this window."


def test_records_per_page_is_at_most_the_api_limit(run: Cli, invoker: HandlerInvoker):
    result = run("records", ORDERS, "--limit-per-page", "1001")

    assert result.exit_code == 2
    assert "1001 is not in the range 1<=x<=1000" in result.stderr
    assert invoker.requests == []


# --- Invalid input ---------------------------------------------------------------------------


def test_a_validation_error_of_the_api_is_one_clear_line(run: Cli):
    result = run("query", ORDERS, "--interval", "5x")

    assert result.exit_code == 2
    assert error_line(result) == (
        "Error: Invalid request: interval must be a duration such as 1m, 5m, 1h or 1d; got '5x' (field: interval)"
    )
    assert result.stdout == ""


def test_a_window_that_ends_before_it_starts_is_refused_by_the_api(run: Cli):
    result = run("records", ORDERS, "--since", "1h", "--until", "2h")

    assert result.exit_code == 2
    assert error_line(result) == (
        "Error: Invalid request: start (2024-05-01T11:00:00.000Z) must be before end (2024-05-01T10:00:00.000Z)"
        " (field: start)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "'yesterday' is not a time: give a duration back from now (15m, 1h, 7d)"),
        ("1714564800", "'1714564800' looks like epoch seconds: give epoch milliseconds (1714564800000)"),
        ("2024-05-01T11:00:00", "'2024-05-01T11:00:00' needs a time zone: end it with Z or an offset such as +02:00"),
    ],
)
def test_times_the_cli_cannot_read_are_refused_before_any_call(
    run: Cli, invoker: HandlerInvoker, value: str, message: str
):
    result = run("query", ORDERS, "--since", value)

    assert result.exit_code == 2
    assert "Invalid value for '--since'" in result.stderr
    assert message in result.stderr
    assert invoker.requests == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("50,abc", "'abc' is not a number"), ("0,99", "0 is not a percentile"), ("101", "101 is not a percentile")],
)
def test_percentiles_the_cli_cannot_read_are_refused(run: Cli, invoker: HandlerInvoker, value: str, message: str):
    result = run("query", ORDERS, "--percentiles", value)

    assert result.exit_code == 2
    assert message in result.stderr
    assert invoker.requests == []


def test_every_command_has_help():
    runner = CliRunner()
    for command in ([], ["query"], ["functions"], ["records"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
    assert "--limit-per-page" in runner.invoke(cli, ["records", "--help"]).stdout
    assert "LAMBDA_DURATIONS_STACK" in runner.invoke(cli, ["--help"]).stdout


# --- The real invoker: stack lookup, Lambda invocation, AWS failures --------------------------


STACK = "LambdaDurations"
QUERY_FUNCTION = "LambdaDurations-QueryFunction-AbC123"
STACK_REGION = "eu-west-1"


def stack_description(stack: str, outputs: dict[str, str]) -> dict[str, Any]:
    return {
        "Stacks": [
            {
                "StackName": stack,
                "CreationTime": "2024-05-01T00:00:00Z",
                "StackStatus": "CREATE_COMPLETE",
                "Outputs": [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()],
            }
        ]
    }


def payload(value: Any) -> StreamingBody:
    body = json.dumps(value).encode()
    return StreamingBody(io.BytesIO(body), len(body))


class HandlerLambda:
    """A Lambda client whose ``invoke`` runs the query code in-process, bytes in, bytes out."""

    def __init__(self, invoker: HandlerInvoker):
        self._invoker = invoker
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        answer = self._invoker.answer(json.loads(kwargs["Payload"]))
        return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": payload(answer)}


class StubSession:
    """A boto3 Session whose CloudFormation client is real with stubbed answers (Stubber),
    and whose Lambda client is given (a stubbed real one, or HandlerLambda)."""

    def __init__(self, region: str, lambda_client: Any = None):
        self.region_name = region
        self.cloudformation = boto3.client("cloudformation", region_name=region)
        self.cloudformation_stub = Stubber(self.cloudformation)
        self.lambda_client = lambda_client or boto3.client("lambda", region_name=region)
        self.lambda_stub = Stubber(self.lambda_client) if lambda_client is None else None
        self.clients: list[str] = []

    def client(self, name: str, **kwargs: Any) -> Any:
        self.clients.append(name)
        return {"cloudformation": self.cloudformation, "lambda": self.lambda_client}[name]

    def expect_stack(self, stack: str = STACK, outputs: dict[str, str] | None = None) -> None:
        outputs = {"TableName": "t", "QueryFunctionName": QUERY_FUNCTION} if outputs is None else outputs
        self.cloudformation_stub.add_response(
            "describe_stacks", stack_description(stack, outputs), expected_params={"StackName": stack}
        )


@pytest.fixture
def session() -> Iterator[StubSession]:
    stub = StubSession(STACK_REGION)
    with stub.cloudformation_stub, stub.lambda_stub:  # type: ignore[union-attr]
        yield stub
    stub.cloudformation_stub.assert_no_pending_responses()


class SessionFactory:
    """Stands in for boto3.Session: records the arguments, returns the given session."""

    def __init__(self, session: Any):
        self.session = session
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.session


def real_invoker_cli(session: Any) -> tuple[Cli, SessionFactory]:
    factory = SessionFactory(session)
    return Cli(lambda options: LambdaInvoker.from_options(options, session_factory=factory)), factory


def test_the_real_invoker_finds_the_function_in_the_stack_and_invokes_it(dynamodb: Any, loaded: Any):
    lambda_client = HandlerLambda(HandlerInvoker(dynamodb, "lambda-durations-cli-test"))
    session = StubSession(STACK_REGION, lambda_client)
    session.expect_stack("Custom")  # looked up once, however many pages follow
    run, factory = real_invoker_cli(session)

    with session.cloudformation_stub:
        result = run(
            "--stack-name", "Custom", "--region", STACK_REGION, "--profile", "ops",
            "records", ORDERS, "--format", "csv", "--limit-per-page", "100",
        )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 201
    assert factory.calls == [{"profile_name": "ops", "region_name": STACK_REGION}]
    assert run.options == [AwsOptions(stack_name="Custom", region=STACK_REGION, profile="ops")]
    assert session.clients == ["cloudformation", "lambda"]
    assert len(lambda_client.calls) == 2
    first = lambda_client.calls[0]
    assert (first["FunctionName"], first["InvocationType"]) == (QUERY_FUNCTION, "RequestResponse")
    assert json.loads(first["Payload"]) == {
        "function": ORDERS,
        "start": NOW - HOUR,
        "end": NOW,
        "records": True,
        "summary": False,
        "limit": 100,
    }
    session.cloudformation_stub.assert_no_pending_responses()


def test_a_validation_error_through_lambda_is_one_clear_line(dynamodb: Any, loaded: Any):
    session = StubSession(STACK_REGION, HandlerLambda(HandlerInvoker(dynamodb, "lambda-durations-cli-test")))
    session.expect_stack()
    run, _ = real_invoker_cli(session)

    with session.cloudformation_stub:
        result = run("query", ORDERS, "--since", "7d", "--interval", "1s")

    assert result.exit_code == 2
    assert error_line(result) == (
        "Error: Invalid request: interval 1s gives 604,800 points over this window; at most 10,000 (field: interval)"
    )


def test_the_stack_name_comes_from_the_environment(session: StubSession):
    session.expect_stack("FromEnv", outputs={})
    run, _ = real_invoker_cli(session)

    result = run("functions", env={"LAMBDA_DURATIONS_STACK": "FromEnv"})

    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: Stack FromEnv in {STACK_REGION} (CREATE_COMPLETE) has no QueryFunctionName output: deploy this"
        " version of the stack (make deploy), or name the function with --query-function"
    )


def test_a_stack_that_is_not_deployed(session: StubSession):
    session.cloudformation_stub.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {STACK} does not exist",
        http_status_code=400,
        expected_params={"StackName": STACK},
    )
    run, _ = real_invoker_cli(session)

    result = run("query", ORDERS)

    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: Stack {STACK} is not deployed in {STACK_REGION}: run make deploy, or pass --stack-name"
        " (and --region) of the stack you deployed"
    )


def test_no_permission_to_read_the_stack(session: StubSession):
    session.cloudformation_stub.add_client_error(
        "describe_stacks", service_error_code="AccessDenied", service_message="not authorized", http_status_code=403
    )
    run, _ = real_invoker_cli(session)

    result = run("functions")

    assert result.exit_code == 1
    assert error_line(result) == (f"Error: AWS DescribeStacks failed in {STACK_REGION}: AccessDenied: not authorized")


def test_a_function_error_shows_the_error_message(session: StubSession):
    session.expect_stack()
    error = {
        "errorMessage": "An error occurred (ProvisionedThroughputExceededException) when calling the Query operation",
        "errorType": "ProvisionedThroughputExceededException",
        "requestId": "5d3f2a3e-0000-4000-8000-000000000001",
        "stackTrace": ['  File "/var/task/durations/query_handler.py", line 33, in handler\n'],
    }
    session.lambda_stub.add_response(  # type: ignore[union-attr]
        "invoke",
        {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload(error)},
        expected_params={"FunctionName": QUERY_FUNCTION, "InvocationType": "RequestResponse", "Payload": ANY},
    )
    run, _ = real_invoker_cli(session)

    result = run("functions")

    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: The query function {QUERY_FUNCTION} failed (ProvisionedThroughputExceededException): An error"
        " occurred (ProvisionedThroughputExceededException) when calling the Query operation. Its log group"
        f" /aws/lambda/{QUERY_FUNCTION} has the details."
    )


def test_a_query_function_that_no_longer_exists(session: StubSession):
    session.lambda_stub.add_client_error(  # type: ignore[union-attr]
        "invoke",
        service_error_code="ResourceNotFoundException",
        service_message="Function not found",
        http_status_code=404,
    )
    run, _ = real_invoker_cli(session)

    # --query-function names the function: no stack lookup (no describe_stacks answer is queued).
    result = run("--query-function", "gone", "functions")

    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: The query function gone does not exist in {STACK_REGION}: redeploy the stack (make deploy),"
        " or check --stack-name and --region"
    )
    assert session.clients == ["lambda"]


def test_no_credentials_at_all():
    # The default runtime: a real boto3 Session, with nothing to sign with (conftest removed
    # profiles and config files and turned instance metadata off; here the keys go too).
    result = CliRunner().invoke(cli, ["functions"], env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None})

    assert result.exit_code == 1
    assert error_line(result) == (
        "Error: No AWS credentials found: configure a profile (aws configure) or set AWS_PROFILE, "
        "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )


def test_partial_credentials():
    result = CliRunner().invoke(cli, ["query", ORDERS], env={"AWS_SECRET_ACCESS_KEY": None})

    assert result.exit_code == 1
    assert error_line(result).startswith("Error: No AWS credentials found: configure a profile (aws configure)")
    assert "missing: AWS_SECRET_ACCESS_KEY" in result.stderr


def test_an_unknown_profile():
    result = CliRunner().invoke(cli, ["--profile", "nope", "functions"])

    assert result.exit_code == 1
    assert error_line(result) == (
        "Error: The config profile (nope) could not be found:"
        " check --profile or AWS_PROFILE (aws configure list-profiles)"
    )


# --- The API's error shape, whatever the invoker ------------------------------------------------


def test_raise_for_error_maps_the_error_shape():
    ok = {"function": ORDERS, "next_token": None}
    assert raise_for_error(ok) is ok
    with pytest.raises(ValidationFailed) as caught:
        raise_for_error({"error": {"type": "ValidationError", "message": "the request must be a JSON object"}})
    assert str(caught.value) == "Invalid request: the request must be a JSON object"
    assert (caught.value.field, caught.value.exit_code) == (None, 2)
    with pytest.raises(FunctionFailed):
        raise_for_error(["not", "an", "object"])
