"""Query: how did function X behave between A and B. Logic only; reads go through a port."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from durations.query_request import FunctionQuery, OverviewQuery, PageToken, ValidationError, iso, parse_request
from durations.records import Record
from durations.schema import (
    CATALOG_ARCHITECTURE,
    CATALOG_FIRST_SEEN,
    CATALOG_LAST_SEEN,
    CATALOG_LAST_SEEN_RESOLUTION_MS,
)
from durations.summary import Prices, Window, overview_entry, series, summarize

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

OVERVIEW_CONCURRENCY = 4  # functions read at once; each read already fans out over 16 shards


class WindowRead(Protocol):
    window: Window
    items_read: int


class Reader(Protocol):
    def window(self, function: str, start_ms: int, end_ms: int, version: str | None, now_ms: int) -> WindowRead: ...

    def records_page(
        self,
        *,
        function: str,
        start_ms: int,
        end_ms: int,
        version: str | None,
        now_ms: int,
        after_sort_key: str | None,
        limit: int,
    ) -> tuple[list[Record], str | None]: ...

    def catalog(self) -> list[dict[str, Any]]: ...

    def architecture(self, function: str) -> str | None: ...


def handle(request: Any, reader: Reader, prices: Prices, now_ms: int) -> dict[str, Any]:
    """The response to one request: a result, or ``{"error": ...}`` for an invalid request.

    Infrastructure failures (DynamoDB) are not caught here: they propagate to the caller,
    which sees a function error, and are logged with the request by the handler.
    """
    try:
        query = parse_request(request, now_ms)
    except ValidationError as error:
        return error.as_response()
    if isinstance(query, OverviewQuery):
        return overview(query, reader, prices, now_ms)
    return function_report(query, reader, prices, now_ms)


def function_report(query: FunctionQuery, reader: Reader, prices: Prices, now_ms: int) -> dict[str, Any]:
    response: dict[str, Any] = {"function": query.function}
    if query.version is not None:
        response["version"] = query.version
    response["start"] = iso(query.start_ms)
    response["end"] = iso(query.end_ms)
    items_read = invocations = 0
    if query.summary:
        read = reader.window(query.function, query.start_ms, query.end_ms, query.version, now_ms)
        items_read, invocations = read.items_read, len(read.window)
        architecture = reader.architecture(query.function)
        response["summary"] = summarize(read.window, query.percentiles, prices, architecture)
        if query.interval_ms is not None:
            response["interval"] = query.interval
            response["series"] = series(read.window, query.start_ms, query.end_ms, query.interval_ms)
    next_token = None
    if query.records:
        records, after = reader.records_page(
            function=query.function,
            start_ms=query.start_ms,
            end_ms=query.end_ms,
            version=query.version,
            now_ms=now_ms,
            after_sort_key=query.after_sort_key,
            limit=query.limit,
        )
        response["records"] = [record._asdict() for record in records]
        if after is not None:
            next_token = PageToken(query.function, query.version, query.start_ms, query.end_ms, after).encode()
    response["next_token"] = next_token
    logger.info(
        "query",
        extra={"function": query.function, "invocations": invocations, "items_read": items_read},
    )
    return response


def overview(query: OverviewQuery, reader: Reader, prices: Prices, now_ms: int) -> dict[str, Any]:
    """Every function with invocations in the window, costliest first."""
    candidates = [
        entry
        for entry in reader.catalog()
        # last_seen may lag the newest invocation by up to its resolution.
        if (entry[CATALOG_LAST_SEEN] or 0) >= query.start_ms - CATALOG_LAST_SEEN_RESOLUTION_MS
        and (entry[CATALOG_FIRST_SEEN] or 0) < query.end_ms
    ]

    def read(entry: dict[str, Any]) -> dict[str, Any]:
        window = reader.window(entry["function"], query.start_ms, query.end_ms, None, now_ms).window
        return overview_entry(entry["function"], window, prices, entry[CATALOG_ARCHITECTURE])

    with ThreadPoolExecutor(max_workers=OVERVIEW_CONCURRENCY) as pool:
        entries = [entry for entry in pool.map(read, candidates) if entry["invocations"]]
    entries.sort(key=lambda entry: (-entry["estimated_cost_usd"], entry["function"]))
    return {"start": iso(query.start_ms), "end": iso(query.end_ms), "functions": entries}
