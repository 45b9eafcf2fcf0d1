"""The query function: read-only on the table, nothing else."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_logs as logs
from constructs import Construct

from durations.schema import (
    ENV_PRICE_ARM64_GB_SECOND,
    ENV_PRICE_PER_MILLION_REQUESTS,
    ENV_PRICE_X86_64_GB_SECOND,
    ENV_TABLE_NAME,
)
from infra.config import Prices
from infra.runtime_function import RuntimeFunction


class Query(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        prices: Prices,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        runtime = RuntimeFunction(
            self,
            "Query",
            handler="durations.query_handler.handler",
            description="Answers how a Lambda function behaved over a time window",
            environment={
                ENV_TABLE_NAME: table.table_name,
                ENV_PRICE_X86_64_GB_SECOND: repr(prices.x86_64_gb_second),
                ENV_PRICE_ARM64_GB_SECOND: repr(prices.arm64_gb_second),
                ENV_PRICE_PER_MILLION_REQUESTS: repr(prices.per_million_requests),
            },
            log_retention=log_retention,
            # 100,000 invocations of a window are 16 parallel shard reads and a sort: more
            # memory buys more CPU for both.
            timeout=Duration.seconds(60),
            memory_size=1024,
        )
        self.function = runtime.function
        self.log_group = runtime.log_group
        # Invocations and the catalog are both read with Query: no Scan, no GetItem, no writes.
        table.grant(self.function, "dynamodb:Query")
