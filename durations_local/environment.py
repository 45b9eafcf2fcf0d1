"""The whole pipeline on this machine: DynamoDB Local, tables from the template, the real handlers.

Payloads go through ``durations.ingest_handler.handler`` and requests through
``durations.query_handler.handler``, configured by the same environment variables as in
Lambda; only the endpoints differ (``AWS_ENDPOINT_URL_DYNAMODB``, ``AWS_ENDPOINT_URL_LAMBDA``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3

from durations import ingest_handler, query_handler
from durations.schema import ENV_RECORD_TTL_DAYS, ENV_TABLE_NAME
from durations_local.dynamodb_local import DynamoDBLocal
from durations_local.lambda_stub import LambdaStub
from durations_local.template import create_tables, synthesized_template

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".local"  # git-ignored
DEFAULT_DB_PATH = STATE_DIR / "dynamodb"
LOCAL_RECORD_TTL_DAYS = 3650


@dataclass
class IngestTotals:
    payloads: int = 0
    received: int = 0
    stored: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, summary: dict[str, Any]) -> None:
        self.payloads += 1
        self.received += summary["received"]
        self.stored += summary["stored"]
        self.skipped.update(summary["skipped"])


class LocalEnvironment:
    """``with LocalEnvironment() as local: local.ingest(events); local.ask({...})``

    ``db_path=None`` keeps the data in memory (tests); otherwise it persists there.
    ``endpoint_url`` attaches to a DynamoDB Local that is already running (``local up``).
    """

    def __init__(
        self,
        *,
        db_path: Path | None = None,
        endpoint_url: str | None = None,
        functions: dict[str, tuple[str, int]] | None = None,
        template: dict[str, Any] | None = None,
        table_name: str | None = None,
        detached: bool = False,
    ):
        self._db_path = db_path
        self._endpoint_url = endpoint_url
        self._functions = functions or {}
        self._template = template
        self._detached = detached
        self._database: DynamoDBLocal | None = None
        self._stub: LambdaStub | None = None
        self._saved_environment: dict[str, str | None] = {}
        # Attaching to a running instance whose tables exist already: no synth needed.
        self.table_name = table_name or ""

    def __enter__(self) -> LocalEnvironment:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def _start(self) -> None:
        if self._endpoint_url is None:
            self._database = DynamoDBLocal(db_path=self._db_path).start(detached=self._detached)
            endpoint_url = self._database.endpoint_url
        else:
            endpoint_url = self._endpoint_url
        self._stub = LambdaStub(self._functions).__enter__()
        self.client = DynamoDBLocal.client_for(endpoint_url)
        self.endpoint_url = endpoint_url
        if not self.table_name:
            template = self._template if self._template is not None else synthesized_template()
            tables = create_tables(self.client, template)
            if len(tables) != 1:
                raise RuntimeError(f"expected one table in the template, found {sorted(tables)}")
            self.table_name = next(iter(tables.values()))
        self._set_environment(
            {
                **DynamoDBLocal.credentials(),
                "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
                "AWS_ENDPOINT_URL_LAMBDA": self._stub.endpoint_url,
                ENV_TABLE_NAME: self.table_name,
                # Exported history can be older than the deployed default retention (30
                # days from each invocation): locally, records are kept ten years.
                ENV_RECORD_TTL_DAYS: str(LOCAL_RECORD_TTL_DAYS),
            }
        )

    def _set_environment(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_environment.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        # The handlers build their clients once per "cold start": this is one. boto3's
        # default session caches the credentials it first resolved, so it starts anew too.
        boto3.DEFAULT_SESSION = None
        ingest_handler._dependencies.cache_clear()
        query_handler._dependencies.cache_clear()

    def detach_database(self) -> int:
        """Keep DynamoDB Local running after this environment closes (``local up``); its pid."""
        if self._database is None:
            raise RuntimeError("this environment attached to a running instance: nothing to detach")
        database, self._database = self._database, None
        return database.detach()

    def ingest(self, events: Iterable[dict[str, Any]], *, concurrency: int = 1) -> IngestTotals:
        """Each event through the ingest handler; ``concurrency`` > 1 delivers several at once,
        as CloudWatch Logs does to concurrent Lambda invocations."""
        totals = IngestTotals()
        if concurrency == 1:
            for event in events:
                totals.add(ingest_handler.handler(event, None))
            return totals
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for summary in pool.map(lambda event: ingest_handler.handler(event, None), events):
                totals.add(summary)
        return totals

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        return query_handler.handler(request, None)

    def _stop(self) -> None:
        for key, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_environment.clear()
        ingest_handler._dependencies.cache_clear()
        query_handler._dependencies.cache_clear()
        if self._stub is not None:
            self._stub.__exit__(None, None, None)
            self._stub = None
        if self._database is not None:
            self._database.stop()
            self._database = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop()
