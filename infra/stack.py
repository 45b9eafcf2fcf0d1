"""The stack: composes the constructs and wires them where they meet."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.capture import AccountCapture, LogGroupCapture
from infra.config import StackConfig
from infra.ingest import Ingest
from infra.query import Query
from infra.table import InvocationTable


class LambdaDurationsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StackConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            stack_name=config.stack_name,
            description="Per-invocation durations, cold starts, failures, memory and cost of every Lambda function",
        )
        table = InvocationTable(self, "Invocations", retain_data=config.retain_data).table
        ingest = Ingest(
            self,
            "Ingest",
            table=table,
            record_retention_days=config.record_retention_days,
            log_retention=config.log_retention,
            alarm_email=config.alarm_email,
        )
        query = Query(self, "Query", table=table, prices=config.prices, log_retention=config.log_retention)
        if config.capture_log_groups:
            LogGroupCapture(self, "Capture", function=ingest.function, log_group_names=config.capture_log_groups)
        else:
            AccountCapture(
                self,
                "Capture",
                function=ingest.function,
                excluded_log_groups=[ingest.log_group, query.log_group],
            )
        CfnOutput(self, "TableName", value=table.table_name, description="DynamoDB table of invocation records")
        CfnOutput(self, "IngestFunctionName", value=ingest.function.function_name)
        CfnOutput(self, "QueryFunctionName", value=query.function.function_name)
        CfnOutput(
            self,
            "DeadLetterQueueUrl",
            value=ingest.dead_letter_queue.queue_url,
            description="Payloads that could not be ingested after retries (kept 14 days)",
        )
