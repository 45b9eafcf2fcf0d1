"""All DynamoDB I/O of the ingest path: batched record writes and the function catalog.

Uses the low-level client with AttributeValue dicts built in records.py (no Decimal
round trip), and boto3's own retry mode for throttling of individual calls.
"""

from __future__ import annotations

import heapq
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from durations import keys
from durations.log_source import FunctionRef
from durations.records import Record, from_item, to_item
from durations.schema import (
    CATALOG_ARCHITECTURE,
    CATALOG_FIRST_SEEN,
    CATALOG_LAST_SEEN,
    CATALOG_LAST_SEEN_RESOLUTION_MS,
    INVOCATION_SHARDS,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
)
from durations.summary import Window, flags_of

logger = logging.getLogger(__name__)

# BatchWriteItem takes at most 25 put requests and rejects a call in which two requests
# share a primary key.
BATCH_SIZE = 25


class UnprocessedItemsError(RuntimeError):
    """DynamoDB kept returning UnprocessedItems after every retry."""


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


class DynamoRecordWriter:
    """Writes records with concurrent BatchWriteItem calls, retrying UnprocessedItems.

    A 10,000-event payload is 400 batches: sent ``concurrency`` at a time instead of one
    after another. If a batch still has unprocessed items after ``max_attempts`` calls,
    or a call fails, the exception propagates so the invocation fails and is retried.
    """

    def __init__(
        self,
        client: Any,
        table_name: str,
        ttl_days: int,
        *,
        concurrency: int = 8,
        max_attempts: int = 8,
        base_delay_s: float = 0.05,
        max_delay_s: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ):
        self._client = client
        self._table = table_name
        self._ttl_days = ttl_days
        self._max_attempts = max_attempts
        self._base_delay = base_delay_s
        self._max_delay = max_delay_s
        self._sleep = sleep
        self._rng = rng
        self._pool = ThreadPoolExecutor(max_workers=concurrency) if concurrency > 1 else None

    def write(self, records: Sequence[Record]) -> int:
        # Same key, same item: deduplicate so that no batch holds a key twice.
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for record in records:
            item = to_item(record, self._ttl_days)
            items[(item[PARTITION_KEY]["S"], item[SORT_KEY]["S"])] = item
        batches = chunks(list(items.values()), BATCH_SIZE)
        if self._pool is None or len(batches) == 1:
            for batch in batches:
                self._write_batch(batch)
        else:
            # list() waits for every batch and re-raises the first failure.
            list(self._pool.map(self._write_batch, batches))
        return len(items)

    def _backoff(self, attempt: int) -> float:
        # Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
        # Backoff And Jitter"): spreads retries of concurrent batches apart.
        cap: float = min(self._max_delay, self._base_delay * 2**attempt)
        return self._rng() * cap

    def _write_batch(self, batch: Sequence[dict[str, Any]]) -> None:
        request: dict[str, Any] = {self._table: [{"PutRequest": {"Item": item}} for item in batch]}
        for attempt in range(self._max_attempts):
            response = self._client.batch_write_item(RequestItems=request)
            unprocessed = response.get("UnprocessedItems") or {}
            if not unprocessed.get(self._table):
                return
            request = unprocessed
            if attempt + 1 < self._max_attempts:
                self._sleep(self._backoff(attempt))
        left = len(request[self._table])
        raise UnprocessedItemsError(
            f"{left} of {len(batch)} items still unprocessed after {self._max_attempts} BatchWriteItem calls"
        )


@dataclass
class _Written:
    first: int
    last: int


class DynamoFunctionCatalog:
    """First and last seen, memory and architecture per function, for queries and cost.

    Catalog items are few and hot (every payload of a function touches the same one), so
    each container remembers what it last wrote and skips writes that change nothing or
    move ``last_seen`` by less than ``last_seen_resolution_ms``. Each bound is written with
    a condition, so a late or redelivered payload never moves first_seen later or
    last_seen earlier.
    """

    def __init__(
        self,
        client: Any,
        table_name: str,
        configurations: FunctionConfigLookup | None,
        *,
        last_seen_resolution_ms: int = CATALOG_LAST_SEEN_RESOLUTION_MS,
        clock: Callable[[], float] = time.time,
    ):
        self._client = client
        self._table = table_name
        self._configurations = configurations
        self._resolution = last_seen_resolution_ms
        self._clock = clock
        self._written: dict[str, _Written] = {}
        self._config_written: dict[str, FunctionConfig] = {}

    def observe(self, function: FunctionRef, records: Sequence[Record]) -> None:
        if not records:
            return
        first = min(records, key=lambda record: record.timestamp)
        last = max(records, key=lambda record: record.timestamp)
        # ``written`` holds the bounds this container last wrote, not the newest it saw:
        # comparing against what was seen would let steady traffic (each payload within
        # the resolution of the previous one) keep last_seen from ever moving.
        written = self._written.get(function.name)
        if written is None:
            written = self._written[function.name] = _Written(first=first.timestamp, last=last.timestamp)
            self._raise_last_seen(function.name, last)
            self._lower_first_seen(function.name, first.timestamp)
        else:
            if last.timestamp >= written.last + self._resolution:
                self._raise_last_seen(function.name, last)
                written.last = last.timestamp
            if first.timestamp < written.first:
                self._lower_first_seen(function.name, first.timestamp)
                written.first = first.timestamp
        if self._configurations is not None:
            config = self._configurations.configuration(function)
            if config is not None and self._config_written.get(function.name) != config:
                self._update(
                    function.name,
                    "SET architecture = :arch, configured_memory_mb = :mem",
                    {":arch": {"S": config.architecture}, ":mem": {"N": str(config.memory_size_mb)}},
                )
                self._config_written[function.name] = config

    def _key(self, function: str) -> dict[str, Any]:
        return {PARTITION_KEY: {"S": keys.catalog_partition_key(function)}, SORT_KEY: {"S": function}}

    def _raise_last_seen(self, function: str, last: Record) -> None:
        values: dict[str, Any] = {":last": {"N": str(last.timestamp)}, ":fn": {"S": function}}
        expression = "SET last_seen = :last, #fn = :fn"
        if last.memory_size_mb is not None:
            expression += ", memory_size_mb = :mem"
            values[":mem"] = {"N": str(last.memory_size_mb)}
        self._update(function, expression, values, condition="attribute_not_exists(last_seen) OR last_seen < :last")

    def _lower_first_seen(self, function: str, first: int) -> None:
        self._update(
            function,
            "SET first_seen = :first, #fn = :fn",
            {":first": {"N": str(first)}, ":fn": {"S": function}},
            condition="attribute_not_exists(first_seen) OR first_seen > :first",
        )

    def _update(self, function: str, expression: str, values: dict[str, Any], condition: str | None = None) -> None:
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(function),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
        }
        if "#fn" in expression:
            request["ExpressionAttributeNames"] = {"#fn": "function"}
        if condition is not None:
            request["ConditionExpression"] = condition
        try:
            self._client.update_item(**request)
        except ClientError as error:
            # The stored bound is already wider than ours: nothing to change.
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise


@dataclass(frozen=True)
class FunctionConfig:
    architecture: str  # x86_64 or arm64
    memory_size_mb: int


class FunctionConfigLookup:
    """Architecture and configured memory of a function, from GetFunctionConfiguration.

    The REPORT line does not carry the architecture and cost depends on it. Answers are
    cached for ``ttl_s``. A deleted function (ResourceNotFound) or a missing permission
    (AccessDenied) gives None and is cached too, so neither is asked again on every
    payload; any other error (throttling) gives None uncached. A missing configuration
    never fails ingest: the records are what must not be lost, and queries price an
    unknown architecture as x86_64 and say so.
    """

    def __init__(self, client: Any, *, ttl_s: float = 3600.0, clock: Callable[[], float] = time.monotonic):
        self._client = client
        self._ttl = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[FunctionConfig | None, float]] = {}
        self._warned_access = False

    def configuration(self, function: FunctionRef) -> FunctionConfig | None:
        now = self._clock()
        cached = self._cache.get(function.name)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            response = self._client.get_function_configuration(FunctionName=function.name)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "ResourceNotFoundException":
                self._cache[function.name] = (None, now + self._ttl)
                return None
            if code in ("AccessDeniedException", "AccessDenied"):
                if not self._warned_access:
                    logger.warning("no permission for lambda:GetFunctionConfiguration; architecture unknown")
                    self._warned_access = True
                self._cache[function.name] = (None, now + self._ttl)
                return None
            logger.warning("GetFunctionConfiguration failed", extra={"function": function.name, "code": code})
            return None
        # Functions created before arm64 existed may omit the field; the API's default is x86_64.
        architectures = response.get("Architectures") or ["x86_64"]
        config = FunctionConfig(str(architectures[0]), int(response.get("MemorySize", 128)))
        self._cache[function.name] = (config, now + self._ttl)
        return config


# --- Read side (the query function) ---------------------------------------------------------

_NAN = float("nan")
# Expression names for every attribute read: several (timestamp, status) are DynamoDB
# reserved words.
_WINDOW_NAMES = {
    "#pk": PARTITION_KEY,
    "#sk": SORT_KEY,
    "#exp": TTL_ATTRIBUTE,
    "#ts": "timestamp",
    "#dur": "duration_ms",
    "#init": "init_duration_ms",
    "#billed": "billed_duration_ms",
    "#brestore": "billed_restore_duration_ms",
    "#mem": "memory_size_mb",
    "#used": "max_memory_used_mb",
    "#status": "status",
    "#etype": "error_type",
    "#cold": "cold_start",
}
_WINDOW_PROJECTION = "#ts, #dur, #init, #billed, #brestore, #mem, #used, #status, #etype, #cold"


def _number(item: dict[str, Any], name: str) -> float:
    value = item.get(name)
    return float(value["N"]) if value is not None else _NAN


@dataclass
class WindowRead:
    window: Window
    items_read: int  # items DynamoDB evaluated (ScannedCount), expired ones included


def _raw_query_items(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    """Hand Query results over as DynamoDB's JSON, skipping botocore's shape-driven parse.

    The wire format of Items is already the AttributeValue form the low-level client
    returns (strings and numbers stay strings; the table holds no binary attributes), but
    botocore walks every attribute of every item through its shape model: two thirds of
    the client-side time of reading 100,000 invocations. The body is decoded here and
    botocore is left an empty one, so its parse is trivial and it merges ours in.
    Errors (status >= 300) keep the normal path.
    """
    if response_dict.get("status_code") != 200:
        return
    customized_response_dict.update(json.loads(response_dict["body"]))
    response_dict["body"] = b"{}"


class DynamoWindowReader:
    """Reads one function's window: one Query per shard, run in parallel, every page.

    Only that function's partition keys are read, within the sort-key range of the window.
    Expired items (TTL passed, not yet deleted by DynamoDB) are filtered out, and so are
    other versions when a version is asked for.
    """

    def __init__(self, client: Any, table_name: str, *, concurrency: int = INVOCATION_SHARDS, raw_items: bool = True):
        self._client = client
        if raw_items:
            client.meta.events.register("before-parse.dynamodb.Query", _raw_query_items)
        self._table = table_name
        self._pool = ThreadPoolExecutor(max_workers=concurrency)

    def _query_arguments(
        self, *, pk: str, low: str, high: str, version: str | None, now_ms: int, names: dict[str, str]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            ":pk": {"S": pk},
            ":lo": {"S": low},
            ":hi": {"S": high},
            ":now": {"N": str(now_ms // 1000)},
        }
        names = dict(names)
        expression = "#exp > :now"
        if version is not None:
            names["#ver"] = "version"
            values[":ver"] = {"S": version}
            expression += " AND #ver = :ver"
        return {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :lo AND :hi",
            "FilterExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    def window(self, function: str, start_ms: int, end_ms: int, version: str | None, now_ms: int) -> WindowRead:
        low, high = keys.window_sort_key_bounds(start_ms, end_ms)
        reads = list(
            self._pool.map(
                lambda pk: self._read_shard(pk, low, high, version, now_ms),
                keys.invocation_partition_keys(function),
            )
        )
        window = Window()
        items_read = 0
        for shard_window, shard_items_read in reads:
            window.extend(shard_window)
            items_read += shard_items_read
        return WindowRead(window, items_read)

    def _read_shard(self, pk: str, low: str, high: str, version: str | None, now_ms: int) -> tuple[Window, int]:
        request = self._query_arguments(pk=pk, low=low, high=high, version=version, now_ms=now_ms, names=_WINDOW_NAMES)
        request["ProjectionExpression"] = _WINDOW_PROJECTION
        window = Window()
        timestamps, durations, inits = window.timestamps, window.durations, window.init_durations
        billed, memory, used, flags = window.billed, window.memory_sizes, window.max_memory_used, window.flags
        items_read = 0
        while True:
            response = self._client.query(**request)
            items_read += response.get("ScannedCount", 0)
            for item in response["Items"]:
                timestamps.append(int(item["timestamp"]["N"]))
                durations.append(_number(item, "duration_ms"))
                inits.append(_number(item, "init_duration_ms"))
                billed_ms = _number(item, "billed_duration_ms")
                restore = item.get("billed_restore_duration_ms")
                billed.append(billed_ms + float(restore["N"]) if restore is not None else billed_ms)
                memory.append(_number(item, "memory_size_mb"))
                used.append(_number(item, "max_memory_used_mb"))
                status = item.get("status")
                error_type = item.get("error_type")
                flags.append(
                    flags_of(
                        status["S"] if status else None,
                        error_type["S"] if error_type else None,
                        item["cold_start"]["BOOL"],
                    )
                )
            last = response.get("LastEvaluatedKey")
            if not last:
                return window, items_read
            request["ExclusiveStartKey"] = last

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
    ) -> tuple[list[Record], str | None]:
        """Up to ``limit`` records oldest first, and the sort key to continue after (None at the end).

        Sort keys are unique across one function's shards (the shard is derived from the
        sort key's parts), so "after this sort key" is one position in the merged order.
        Each shard is read for up to limit + 1 records: if the merge holds more than limit,
        there is a next page; if not, every shard was exhausted.
        """
        low, high = keys.window_sort_key_bounds(start_ms, end_ms)
        if after_sort_key is not None and not low <= after_sort_key <= high:
            return [], None
        shards = list(
            self._pool.map(
                lambda pk: self._first_items(
                    pk=pk, low=low, high=high, version=version, now_ms=now_ms, wanted=limit + 1, after=after_sort_key
                ),
                keys.invocation_partition_keys(function),
            )
        )
        merged = list(heapq.merge(*shards, key=lambda item: item[SORT_KEY]["S"]))
        page = merged[:limit]
        next_after = page[-1][SORT_KEY]["S"] if len(merged) > limit else None
        return [from_item(item) for item in page], next_after

    def _first_items(
        self, *, pk: str, low: str, high: str, version: str | None, now_ms: int, wanted: int, after: str | None
    ) -> list[dict[str, Any]]:
        request = self._query_arguments(
            pk=pk,
            low=low,
            high=high,
            version=version,
            now_ms=now_ms,
            names={"#pk": PARTITION_KEY, "#sk": SORT_KEY, "#exp": TTL_ATTRIBUTE},
        )
        if after is not None:
            # DynamoDB's own continuation: evaluation starts just after this key, which
            # need not exist in this shard (it lies within the key condition's range).
            request["ExclusiveStartKey"] = {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": after}}
        items: list[dict[str, Any]] = []
        while len(items) < wanted:
            # Limit bounds the items evaluated per call; the filter may drop some of them.
            request["Limit"] = wanted - len(items)
            response = self._client.query(**request)
            items.extend(response["Items"])
            last = response.get("LastEvaluatedKey")
            if not last:
                break
            request["ExclusiveStartKey"] = last
        return items[:wanted]

    def catalog(self) -> list[dict[str, Any]]:
        """Every function's catalog entry: function, first_seen, last_seen, architecture."""
        entries: list[dict[str, Any]] = []
        for pk in keys.catalog_partition_keys():
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": PARTITION_KEY},
                "ExpressionAttributeValues": {":pk": {"S": pk}},
            }
            while True:
                response = self._client.query(**request)
                entries.extend(_catalog_entry(item) for item in response["Items"])
                last = response.get("LastEvaluatedKey")
                if not last:
                    break
                request["ExclusiveStartKey"] = last
        return entries

    def architecture(self, function: str) -> str | None:
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="#pk = :pk AND #sk = :fn",
            ExpressionAttributeNames={"#pk": PARTITION_KEY, "#sk": SORT_KEY},
            ExpressionAttributeValues={":pk": {"S": keys.catalog_partition_key(function)}, ":fn": {"S": function}},
        )
        items = response["Items"]
        if not items:
            return None
        architecture: str | None = _catalog_entry(items[0])[CATALOG_ARCHITECTURE]
        return architecture


def _catalog_entry(item: dict[str, Any]) -> dict[str, Any]:
    def number(name: str) -> int | None:
        return int(item[name]["N"]) if name in item else None

    return {
        "function": item[SORT_KEY]["S"],
        CATALOG_FIRST_SEEN: number(CATALOG_FIRST_SEEN),
        CATALOG_LAST_SEEN: number(CATALOG_LAST_SEEN),
        CATALOG_ARCHITECTURE: item[CATALOG_ARCHITECTURE]["S"] if CATALOG_ARCHITECTURE in item else None,
    }
