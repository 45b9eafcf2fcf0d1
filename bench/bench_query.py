"""Query time and items read for a window of 100,000 invocations, on DynamoDB Local;
and ingest write throughput, concurrent batches against one batch at a time.

The query handler's logic (query.handle) runs over the real engine with the parallel shard
reader, interleaved with the same query through a one-shard-at-a-time reader in the same
process: the ratio shows what the fan-out buys on this machine. Medians of several runs.

    make bench          (or: .venv/bin/python bench/bench_query.py)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid

from durations.query import handle
from durations.records import Record
from durations.schema import INVOCATION_SHARDS
from durations.settings import QuerySettings
from durations.store import DynamoRecordWriter, DynamoWindowReader
from durations_local.dynamodb_local import DynamoDBLocal
from durations_local.template import create_invocation_table

TABLE = "bench-invocations"
FUNCTION = "bench-fn"
DAY_MS = 86_400_000


def records(count: int, start_ms: int, seed: int = 11) -> list[Record]:
    rng = random.Random(seed)
    result = []
    for index in range(count):
        duration = rng.lognormvariate(4.0, 0.8)
        cold = rng.random() < 0.02
        result.append(
            Record(
                FUNCTION,
                "7",
                str(uuid.UUID(int=rng.getrandbits(128))),
                start_ms + index * DAY_MS // count,
                round(duration, 2),
                int(duration) + 1,
                512,
                rng.randint(80, 300),
                round(rng.uniform(200, 900), 2) if cold else None,
                None,
                None,
                "timeout" if rng.random() < 0.001 else "success",
                None,
                cold,
                None,
            )
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ingest-records", type=int, default=10_000)
    args = parser.parse_args()
    with DynamoDBLocal() as local:
        client = local.client()
        create_invocation_table(client, TABLE)
        now_ms = int(time.time() * 1000)
        start_ms = now_ms - DAY_MS
        loaded = records(args.invocations, start_ms)
        started = time.perf_counter()
        DynamoRecordWriter(client, TABLE, 30, concurrency=8).write(loaded)
        load_s = time.perf_counter() - started
        # Ingest throughput: the same records into two fresh tables, one batch at a time
        # and 8 concurrent batches, alternating, medians of the runs.
        sample = records(args.ingest_records, start_ms, seed=13)
        rates: dict[int, list[float]] = {1: [], 8: []}
        for run in range(args.runs):
            for concurrency, series in rates.items():
                table = f"ingest-{concurrency}-{run}"
                create_invocation_table(client, table)
                began = time.perf_counter()
                DynamoRecordWriter(client, table, 30, concurrency=concurrency).write(sample)
                series.append(len(sample) / (time.perf_counter() - began))
                client.delete_table(TableName=table)
        prices = QuerySettings.from_env({"TABLE_NAME": TABLE}).prices
        request = {"function": FUNCTION, "start": start_ms, "end": now_ms, "interval": "5m"}
        readers = {
            "parallel": DynamoWindowReader(client, TABLE),
            "sequential": DynamoWindowReader(client, TABLE, concurrency=1),
        }
        timings: dict[str, list[float]] = {name: [] for name in readers}
        for _ in range(args.runs):
            for name, reader in readers.items():
                began = time.perf_counter()
                response = handle(request, reader, prices, now_ms)
                timings[name].append(time.perf_counter() - began)
                assert response["summary"]["invocations"] == args.invocations, response["summary"]["invocations"]
        items_read = readers["parallel"].window(FUNCTION, start_ms, now_ms, None, now_ms).items_read
    parallel, sequential = (statistics.median(timings[name]) for name in ("parallel", "sequential"))
    print(f"query: one function, a window of {args.invocations:,} invocations, 5-minute series, DynamoDB Local")
    print(f"  loaded in {load_s:.1f} s ({args.invocations / load_s:,.0f} records/s, 8 concurrent batches)")
    print(f"  items read per query: {items_read:,} ({INVOCATION_SHARDS} shards, only this function's keys)")
    print(f"  median of {args.runs} interleaved runs:")
    print(f"    {INVOCATION_SHARDS} shards in parallel: {parallel:.2f} s")
    print(f"    one shard at a time:    {sequential:.2f} s")
    print(f"  ratio sequential/parallel: {sequential / parallel:.2f}")
    one, eight = (statistics.median(rates[c]) for c in (1, 8))
    print(f"ingest writes: {args.ingest_records:,} records into a fresh table, median of {args.runs} alternating runs")
    print(f"  one batch at a time:      {one:,.0f} records/s")
    print(f"  8 concurrent batches:     {eight:,.0f} records/s")
    print(f"  ratio concurrent/one:     {eight / one:.2f}")


if __name__ == "__main__":
    main()
