"""Fixtures and builders of the integration suite: the real ingest code against moto.

Builders show the log lines that go in, in the shapes Lambda prints them (text and JSON
log formats); subscription events are encoded from them at test
time with ``durations.subscription.encode_payload``, so no test holds an opaque blob.

Helpers are imported by the test modules with ``from .conftest import ...``.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from durations import ingest_handler, keys
from durations.records import Record, from_item
from durations.schema import ENV_RECORD_TTL_DAYS, ENV_TABLE_NAME, ENV_WRITE_CONCURRENCY, PARTITION_KEY, SORT_KEY
from durations.subscription import encode_payload
from durations_local.template import create_invocation_table

REGION = "us-east-1"
TABLE = "lambda-durations-test"
TTL_DAYS = 30

# 2024-05-01T00:00:00Z, the day the example streams below were created.
T0 = 1_714_521_600_000
STREAM_DATE = "2024/05/01"
STREAM_HEX = "8f3a2c7d9e1b4a6f8c0d2e4f6a8b0c1d"  # 32 hex digits, the environment's id


# --- AWS: fake credentials, moto, the table -----------------------------------------------


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Every test runs with fake credentials and no profile or endpoint of the machine's,
    so that nothing here can reach a real AWS account even outside ``mock_aws``."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_LAMBDA", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def table(dynamodb: Any) -> str:
    """The table with the project's key names (imported from durations.schema, never retyped)."""
    create_invocation_table(dynamodb, TABLE)
    return TABLE


@pytest.fixture
def handler_env(monkeypatch: pytest.MonkeyPatch, table: str) -> Iterator[None]:
    """The ingest function's environment; its cached clients are rebuilt for each test
    (they are built once per cold start, and a test is a cold start inside its own moto)."""
    monkeypatch.setenv(ENV_TABLE_NAME, table)
    monkeypatch.setenv(ENV_RECORD_TTL_DAYS, str(TTL_DAYS))
    monkeypatch.setenv(ENV_WRITE_CONCURRENCY, "4")
    ingest_handler._dependencies.cache_clear()
    yield
    ingest_handler._dependencies.cache_clear()


# --- Reading the table back ----------------------------------------------------------------


def scan_items(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item of the table (all pages), in key order so two scans compare equal."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda item: (item[PARTITION_KEY]["S"], item[SORT_KEY]["S"]))


def count_items(client: Any, table: str) -> int:
    """How many items the table holds: a table cannot hold two items with one key, so this is
    also the number of distinct keys written."""
    count = 0
    kwargs: dict[str, Any] = {"TableName": table, "Select": "COUNT", "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        count += page["Count"]
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scan_attribute(client: Any, table: str, name: str) -> list[str]:
    """One string attribute of every item that has it. Projecting one attribute keeps the
    10,000-item read fast: moto's cost is in serializing every attribute it returns."""
    values: list[str] = []
    kwargs: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "#a",
        "ExpressionAttributeNames": {"#a": name},
        "ConsistentRead": True,
    }
    while True:
        page = client.scan(**kwargs)
        values.extend(item[name]["S"] for item in page["Items"] if name in item)
        if "LastEvaluatedKey" not in page:
            return values
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def invocation_items(client: Any, table: str) -> list[dict[str, Any]]:
    catalog_keys = set(keys.catalog_partition_keys())
    return [item for item in scan_items(client, table) if item[PARTITION_KEY]["S"] not in catalog_keys]


def stored_records(client: Any, table: str) -> list[Record]:
    """The invocation records in the table, ordered by time then request id."""
    records = [from_item(item) for item in invocation_items(client, table)]
    return sorted(records, key=lambda record: (record.timestamp, record.request_id))


def catalog_item(client: Any, table: str, function: str) -> dict[str, Any] | None:
    response = client.get_item(
        TableName=table,
        Key={PARTITION_KEY: {"S": keys.catalog_partition_key(function)}, SORT_KEY: {"S": function}},
        ConsistentRead=True,
    )
    return response.get("Item")


# --- Log lines, as Lambda prints them ------------------------------------------------------


def request_id(n: int) -> str:
    """A readable, distinct RequestId (UUID shape) per number."""
    return f"c0ffee00-0000-4000-8000-{n:012d}"


def start_line(rid: str, version: str = "$LATEST") -> str:
    return f"START RequestId: {rid} Version: {version}"


def end_line(rid: str) -> str:
    return f"END RequestId: {rid}"


def app_line(rid: str, text: str) -> str:
    """A line the function's own code printed (Python runtime's default format)."""
    return f"2024-05-01T00:00:00.120Z\t{rid}\tINFO\t{text}"


def text_report(
    rid: str,
    *,
    duration: str,
    billed: int,
    memory: int,
    max_used: int,
    init: str | None = None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    """``REPORT RequestId: ...\\tDuration: 12.47 ms\\tBilled Duration: 13 ms\\t...``: tab
    separated with a trailing tab. Durations are given as the text Lambda prints."""
    fields = [
        f"REPORT RequestId: {rid}",
        f"Duration: {duration} ms",
        f"Billed Duration: {billed} ms",
        f"Memory Size: {memory} MB",
        f"Max Memory Used: {max_used} MB",
    ]
    if init is not None:
        fields.append(f"Init Duration: {init} ms")
    if status is not None:
        fields.append(f"Status: {status}")
    if error_type is not None:
        fields.append(f"Error Type: {error_type}")
    return "\t".join(fields) + "\t"


def json_report(
    rid: str,
    *,
    duration_ms: float,
    billed_ms: int | None = None,
    memory_mb: int | None = None,
    max_used_mb: int | None = None,
    init_ms: float | None = None,
    status: str = "success",
    error_type: str | None = None,
    time_iso: str = "2024-05-01T00:00:01.000Z",
) -> str:
    """A ``platform.report`` line of the JSON log format; absent metrics are left out."""
    metrics: dict[str, Any] = {"durationMs": duration_ms}
    for name, value in (
        ("billedDurationMs", billed_ms),
        ("memorySizeMB", memory_mb),
        ("maxMemoryUsedMB", max_used_mb),
        ("initDurationMs", init_ms),
    ):
        if value is not None:
            metrics[name] = value
    record: dict[str, Any] = {"requestId": rid, "status": status, "metrics": metrics}
    if error_type is not None:
        record["errorType"] = error_type
    return json.dumps({"time": time_iso, "type": "platform.report", "record": record})


def json_platform_start(rid: str, version: str = "$LATEST") -> str:
    return json.dumps(
        {
            "time": "2024-05-01T00:00:00.000Z",
            "type": "platform.start",
            "record": {"requestId": rid, "version": version},
        }
    )


# --- Log groups and streams ----------------------------------------------------------------


def default_group(function: str) -> str:
    return f"/aws/lambda/{function}"


def default_stream(version: str = "$LATEST") -> str:
    """``YYYY/MM/DD/[<version>]<32 hex>``, the stream of a function's own log group."""
    return f"{STREAM_DATE}/[{version}]{STREAM_HEX}"


def named_stream(function: str, version: str = "$LATEST") -> str:
    """``YYYY/MM/DD/<name>[<version>]<32 hex>``, the stream in a custom or shared log group."""
    return f"{STREAM_DATE}/{function}[{version}]{STREAM_HEX}"


def subscription_event(log_group: str, log_stream: str, lines: list[tuple[int, str]]) -> dict[str, Any]:
    """What CloudWatch Logs hands the function: ``(timestamp ms, message)`` lines, gzip + base64."""
    return encode_payload(log_group, log_stream, lines)


def control_message_event() -> dict[str, Any]:
    """The reachability probe CloudWatch Logs sends when a subscription is created.

    encode_payload only builds DATA_MESSAGE payloads, so this one is encoded the same way here."""
    body = {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [
            {"id": "", "timestamp": T0, "message": "CWL CONTROL MESSAGE: Checking health of destination Lambda."}
        ],
    }
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()}}


# --- Records, for the writer and catalog tests ---------------------------------------------


def record(
    rid: str,
    timestamp: int,
    *,
    function: str = "orders-api",
    version: str | None = "$LATEST",
    duration_ms: float = 12.47,
    billed_duration_ms: int = 13,
    memory_size_mb: int = 256,
    max_memory_used_mb: int = 71,
) -> Record:
    """A warm, successful invocation as the parser reads a plain REPORT line."""
    return Record(
        function=function,
        version=version,
        request_id=rid,
        timestamp=timestamp,
        duration_ms=duration_ms,
        billed_duration_ms=billed_duration_ms,
        memory_size_mb=memory_size_mb,
        max_memory_used_mb=max_memory_used_mb,
        init_duration_ms=None,
        restore_duration_ms=None,
        billed_restore_duration_ms=None,
        status="success",
        error_type=None,
        cold_start=False,
        xray_trace_id=None,
    )


# --- Client proxies: the real moto client with one behaviour changed -------------------------


def client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (injected by the test)"}}, operation)


class RecordingClient:
    """Forwards every call to the real client and records each call of ``batch_write_item``
    and ``update_item``: its arguments and the thread it ran on.

    ``latency_s`` stands in for the network round trip of a real call (moto answers in
    microseconds, so without it one worker thread could drain a whole queue of batches)."""

    def __init__(self, real: Any, latency_s: float = 0.0):
        self._real = real
        self._latency = latency_s
        self._lock = threading.Lock()
        self.batch_calls: list[dict[str, Any]] = []
        self.batch_threads: list[int] = []
        self.update_calls: list[dict[str, Any]] = []

    def batch_write_item(self, **kwargs: Any) -> Any:
        with self._lock:
            self.batch_calls.append(kwargs)
            self.batch_threads.append(threading.get_ident())
        if self._latency:
            time.sleep(self._latency)
        return self._real.batch_write_item(**kwargs)

    def update_item(self, **kwargs: Any) -> Any:
        with self._lock:
            self.update_calls.append(kwargs)
        return self._real.update_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class PartlyUnprocessedClient:
    """For the first ``throttled_calls`` calls, writes only the first half of the request and
    hands the rest back as UnprocessedItems, as DynamoDB does under throttling; then forwards
    every call whole to the real client."""

    def __init__(self, real: Any, throttled_calls: int):
        self._real = real
        self._throttled_left = throttled_calls
        self._lock = threading.Lock()
        self.request_sizes: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> Any:
        ((table, requests),) = RequestItems.items()
        with self._lock:
            self.request_sizes.append(len(requests))
            throttled = self._throttled_left > 0
            if throttled:
                self._throttled_left -= 1
        if not throttled:
            return self._real.batch_write_item(RequestItems=RequestItems)
        written, unprocessed = requests[: len(requests) // 2], requests[len(requests) // 2 :]
        if written:
            self._real.batch_write_item(RequestItems={table: written})
        return {"UnprocessedItems": {table: unprocessed}}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class NeverProcessedClient:
    """Every BatchWriteItem call comes back with all of its items unprocessed."""

    def __init__(self) -> None:
        self.calls = 0

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> Any:
        self.calls += 1
        return {"UnprocessedItems": RequestItems}


class FailingBatchClient:
    """Every BatchWriteItem call fails with the given DynamoDB error code."""

    def __init__(self, code: str):
        self._code = code
        self.calls = 0

    def batch_write_item(self, **kwargs: Any) -> Any:
        self.calls += 1
        raise client_error(self._code, "BatchWriteItem")


class FakeLambda:
    """GetFunctionConfiguration answering from a script: each call takes the next answer, an
    exception is raised, a dict is returned."""

    def __init__(self, *answers: dict[str, Any] | Exception):
        self._answers = list(answers)
        self.requested: list[str] = []

    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:
        self.requested.append(FunctionName)
        answer = self._answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
