"""What `cdk deploy` puts into the account, read from the synthesized template."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from durations.schema import (
    ENV_PRICE_ARM64_GB_SECOND,
    ENV_PRICE_PER_MILLION_REQUESTS,
    ENV_PRICE_X86_64_GB_SECOND,
    ENV_RECORD_TTL_DAYS,
    ENV_TABLE_NAME,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
)
from infra.capture import REPORT_FILTER_PATTERN
from tests.infra.conftest import only_resource, resources_of

pytestmark = pytest.mark.infra

FILTER_PATTERN = '?"REPORT RequestId" ?"platform.report" ?"Task timed out after"'


@pytest.fixture(scope="module")
def assertions(template: dict[str, Any]) -> Template:
    return Template.from_json(template)


INGEST_HANDLER = "durations.ingest_handler.handler"
QUERY_HANDLER = "durations.query_handler.handler"


def _ref_name(template: dict[str, Any], resource_type: str) -> str:
    return only_resource(template, resource_type)[0]


def _function(template: dict[str, Any], handler: str) -> str:
    """The logical id of the function with this handler."""
    found = [
        name
        for name, body in resources_of(template, "AWS::Lambda::Function").items()
        if body["Properties"]["Handler"] == handler
    ]
    assert len(found) == 1, f"expected one function with handler {handler}, found {found}"
    return found[0]


def _log_group_of(template: dict[str, Any], function: str) -> str:
    return template["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]


def _role_of(template: dict[str, Any], function: str) -> str:
    return template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]


def _statements_of(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """Every statement of the policies attached to the function's role."""
    role = _role_of(template, function)
    statements: list[dict[str, Any]] = []
    for policy in resources_of(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


# --- Table ---------------------------------------------------------------------------------


def test_table_keys_are_the_runtime_key_names_with_a_string_sort_key(assertions: Template) -> None:
    assertions.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": Match.array_equals(
                [
                    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
                    {"AttributeName": SORT_KEY, "AttributeType": "S"},
                ]
            ),
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_table_has_ttl_pitr_and_kms_encryption(assertions: Template) -> None:
    assertions.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            # SSEEnabled without a key id means the AWS managed KMS key (aws/dynamodb).
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_table_is_kept_when_the_stack_is_deleted_by_default(template: dict[str, Any]) -> None:
    _, table = only_resource(template, "AWS::DynamoDB::Table")
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True


def test_throwaway_stacks_can_delete_the_table(synthesize: Callable[..., dict[str, Any]]) -> None:
    template = synthesize(retain_data=False)["template"]
    _, table = only_resource(template, "AWS::DynamoDB::Table")
    assert table["DeletionPolicy"] == "Delete"
    assert table["Properties"]["DeletionProtectionEnabled"] is False


# --- Ingest function -------------------------------------------------------------------------


def test_ingest_function_runs_newest_python_on_arm64_with_json_logs_in_its_own_group(
    template: dict[str, Any], assertions: Template
) -> None:
    log_group = _log_group_of(template, _function(template, INGEST_HANDLER))
    assertions.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": INGEST_HANDLER,
            "LoggingConfig": {"LogFormat": "JSON", "LogGroup": {"Ref": log_group}},
            "Environment": {
                "Variables": {
                    ENV_TABLE_NAME: {"Ref": _ref_name(template, "AWS::DynamoDB::Table")},
                    ENV_RECORD_TTL_DAYS: "30",
                }
            },
        },
    )
    assert template["Resources"][log_group]["Properties"]["RetentionInDays"] == 30


def test_record_retention_comes_from_context(synthesize: Callable[..., dict[str, Any]]) -> None:
    template = synthesize(record_retention_days=90)["template"]
    function = template["Resources"][_function(template, INGEST_HANDLER)]
    assert function["Properties"]["Environment"]["Variables"][ENV_RECORD_TTL_DAYS] == "90"


def test_failed_invocations_retry_twice_then_go_to_an_encrypted_dead_letter_queue(
    template: dict[str, Any], assertions: Template
) -> None:
    queue = _ref_name(template, "AWS::SQS::Queue")
    assertions.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 6 * 3600,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}},
        },
    )
    assertions.has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 86400}
    )
    # enforce_ssl: the queue policy denies requests that are not over TLS.
    assertions.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_alarms_watch_dead_letter_depth_and_ingest_errors(template: dict[str, Any]) -> None:
    alarms = list(resources_of(template, "AWS::CloudWatch::Alarm").values())
    metrics = sorted(alarm["Properties"]["MetricName"] for alarm in alarms)
    assert metrics == ["ApproximateNumberOfMessagesVisible", "Errors"]
    for alarm in alarms:
        assert alarm["Properties"]["Threshold"] == 1
        assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert "AlarmActions" not in alarm["Properties"]  # no topic unless an e-mail is given


def test_alarm_email_adds_an_encrypted_topic_that_every_alarm_notifies(
    synthesize: Callable[..., dict[str, Any]],
) -> None:
    template = synthesize(alarm_email="ops@example.com")["template"]
    topic, body = only_resource(template, "AWS::SNS::Topic")
    key, _ = only_resource(template, "AWS::KMS::Key")
    assert body["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    _, subscription = only_resource(template, "AWS::SNS::Subscription")
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "ops@example.com"
    for alarm in resources_of(template, "AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]


# --- Least privilege -------------------------------------------------------------------------


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else list(actions)


def test_ingest_role_has_no_managed_policies(template: dict[str, Any]) -> None:
    for role in resources_of(template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_ingest_role_can_write_this_table_and_nothing_broader(template: dict[str, Any]) -> None:
    table = _ref_name(template, "AWS::DynamoDB::Table")
    statements = _statements_of(template, _function(template, INGEST_HANDLER))
    dynamodb = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
    assert len(dynamodb) == 1
    assert sorted(_actions(dynamodb[0])) == ["dynamodb:BatchWriteItem", "dynamodb:UpdateItem"]
    assert dynamodb[0]["Resource"] == {"Fn::GetAtt": [table, "Arn"]}


def test_every_ingest_permission_is_scoped_to_a_named_resource(template: dict[str, Any]) -> None:
    ingest = _function(template, INGEST_HANDLER)
    log_group = _log_group_of(template, ingest)
    queue = _ref_name(template, "AWS::SQS::Queue")
    by_action = {}
    for statement in _statements_of(template, ingest):
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] != "*"
        for action in _actions(statement):
            by_action[action] = statement["Resource"]
    assert by_action["logs:PutLogEvents"] == {"Fn::GetAtt": [log_group, "Arn"]}
    assert by_action["sqs:SendMessage"] == {"Fn::GetAtt": [queue, "Arn"]}
    lookup = json.dumps(by_action["lambda:GetFunctionConfiguration"])
    assert ":function:*" in lookup
    assert "AWS::AccountId" in lookup
    assert set(by_action) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "dynamodb:BatchWriteItem",
        "dynamodb:UpdateItem",
        "lambda:GetFunctionConfiguration",
    }


# --- Capture: account-level policy (default) ------------------------------------------------


def test_filter_pattern_passes_text_and_json_reports_and_old_timeouts() -> None:
    assert REPORT_FILTER_PATTERN.log_pattern_string == FILTER_PATTERN


def test_account_policy_sends_every_log_group_but_our_own_to_the_ingest_function(
    template: dict[str, Any],
) -> None:
    function = _function(template, INGEST_HANDLER)
    own_groups = [_log_group_of(template, function), _log_group_of(template, _function(template, QUERY_HANDLER))]
    _, policy = only_resource(template, "AWS::Logs::AccountPolicy")
    properties = policy["Properties"]
    assert properties["PolicyType"] == "SUBSCRIPTION_FILTER_POLICY"
    assert properties["Scope"] == "ALL"
    # The document is a JSON string joined around the function's ARN.
    parts = properties["PolicyDocument"]["Fn::Join"][1]
    rendered = "".join("FUNCTION_ARN" if part == {"Fn::GetAtt": [function, "Arn"]} else part for part in parts)
    document = json.loads(rendered)
    assert document == {"DestinationArn": "FUNCTION_ARN", "FilterPattern": FILTER_PATTERN, "Distribution": "Random"}
    assert properties["SelectionCriteria"] == {
        "Fn::Join": ["", ['LogGroupName NOT IN ["', {"Ref": own_groups[0]}, '", "', {"Ref": own_groups[1]}, '"]']]
    }
    assert policy["DependsOn"] == [_ref_name(template, "AWS::Lambda::Permission")]


def test_logs_may_invoke_the_ingest_function_only_for_this_accounts_log_groups(
    template: dict[str, Any],
) -> None:
    function = _function(template, INGEST_HANDLER)
    _, permission = only_resource(template, "AWS::Lambda::Permission")
    properties = permission["Properties"]
    assert properties["Action"] == "lambda:InvokeFunction"
    assert properties["Principal"] == "logs.amazonaws.com"
    assert properties["FunctionName"] == {"Fn::GetAtt": [function, "Arn"]}
    assert properties["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert properties["SourceArn"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":logs:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":log-group:*",
            ],
        ]
    }
    assert resources_of(template, "AWS::Logs::SubscriptionFilter") == {}


# --- Capture: named log groups --------------------------------------------------------------


def test_listed_log_groups_get_one_subscription_filter_each_and_no_account_policy(
    synthesize: Callable[..., dict[str, Any]],
) -> None:
    groups = ["/aws/lambda/orders", "/shared/app-logs"]
    template = synthesize(capture=json.dumps(groups))["template"]
    function = _function(template, INGEST_HANDLER)
    assert resources_of(template, "AWS::Logs::AccountPolicy") == {}
    filters = sorted(
        (body["Properties"] for body in resources_of(template, "AWS::Logs::SubscriptionFilter").values()),
        key=lambda properties: properties["LogGroupName"],
    )
    assert [f["LogGroupName"] for f in filters] == groups
    for subscription in filters:
        assert subscription["FilterPattern"] == FILTER_PATTERN
        assert subscription["DestinationArn"] == {"Fn::GetAtt": [function, "Arn"]}
    source_arns = json.dumps(
        [p["Properties"]["SourceArn"] for p in resources_of(template, "AWS::Lambda::Permission").values()]
    )
    for group in groups:
        assert f":log-group:{group}:*" in source_arns


# --- Outputs ---------------------------------------------------------------------------------


def test_outputs_name_the_table_both_functions_and_the_dead_letter_queue(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert outputs["TableName"]["Value"] == {"Ref": _ref_name(template, "AWS::DynamoDB::Table")}
    assert outputs["IngestFunctionName"]["Value"] == {"Ref": _function(template, INGEST_HANDLER)}
    assert outputs["QueryFunctionName"]["Value"] == {"Ref": _function(template, QUERY_HANDLER)}
    assert outputs["DeadLetterQueueUrl"]["Value"] == {"Ref": _ref_name(template, "AWS::SQS::Queue")}


# --- Query function ----------------------------------------------------------------------


def test_query_function_runs_like_ingest_in_its_own_log_group_with_list_prices(template: dict[str, Any]) -> None:
    query = _function(template, QUERY_HANDLER)
    properties = template["Resources"][query]["Properties"]
    assert properties["Runtime"] == "python3.14"
    assert properties["Architectures"] == ["arm64"]
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"
    log_group = _log_group_of(template, query)
    assert log_group != _log_group_of(template, _function(template, INGEST_HANDLER))
    assert template["Resources"][log_group]["Properties"]["RetentionInDays"] == 30
    variables = properties["Environment"]["Variables"]
    assert variables[ENV_TABLE_NAME] == {"Ref": _ref_name(template, "AWS::DynamoDB::Table")}
    assert float(variables[ENV_PRICE_X86_64_GB_SECOND]) == 0.0000166667
    assert float(variables[ENV_PRICE_ARM64_GB_SECOND]) == 0.0000133334
    assert float(variables[ENV_PRICE_PER_MILLION_REQUESTS]) == 0.2


def test_prices_come_from_context(synthesize: Callable[..., dict[str, Any]]) -> None:
    template = synthesize(price_arm64_gb_second=0.00001, price_per_million_requests=0.25)["template"]
    variables = template["Resources"][_function(template, QUERY_HANDLER)]["Properties"]["Environment"]["Variables"]
    assert float(variables[ENV_PRICE_ARM64_GB_SECOND]) == 0.00001
    assert float(variables[ENV_PRICE_PER_MILLION_REQUESTS]) == 0.25
    assert float(variables[ENV_PRICE_X86_64_GB_SECOND]) == 0.0000166667


def test_query_role_reads_the_table_with_query_only_and_writes_only_its_log_group(template: dict[str, Any]) -> None:
    query = _function(template, QUERY_HANDLER)
    table = _ref_name(template, "AWS::DynamoDB::Table")
    by_action = {}
    for statement in _statements_of(template, query):
        assert statement["Effect"] == "Allow"
        for action in _actions(statement):
            by_action[action] = statement["Resource"]
    assert by_action == {
        "dynamodb:Query": {"Fn::GetAtt": [table, "Arn"]},
        "logs:CreateLogStream": {"Fn::GetAtt": [_log_group_of(template, query), "Arn"]},
        "logs:PutLogEvents": {"Fn::GetAtt": [_log_group_of(template, query), "Arn"]},
    }
    assert "ManagedPolicyArns" not in template["Resources"][_role_of(template, query)]["Properties"]
