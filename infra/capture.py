"""How REPORT lines reach the ingest function: one account-level policy, or per-group filters."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_logs_destinations as log_destinations
from constructs import Construct

# Filter patterns are case sensitive; quoted phrases joined by ``?`` match any of them.
# "REPORT RequestId" is the text format's report, "platform.report" the JSON format's, and
# "Task timed out after" the separate line by which older logs announce a timeout. A
# phrase also matches application lines that contain it: the parser rejects those.
REPORT_FILTER_PATTERN = logs.FilterPattern.any_term("REPORT RequestId", "platform.report", "Task timed out after")


class AccountCapture(Construct):
    """An account-level subscription filter policy (scope ALL): every log group of the
    account and Region, the ones created later included, except the excluded ones.

    An account has one such policy per Region. CloudFormation calls it AWS::Logs::AccountPolicy.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        excluded_log_groups: list[logs.ILogGroup],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        all_log_groups = stack.format_arn(
            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        permission = lambda_.CfnPermission(
            self,
            "InvokePermission",
            action="lambda:InvokeFunction",
            function_name=function.function_arn,
            principal="logs.amazonaws.com",
            source_arn=all_log_groups,
            source_account=stack.account,
        )
        document = stack.to_json_string(
            {
                "DestinationArn": function.function_arn,
                "FilterPattern": REPORT_FILTER_PATTERN.log_pattern_string,
                "Distribution": "Random",
            }
        )
        # Exact names only: the pipeline's own groups are kept out so that its logs can
        # never feed back into it.
        names = ", ".join(f'"{group.log_group_name}"' for group in excluded_log_groups)
        self.policy = logs.CfnAccountPolicy(
            self,
            "Policy",
            policy_name=f"{stack.stack_name}-lambda-reports",
            policy_type="SUBSCRIPTION_FILTER_POLICY",
            scope="ALL",
            policy_document=document,
            selection_criteria=f"LogGroupName NOT IN [{names}]",
        )
        # CloudWatch Logs checks that it may invoke the destination when the policy is put.
        self.policy.add_dependency(permission)


class LogGroupCapture(Construct):
    """One subscription filter per named log group, for accounts whose single account
    policy slot is taken. A log group holds at most two subscription filters."""

    def __init__(
        self, scope: Construct, construct_id: str, *, function: lambda_.IFunction, log_group_names: tuple[str, ...]
    ) -> None:
        super().__init__(scope, construct_id)
        destination = log_destinations.LambdaDestination(function)
        self.filters = [
            logs.SubscriptionFilter(
                self,
                f"Filter{index}",
                log_group=logs.LogGroup.from_log_group_name(self, f"Group{index}", name),
                destination=destination,
                filter_pattern=REPORT_FILTER_PATTERN,
            )
            for index, name in enumerate(log_group_names)
        ]
