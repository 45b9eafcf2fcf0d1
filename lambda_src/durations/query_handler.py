"""Lambda entry point of the query function: glue only, the logic is in query.py."""

from __future__ import annotations

import logging
import time
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from durations.query import handle
from durations.settings import QuerySettings
from durations.store import DynamoWindowReader
from durations.summary import Prices

logger = logging.getLogger(__name__)


@cache
def _dependencies() -> tuple[DynamoWindowReader, Prices]:
    """Built once per execution environment (cold start), reused by warm invocations."""
    settings = QuerySettings.from_env()
    boto_config = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=24)
    reader = DynamoWindowReader(boto3.client("dynamodb", config=boto_config), settings.table_name)
    return reader, settings.prices


def handler(event: Any, context: Any) -> dict[str, Any]:
    reader, prices = _dependencies()
    try:
        return handle(event, reader, prices, now_ms=int(time.time() * 1000))
    except Exception:
        # An infrastructure failure: the caller sees a function error; the log keeps the request.
        logger.exception("query failed", extra={"request": event})
        raise
