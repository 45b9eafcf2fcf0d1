"""Lambda entry point of the ingest function: glue only, the logic is in ingest.py."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from durations.ingest import IngestSummary, ingest_event
from durations.settings import IngestSettings
from durations.store import DynamoFunctionCatalog, DynamoRecordWriter, FunctionConfigLookup


@cache
def _dependencies() -> tuple[DynamoRecordWriter, DynamoFunctionCatalog]:
    """Built once per execution environment (cold start), reused by warm invocations."""
    settings = IngestSettings.from_env()
    # Standard retry mode retries throttling and 5xx per call; the pool must hold one
    # connection per concurrent batch.
    boto_config = Config(
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=settings.write_concurrency + 2,
    )
    dynamodb = boto3.client("dynamodb", config=boto_config)
    writer = DynamoRecordWriter(
        dynamodb, settings.table_name, settings.record_ttl_days, concurrency=settings.write_concurrency
    )
    configurations = FunctionConfigLookup(boto3.client("lambda", config=Config(retries={"mode": "standard"})))
    catalog = DynamoFunctionCatalog(dynamodb, settings.table_name, configurations)
    return writer, catalog


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    writer, catalog = _dependencies()
    summary: IngestSummary = ingest_event(event, writer, catalog)
    return summary.as_log()
