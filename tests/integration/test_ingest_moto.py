"""Ingest against moto: subscription events in, the items DynamoDB holds afterwards out.

Every assertion reads the table back (scan or get_item) and compares exact values.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import zipfile
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from durations import ingest_handler, keys
from durations.ingest import ingest_event
from durations.log_source import FunctionRef
from durations.records import Record, from_item
from durations.schema import ENV_TABLE_NAME, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, FunctionConfig, FunctionConfigLookup
from durations.subscription import PayloadDecodeError

from .conftest import (
    REGION,
    T0,
    TTL_DAYS,
    FailingBatchClient,
    FakeLambda,
    RecordingClient,
    app_line,
    catalog_item,
    client_error,
    control_message_event,
    count_items,
    default_group,
    default_stream,
    end_line,
    invocation_items,
    json_platform_start,
    json_report,
    named_stream,
    record,
    request_id,
    scan_attribute,
    scan_items,
    start_line,
    stored_records,
    subscription_event,
    text_report,
)

DAY_S = 86_400


def handler_summary(event: dict[str, Any]) -> dict[str, Any]:
    """The handler's returned summary without its timing, which no test can predict."""
    summary = ingest_handler.handler(event, None)
    assert summary.pop("elapsed_ms") >= 0
    return summary


def catalog_entry(function: str, **attributes: dict[str, str]) -> dict[str, Any]:
    """The catalog item expected for a function: its key, its name and the given attributes."""
    return {
        PARTITION_KEY: {"S": keys.catalog_partition_key(function)},
        SORT_KEY: {"S": function},
        "function": {"S": function},
        **attributes,
    }


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


# --- Two invocations, cold and out of memory, from a default log group ----------------------

COLD = request_id(1)
OOM = request_id(2)
TWO_INVOCATIONS = [
    (T0, start_line(COLD)),
    (T0 + 5, app_line(COLD, "processing order 42")),
    (T0 + 250, end_line(COLD)),
    (T0 + 250, text_report(COLD, duration="210.03", billed=655, memory=512, max_used=140, init="444.12")),
    (T0 + 1000, start_line(OOM)),
    (T0 + 1931, end_line(OOM)),
    (
        T0 + 1931,
        text_report(
            OOM,
            duration="930.10",
            billed=931,
            memory=512,
            max_used=512,
            status="error",
            error_type="Runtime.OutOfMemory",
        ),
    ),
]
COLD_RECORD = Record(
    function="orders-api",
    version="$LATEST",
    request_id=COLD,
    timestamp=T0 + 250,
    duration_ms=210.03,
    billed_duration_ms=655,
    memory_size_mb=512,
    max_memory_used_mb=140,
    init_duration_ms=444.12,
    restore_duration_ms=None,
    billed_restore_duration_ms=None,
    status="success",
    error_type=None,
    cold_start=True,
    xray_trace_id=None,
)
OOM_RECORD = Record(
    function="orders-api",
    version="$LATEST",
    request_id=OOM,
    timestamp=T0 + 1931,
    duration_ms=930.1,
    billed_duration_ms=931,
    memory_size_mb=512,
    max_memory_used_mb=512,
    init_duration_ms=None,
    restore_duration_ms=None,
    billed_restore_duration_ms=None,
    status="error",
    error_type="Runtime.OutOfMemory",
    cold_start=False,
    xray_trace_id=None,
)


def test_handler_stores_exactly_the_reports_and_counts_every_other_line(dynamodb, table, handler_env):
    event = subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS)

    summary = handler_summary(event)

    assert summary == {
        "log_group": "/aws/lambda/orders-api",
        "log_stream": default_stream(),
        "function": "orders-api",
        "received": 7,
        "stored": 2,
        "skipped": {"not_report": 5},
        "malformed_samples": [],
    }
    assert stored_records(dynamodb, table) == [COLD_RECORD, OOM_RECORD]


def test_handler_writes_items_under_the_key_design_with_a_ttl_from_the_event_time(dynamodb, table, handler_env):
    handler_summary(subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS))

    items = invocation_items(dynamodb, table)
    by_request = {item["request_id"]["S"]: item for item in items}
    assert set(by_request) == {COLD, OOM}
    for rid, timestamp in ((COLD, T0 + 250), (OOM, T0 + 1931)):
        item = by_request[rid]
        assert (item[PARTITION_KEY]["S"], item[SORT_KEY]["S"]) == keys.invocation_key("orders-api", rid, timestamp)
        assert item[TTL_ATTRIBUTE] == n(timestamp // 1000 + TTL_DAYS * DAY_S)


def test_handler_catalogs_a_function_lambda_does_not_know_without_an_architecture(dynamodb, table, handler_env):
    # moto's Lambda has no function "orders-api": GetFunctionConfiguration answers
    # ResourceNotFound, which must not stop the catalog entry from being written.
    handler_summary(subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS))

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0 + 250), last_seen=n(T0 + 1931), memory_size_mb=n(512)
    )


def create_moto_function(name: str, *, architecture: str, memory_mb: int) -> None:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(
        RoleName=f"{name}-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": code.getvalue()},
        MemorySize=memory_mb,
        Architectures=[architecture],
    )


def test_handler_catalogs_the_architecture_and_configured_memory_of_an_existing_function(dynamodb, table, handler_env):
    create_moto_function("orders-api", architecture="arm64", memory_mb=512)

    handler_summary(subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS))

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api",
        first_seen=n(T0 + 250),
        last_seen=n(T0 + 1931),
        memory_size_mb=n(512),
        architecture={"S": "arm64"},
        configured_memory_mb=n(512),
    )


# --- Redelivery and retries -----------------------------------------------------------------


@pytest.mark.parametrize("second_delivery", ["same execution environment", "fresh execution environment"])
def test_a_payload_delivered_twice_leaves_the_table_unchanged(dynamodb, table, handler_env, second_delivery):
    event = subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS)
    handler_summary(event)
    after_first = scan_items(dynamodb, table)

    if second_delivery == "fresh execution environment":
        ingest_handler._dependencies.cache_clear()  # a cold start: the catalog remembers nothing
    summary = handler_summary(event)

    assert summary["stored"] == 2
    assert scan_items(dynamodb, table) == after_first
    assert len(after_first) == 3  # two invocations and one catalog entry


def test_an_async_retry_that_reuses_the_request_id_is_stored_as_a_second_invocation(dynamodb, table, handler_env):
    # Lambda keeps the RequestId when it retries an asynchronous invocation (a minute later here).
    rid = request_id(7)
    event = subscription_event(
        default_group("orders-api"),
        default_stream(),
        [
            (T0, text_report(rid, duration="6000.00", billed=6000, memory=128, max_used=60, status="timeout")),
            (T0 + 60_000, text_report(rid, duration="812.40", billed=813, memory=128, max_used=61)),
        ],
    )

    summary = handler_summary(event)

    assert summary["stored"] == 2
    assert [(r.request_id, r.timestamp, r.duration_ms, r.status) for r in stored_records(dynamodb, table)] == [
        (rid, T0, 6000.0, "timeout"),
        (rid, T0 + 60_000, 812.4, "success"),
    ]


# --- Log formats and log sources ------------------------------------------------------------


def test_text_and_json_reports_in_one_payload_are_all_stored(dynamodb, table, handler_env):
    text_rid, json_rid, timeout_rid = request_id(1), request_id(2), request_id(3)
    event = subscription_event(
        default_group("orders-api"),
        default_stream("12"),
        [
            (T0, text_report(text_rid, duration="12.47", billed=13, memory=256, max_used=71)),
            (T0 + 10, json_platform_start(json_rid, version="12")),
            (T0 + 11, json.dumps({"level": "INFO", "message": "order 42 shipped"})),
            (
                T0 + 20,
                json_report(json_rid, duration_ms=101.5, billed_ms=102, memory_mb=256, max_used_mb=80, init_ms=380.25),
            ),
            (
                T0 + 3000,
                json_report(
                    timeout_rid,
                    duration_ms=3000.0,
                    billed_ms=3000,
                    memory_mb=256,
                    max_used_mb=90,
                    status="timeout",
                    error_type="Sandbox.Timedout",
                ),
            ),
        ],
    )

    summary = handler_summary(event)

    assert (summary["stored"], summary["skipped"]) == (3, {"not_report": 2})
    common = {"function": "orders-api", "version": "12", "memory_size_mb": 256}
    assert stored_records(dynamodb, table) == [
        record(text_rid, T0, **common, duration_ms=12.47, billed_duration_ms=13, max_memory_used_mb=71),
        record(json_rid, T0 + 20, **common, duration_ms=101.5, billed_duration_ms=102, max_memory_used_mb=80)._replace(
            init_duration_ms=380.25, cold_start=True
        ),
        record(
            timeout_rid, T0 + 3000, **common, duration_ms=3000.0, billed_duration_ms=3000, max_memory_used_mb=90
        )._replace(status="timeout", error_type="Sandbox.Timedout"),
    ]


def test_a_shared_log_group_takes_function_and_version_from_the_stream_name(dynamodb, table, handler_env):
    rid = request_id(1)
    event = subscription_event(
        "/shared/app-logs",
        named_stream("orders-api", "3"),  # 2024/05/01/orders-api[3]<32 hex>
        [(T0, text_report(rid, duration="12.47", billed=13, memory=256, max_used=71))],
    )

    summary = handler_summary(event)

    assert (summary["function"], summary["stored"]) == ("orders-api", 1)
    assert stored_records(dynamodb, table) == [record(rid, T0, function="orders-api", version="3")]
    assert catalog_item(dynamodb, table, "orders-api") is not None


def test_a_lambda_at_edge_group_is_stored_under_the_function_name(dynamodb, table, handler_env):
    rid = request_id(1)
    event = subscription_event(
        "/aws/lambda/us-east-1.edge-fn",
        default_stream("1"),
        [(T0, text_report(rid, duration="12.47", billed=13, memory=128, max_used=40))],
    )

    summary = handler_summary(event)

    assert (summary["function"], summary["stored"]) == ("edge-fn", 1)
    assert stored_records(dynamodb, table) == [
        record(rid, T0, function="edge-fn", version="1", memory_size_mb=128, max_memory_used_mb=40)
    ]


def test_a_log_group_of_no_lambda_function_stores_nothing_and_counts_not_lambda(dynamodb, table, handler_env):
    # The account-level subscription forwards every group's matching lines, REPORT look-alikes included.
    event = subscription_event(
        "/ecs/web-frontend",
        "web/web/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        [(T0, text_report(request_id(1), duration="12.47", billed=13, memory=256, max_used=71))],
    )

    summary = handler_summary(event)

    assert summary == {
        "log_group": "/ecs/web-frontend",
        "log_stream": "web/web/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "function": None,
        "received": 1,
        "stored": 0,
        "skipped": {"not_lambda": 1},
        "malformed_samples": [],
    }
    assert scan_items(dynamodb, table) == []


def test_a_control_message_stores_nothing_and_does_not_fail(dynamodb, table, handler_env):
    summary = handler_summary(control_message_event())

    assert (summary["stored"], summary["skipped"]) == (0, {"CONTROL_MESSAGE": 1})
    assert scan_items(dynamodb, table) == []


def test_a_payload_of_ten_thousand_reports_is_stored_completely(dynamodb, table, handler_env):
    # The largest payload CloudWatch Logs sends: 400 batches, written concurrently (WRITE_CONCURRENCY=4).
    lines = [
        (T0 + i, text_report(request_id(i), duration="12.47", billed=13, memory=256, max_used=71))
        for i in range(10_000)
    ]

    summary = handler_summary(subscription_event(default_group("orders-api"), default_stream(), lines))

    assert (summary["received"], summary["stored"], summary["skipped"]) == (10_000, 10_000, {})
    assert count_items(dynamodb, table) == 10_000 + 1  # every invocation and the catalog entry
    stored_request_ids = scan_attribute(dynamodb, table, "request_id")
    assert len(stored_request_ids) == 10_000
    assert set(stored_request_ids) == {request_id(i) for i in range(10_000)}
    last_pk, last_sk = keys.invocation_key("orders-api", request_id(9_999), T0 + 9_999)
    last_item = dynamodb.get_item(
        TableName=table, Key={PARTITION_KEY: {"S": last_pk}, SORT_KEY: {"S": last_sk}}, ConsistentRead=True
    )["Item"]
    assert from_item(last_item) == record(request_id(9_999), T0 + 9_999)


# --- Failures propagate so the invocation is retried, then dead-lettered --------------------


def test_a_missing_table_fails_the_invocation(dynamodb, table, handler_env, monkeypatch):
    monkeypatch.setenv(ENV_TABLE_NAME, "no-such-table")
    event = subscription_event(default_group("orders-api"), default_stream(), TWO_INVOCATIONS)

    with pytest.raises(ClientError) as raised:
        ingest_handler.handler(event, None)

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert scan_items(dynamodb, table) == []


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "InternalServerError"])
def test_a_dynamodb_error_propagates_out_of_ingest_and_leaves_the_catalog_untouched(dynamodb, table, code):
    failing = FailingBatchClient(code)
    writer = DynamoRecordWriter(failing, table, TTL_DAYS, concurrency=4)
    catalog = DynamoFunctionCatalog(dynamodb, table, None)
    lines = [
        (T0 + i, text_report(request_id(i), duration="12.47", billed=13, memory=256, max_used=71)) for i in range(100)
    ]

    with pytest.raises(ClientError) as raised:
        ingest_event(subscription_event(default_group("orders-api"), default_stream(), lines), writer, catalog)

    assert raised.value.response["Error"]["Code"] == code
    assert failing.calls >= 1
    assert scan_items(dynamodb, table) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("%%% this is not base64 %%%", "awslogs.data is not valid base64"),
        (base64.b64encode(b"REPORT RequestId: plain text, never gzipped").decode(), "awslogs.data is not gzip data"),
    ],
    ids=["not-base64", "not-gzip"],
)
@pytest.mark.usefixtures("handler_env")
def test_an_undecodable_event_fails_the_invocation_and_logs_why(dynamodb, table, caplog, data, reason):
    caplog.set_level(logging.ERROR, logger="durations.ingest")

    with pytest.raises(PayloadDecodeError) as raised:
        ingest_handler.handler({"awslogs": {"data": data}}, None)

    assert raised.value.reason == reason
    errors = [entry for entry in caplog.records if entry.levelno == logging.ERROR]
    assert [(entry.name, entry.reason) for entry in errors] == [("durations.ingest", reason)]
    assert scan_items(dynamodb, table) == []


# --- The function catalog -------------------------------------------------------------------

ORDERS = FunctionRef("orders-api", "$LATEST")


def test_catalog_records_first_and_last_seen_of_a_new_function(dynamodb, table):
    catalog = DynamoFunctionCatalog(dynamodb, table, None)

    catalog.observe(
        ORDERS, [record(request_id(2), T0 + 5000), record(request_id(1), T0), record(request_id(3), T0 + 2000)]
    )

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0), last_seen=n(T0 + 5000), memory_size_mb=n(256)
    )


def test_a_later_payload_of_older_records_lowers_first_seen_and_keeps_last_seen(dynamodb, table):
    catalog = DynamoFunctionCatalog(dynamodb, table, None)
    catalog.observe(ORDERS, [record(request_id(1), T0), record(request_id(2), T0 + 5000)])

    catalog.observe(ORDERS, [record(request_id(3), T0 - 3_600_000), record(request_id(4), T0 - 3_500_000)])

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0 - 3_600_000), last_seen=n(T0 + 5000), memory_size_mb=n(256)
    )


def test_a_late_payload_seen_by_another_container_keeps_the_newer_last_seen_and_its_memory(dynamodb, table):
    DynamoFunctionCatalog(dynamodb, table, None).observe(ORDERS, [record(request_id(1), T0)])
    other_container = DynamoFunctionCatalog(dynamodb, table, None)

    other_container.observe(ORDERS, [record(request_id(2), T0 - 3_600_000, memory_size_mb=1024)])

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0 - 3_600_000), last_seen=n(T0), memory_size_mb=n(256)
    )


def test_a_newer_payload_seen_by_another_container_raises_last_seen_and_keeps_first_seen(dynamodb, table):
    DynamoFunctionCatalog(dynamodb, table, None).observe(ORDERS, [record(request_id(1), T0)])
    other_container = DynamoFunctionCatalog(dynamodb, table, None)

    other_container.observe(ORDERS, [record(request_id(2), T0 + 3_600_000, memory_size_mb=1024)])

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0), last_seen=n(T0 + 3_600_000), memory_size_mb=n(1024)
    )


def test_an_observation_within_the_last_seen_resolution_makes_no_update_call(dynamodb, table):
    client = RecordingClient(dynamodb)
    catalog = DynamoFunctionCatalog(client, table, None, last_seen_resolution_ms=60_000)
    catalog.observe(ORDERS, [record(request_id(1), T0)])
    calls_after_first = len(client.update_calls)

    catalog.observe(ORDERS, [record(request_id(2), T0 + 10_000)])

    assert calls_after_first == 2  # last_seen and first_seen of a function new to this container
    assert len(client.update_calls) == calls_after_first
    assert catalog_item(dynamodb, table, "orders-api")["last_seen"] == n(T0)


def test_an_observation_beyond_the_last_seen_resolution_makes_one_update_call(dynamodb, table):
    client = RecordingClient(dynamodb)
    catalog = DynamoFunctionCatalog(client, table, None, last_seen_resolution_ms=60_000)
    catalog.observe(ORDERS, [record(request_id(1), T0)])
    calls_before = len(client.update_calls)

    catalog.observe(ORDERS, [record(request_id(2), T0 + 90_000)])

    assert len(client.update_calls) == calls_before + 1
    assert catalog_item(dynamodb, table, "orders-api")["last_seen"] == n(T0 + 90_000)


def test_steady_traffic_keeps_moving_last_seen_forward(dynamodb, table):
    # Payloads less than one resolution apart (every 30 s, resolution 60 s) must still move
    # last_seen: the container compares against what it wrote, not what it last saw.
    # The stored last_seen lags the newest observation by less than one resolution.
    catalog = DynamoFunctionCatalog(dynamodb, table, None, last_seen_resolution_ms=60_000)
    newest = T0 + 300_000
    for step, timestamp in enumerate(range(T0, newest + 1, 30_000)):
        catalog.observe(ORDERS, [record(request_id(step), timestamp)])

    last_seen = int(catalog_item(dynamodb, table, "orders-api")["last_seen"]["N"])
    assert newest - last_seen < 60_000


def test_catalog_writes_the_configuration_once_per_container(dynamodb, table):
    client = RecordingClient(dynamodb)
    lambda_client = FakeLambda({"Architectures": ["arm64"], "MemorySize": 1024})
    catalog = DynamoFunctionCatalog(client, table, FunctionConfigLookup(lambda_client))

    catalog.observe(ORDERS, [record(request_id(1), T0)])
    catalog.observe(ORDERS, [record(request_id(2), T0 + 120_000)])

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api",
        first_seen=n(T0),
        last_seen=n(T0 + 120_000),
        memory_size_mb=n(256),
        architecture={"S": "arm64"},
        configured_memory_mb=n(1024),
    )
    config_updates = [call for call in client.update_calls if "architecture" in call["UpdateExpression"]]
    assert len(config_updates) == 1
    assert lambda_client.requested == ["orders-api"]


def test_catalog_without_a_configuration_still_records_first_and_last_seen(dynamodb, table):
    throttled = FakeLambda(client_error("ThrottlingException", "GetFunctionConfiguration"))
    catalog = DynamoFunctionCatalog(dynamodb, table, FunctionConfigLookup(throttled))

    catalog.observe(ORDERS, [record(request_id(1), T0)])

    assert catalog_item(dynamodb, table, "orders-api") == catalog_entry(
        "orders-api", first_seen=n(T0), last_seen=n(T0), memory_size_mb=n(256)
    )


# --- GetFunctionConfiguration lookups (a fake Lambda client: no table needed) ---------------


def test_configuration_of_a_function_is_its_architecture_and_memory_and_is_cached():
    lambda_client = FakeLambda({"FunctionName": "orders-api", "Architectures": ["arm64"], "MemorySize": 1024})
    lookup = FunctionConfigLookup(lambda_client)

    assert lookup.configuration(ORDERS) == FunctionConfig(architecture="arm64", memory_size_mb=1024)
    assert lookup.configuration(ORDERS) == FunctionConfig(architecture="arm64", memory_size_mb=1024)
    assert lambda_client.requested == ["orders-api"]


def test_configuration_without_architectures_is_x86_64():
    # Functions created before arm64 existed may omit the field; the API's default is x86_64.
    lookup = FunctionConfigLookup(FakeLambda({"MemorySize": 512}))

    assert lookup.configuration(ORDERS) == FunctionConfig(architecture="x86_64", memory_size_mb=512)


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "AccessDeniedException", "AccessDenied"])
def test_a_deleted_function_or_a_missing_permission_gives_none_and_is_not_asked_again(code):
    lambda_client = FakeLambda(client_error(code, "GetFunctionConfiguration"))
    lookup = FunctionConfigLookup(lambda_client)

    assert lookup.configuration(ORDERS) is None
    assert lookup.configuration(ORDERS) is None
    assert lambda_client.requested == ["orders-api"]


def test_throttling_gives_none_and_the_next_lookup_asks_again():
    lambda_client = FakeLambda(
        client_error("ThrottlingException", "GetFunctionConfiguration"),
        {"Architectures": ["arm64"], "MemorySize": 1024},
    )
    lookup = FunctionConfigLookup(lambda_client)

    assert lookup.configuration(ORDERS) is None
    assert lookup.configuration(ORDERS) == FunctionConfig(architecture="arm64", memory_size_mb=1024)
    assert lambda_client.requested == ["orders-api", "orders-api"]


def test_a_cached_answer_is_asked_again_once_its_ttl_has_passed():
    now = [0.0]
    lambda_client = FakeLambda(
        client_error("ResourceNotFoundException", "GetFunctionConfiguration"),
        {"Architectures": ["x86_64"], "MemorySize": 256},
    )
    lookup = FunctionConfigLookup(lambda_client, ttl_s=3600.0, clock=lambda: now[0])

    assert lookup.configuration(ORDERS) is None
    now[0] = 3599.0
    assert lookup.configuration(ORDERS) is None
    now[0] = 3600.0
    assert lookup.configuration(ORDERS) == FunctionConfig(architecture="x86_64", memory_size_mb=256)
    assert lambda_client.requested == ["orders-api", "orders-api"]
