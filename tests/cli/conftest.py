"""Fixtures of the command-line suite: the real query code answers the CLI, in-process.

The table lives in moto; records go in through the ingest side's own writer and catalog
(``DynamoRecordWriter``, ``DynamoFunctionCatalog``). The CLI gets a ``Runtime`` whose
invoker hands each request to ``durations.query.handle`` (JSON in, JSON out, as Lambda
does) and whose clock is fixed at ``NOW``, the same "now" the handler is given.

What is loaded (all times before NOW = 2024-05-01T12:00:00Z):

- ``orders-api``: 200 invocations in the last hour, one every 18 s; durations 10.00,
  10.25, ... 59.75 ms (so p50 = 34.75, p99 = 59.25, max = 59.75); every 50th cold
  (4, init 250.5 ms); two errors, one timeout; 256 MB; version "11" for the first 100,
  "12" for the last 100. Priced as x86_64 (architecture unknown).
- ``checkout``: 50 invocations of 800 ms at 1024 MB in the last hour (x86_64).
- ``thumbnails``: 10 invocations of 3,000 ms at 2048 MB in the last hour (arm64).
- ``legacy-cron``: 3 invocations two days ago, outside every default window.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import boto3
import pytest
from click.testing import CliRunner, Result
from moto import mock_aws

from durations.log_source import FunctionRef
from durations.query import handle
from durations.records import Record
from durations.settings import QuerySettings
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, DynamoWindowReader, FunctionConfig
from durations_cli.invoker import AwsOptions, Invoker
from durations_cli.main import Runtime, cli
from durations_local.template import create_invocation_table

REGION = "us-east-1"
TABLE = "lambda-durations-cli-test"
TTL_DAYS = 30

NOW = 1_714_564_800_000  # 2024-05-01T12:00:00Z
HOUR = 3_600_000
DAY = 24 * HOUR

ORDERS = "orders-api"
CHECKOUT = "checkout"
THUMBNAILS = "thumbnails"
LEGACY = "legacy-cron"


def request_id(function: str, n: int) -> str:
    """A distinct RequestId (UUID shape) per function and number."""
    prefix = {ORDERS: "0a", CHECKOUT: "0c", THUMBNAILS: "0f", LEGACY: "0e"}[function]
    return f"{prefix}c0ffee-0000-4000-8000-{n:012d}"


def invocation(
    function: str,
    n: int,
    timestamp: int,
    *,
    duration_ms: float,
    memory_size_mb: int,
    max_memory_used_mb: int = 70,
    version: str | None = "$LATEST",
    init_duration_ms: float | None = None,
    status: str = "success",
    error_type: str | None = None,
) -> Record:
    return Record(
        function=function,
        version=version,
        request_id=request_id(function, n),
        timestamp=timestamp,
        duration_ms=duration_ms,
        billed_duration_ms=math.ceil(duration_ms),
        memory_size_mb=memory_size_mb,
        max_memory_used_mb=max_memory_used_mb,
        init_duration_ms=init_duration_ms,
        restore_duration_ms=None,
        billed_restore_duration_ms=None,
        status=status,
        error_type=error_type,
        cold_start=init_duration_ms is not None,
        xray_trace_id=None,
    )


def orders_records() -> list[Record]:
    records = []
    for i in range(200):
        status, error_type = "success", None
        if i in (7, 77):
            status, error_type = "error", "Runtime.HandlerError"
        elif i == 150:
            status, error_type = "timeout", "Sandbox.Timedout"
        records.append(
            invocation(
                ORDERS,
                i,
                NOW - HOUR + 500 + i * 18_000,
                duration_ms=10.0 + i * 0.25,
                memory_size_mb=256,
                max_memory_used_mb=70 + i % 10,
                version="11" if i < 100 else "12",
                init_duration_ms=250.5 if i % 50 == 0 else None,
                status=status,
                error_type=error_type,
            )
        )
    return records


def other_records() -> dict[str, list[Record]]:
    return {
        CHECKOUT: [
            invocation(CHECKOUT, i, NOW - HOUR + 1_000 + i * 60_000, duration_ms=800.0, memory_size_mb=1024)
            for i in range(50)
        ],
        THUMBNAILS: [
            invocation(THUMBNAILS, i, NOW - HOUR + 2_000 + i * 300_000, duration_ms=3000.0, memory_size_mb=2048)
            for i in range(10)
        ],
        LEGACY: [
            invocation(LEGACY, i, NOW - 2 * DAY + i * 60_000, duration_ms=5.0, memory_size_mb=128) for i in range(3)
        ],
    }


class Configurations:
    """Stands in for FunctionConfigLookup (GetFunctionConfiguration): the architecture and
    memory a deployed function reports. orders-api is left unknown."""

    ANSWERS: ClassVar[dict[str, FunctionConfig]] = {
        CHECKOUT: FunctionConfig("x86_64", 1024),
        THUMBNAILS: FunctionConfig("arm64", 2048),
        LEGACY: FunctionConfig("x86_64", 128),
    }

    def configuration(self, function: FunctionRef) -> FunctionConfig | None:
        return self.ANSWERS.get(function.name)


# --- AWS: fake credentials, moto, the loaded table ---------------------------------------------


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Fake credentials, no profile, no config files, no instance metadata: nothing here can
    reach a real AWS account. Tests about missing credentials remove the keys again."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_ENDPOINT_URL_CLOUDFORMATION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "LAMBDA_DURATIONS_STACK",
        "LAMBDA_DURATIONS_QUERY_FUNCTION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def table(dynamodb: Any) -> str:
    create_invocation_table(dynamodb, TABLE)
    return TABLE


@pytest.fixture
def loaded(dynamodb: Any, table: str) -> dict[str, list[Record]]:
    """Every function's records written and catalogued as the ingest function does it."""
    by_function = {ORDERS: orders_records(), **other_records()}
    writer = DynamoRecordWriter(dynamodb, table, TTL_DAYS, concurrency=1)
    catalog = DynamoFunctionCatalog(dynamodb, table, Configurations())  # type: ignore[arg-type]
    for function, records in by_function.items():
        assert writer.write(records) == len(records)
        for version in sorted({record.version for record in records}, key=str):
            catalog.observe(FunctionRef(function, version), [r for r in records if r.version == version])
    return by_function


# --- The query API, answered in-process ----------------------------------------------------------


class HandlerInvoker:
    """An ``Invoker`` answered by the real query code over the moto table, at NOW.

    Requests and responses go through JSON both ways, as they do through Lambda."""

    def __init__(self, dynamodb: Any, table: str, now_ms: int = NOW):
        self._reader = DynamoWindowReader(dynamodb, table)
        self._prices = QuerySettings.from_env({"TABLE_NAME": table}).prices
        self._now = now_ms
        self.requests: list[dict[str, Any]] = []

    def answer(self, request: Any) -> dict[str, Any]:
        return handle(request, self._reader, self._prices, self._now)

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        sent = json.loads(json.dumps(request))
        self.requests.append(sent)
        answer: dict[str, Any] = json.loads(json.dumps(self.answer(sent)))
        return answer


@pytest.fixture
def invoker(dynamodb: Any, loaded: dict[str, list[Record]]) -> HandlerInvoker:
    return HandlerInvoker(dynamodb, TABLE)


class Cli:
    """Runs ``lambda-durations`` with a given invoker factory and the clock at NOW."""

    def __init__(self, factory: Callable[[AwsOptions], Invoker]):
        self.factory = factory
        self.options: list[AwsOptions] = []

    def _factory(self, options: AwsOptions) -> Invoker:
        self.options.append(options)
        return self.factory(options)

    def __call__(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        runtime = Runtime(invoker_factory=self._factory, clock=lambda: NOW)
        # Output is not a terminal here: tables keep their natural width (no COLUMNS set).
        return CliRunner().invoke(cli, list(args), obj=runtime, env={"COLUMNS": None, **(env or {})})


@pytest.fixture
def run(invoker: HandlerInvoker) -> Cli:
    return Cli(lambda options: invoker)
