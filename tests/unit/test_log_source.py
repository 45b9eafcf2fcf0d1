"""function_from_log_source: which function and version wrote a log group and stream (notes, section 3)."""

from __future__ import annotations

import pytest

from durations.log_source import FunctionRef, function_from_log_source
from tests.builders import STREAM_HEX, default_group, default_stream, named_stream

NAME_64 = "f" * 64
NAME_65 = "f" * 65

LAMBDA_SOURCES = [
    pytest.param(
        "/aws/lambda/my-fn",
        "2024/05/01/[$LATEST]" + STREAM_HEX,
        FunctionRef("my-fn", "$LATEST", edge=False),
        id="default-group-latest",
    ),
    pytest.param(
        default_group("my-fn"), default_stream("12"), FunctionRef("my-fn", "12", edge=False), id="default-group-version"
    ),
    pytest.param(
        default_group("Orders_API-v2"),
        default_stream("$LATEST"),
        FunctionRef("Orders_API-v2", "$LATEST", edge=False),
        id="name-with-underscore-digits-and-capitals",
    ),
    pytest.param(
        default_group(NAME_64), default_stream("1"), FunctionRef(NAME_64, "1", edge=False), id="name-of-64-chars"
    ),
    pytest.param(
        "/shared/app-logs",
        "2024/05/01/orders-api[3]" + STREAM_HEX,
        FunctionRef("orders-api", "3", edge=False),
        id="custom-shared-group",
    ),
    pytest.param(
        "payments",
        named_stream("charge-card", "$LATEST"),
        FunctionRef("charge-card", "$LATEST", edge=False),
        id="custom-group-any-name-latest",
    ),
    pytest.param(
        "/aws/lambda/team-shared-logs",
        named_stream("billing-worker", "7"),
        FunctionRef("billing-worker", "7", edge=False),
        id="custom-group-under-aws-lambda-stream-names-another-function",
    ),
    pytest.param(
        "/aws/lambda/us-east-1.edge-fn",
        default_stream("4"),
        FunctionRef("edge-fn", "4", edge=True),
        id="lambda-at-edge",
    ),
    pytest.param(
        "/aws/lambda/us-east-1.edge-fn",
        "some-other-stream",
        FunctionRef("edge-fn", None, edge=True),
        id="lambda-at-edge-unfamiliar-stream",
    ),
    pytest.param(
        "/aws/lambda/us-east-1",
        default_stream(),
        FunctionRef("us-east-1", "$LATEST", edge=False),
        id="function-named-like-a-region-is-not-edge",
    ),
    pytest.param(
        default_group("my-fn"),
        "my-custom-stream",
        FunctionRef("my-fn", None, edge=False),
        id="default-group-unfamiliar-stream-version-unknown",
    ),
    pytest.param(
        default_group("my-fn"),
        "2024/05/01/[$LATEST]" + STREAM_HEX[:31],
        FunctionRef("my-fn", None, edge=False),
        id="default-group-stream-with-31-hex-version-unknown",
    ),
    pytest.param(
        default_group("my-fn"),
        "2024/05/01/[prod]" + STREAM_HEX,
        FunctionRef("my-fn", None, edge=False),
        id="default-group-alias-in-stream-is-not-a-version",
    ),
]


@pytest.mark.parametrize(("log_group", "log_stream", "expected"), LAMBDA_SOURCES)
def test_lambda_log_source_names_its_function_and_version(
    log_group: str, log_stream: str, expected: FunctionRef
) -> None:
    assert function_from_log_source(log_group, log_stream) == expected


NOT_LAMBDA_SOURCES = [
    pytest.param("/aws/apigateway/x", "2024/05/01/abc", id="api-gateway"),
    pytest.param("/aws/apigateway/x", default_stream(), id="api-gateway-with-lambda-like-stream"),
    pytest.param("/ecs/service", "ecs/web/0123456789abcdef0123456789abcdef", id="ecs-service"),
    pytest.param("RDSOSMetrics", "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", id="rds-os-metrics"),
    pytest.param("/aws/lambda/" + NAME_65, default_stream(), id="default-group-name-of-65-chars"),
    pytest.param("/shared/app-logs", named_stream(NAME_65, "1"), id="custom-group-stream-name-of-65-chars"),
    pytest.param("/aws/lambda/", default_stream(), id="default-group-without-name"),
    pytest.param("/aws/lambda/my.fn", default_stream(), id="dot-in-name"),
    pytest.param("/aws/lambda/eu-west-1.edge-fn", default_stream(), id="edge-prefix-other-than-us-east-1"),
    pytest.param("/aws/lambda/my-fn/extra", default_stream(), id="group-with-extra-path"),
    pytest.param("/shared/app-logs", "2024/05/01/orders-api[prod]" + STREAM_HEX, id="custom-group-alias-not-version"),
]


@pytest.mark.parametrize(("log_group", "log_stream"), NOT_LAMBDA_SOURCES)
def test_log_source_of_no_lambda_function_is_none(log_group: str, log_stream: str) -> None:
    assert function_from_log_source(log_group, log_stream) is None


def test_function_ref_defaults_to_not_edge() -> None:
    assert FunctionRef("my-fn", "1").edge is False
