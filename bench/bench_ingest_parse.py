"""Decode + parse + record building over 100,000 REPORT lines, against a naive baseline.

Both sides run in this process on the same payloads, so the ratio is meaningful on a
shared machine where absolute numbers are not. Prints the median of several runs.

    make bench          (or: .venv/bin/python bench/bench_ingest_parse.py)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
import uuid
from typing import Any

from durations.ingest import parse_payload
from durations.log_source import function_from_log_source
from durations.records import to_item
from durations.subscription import decode_event, encode_payload

TARGET_LINES_PER_S = 100_000


def _text_line(rng: random.Random, request_id: str) -> str:
    duration = rng.uniform(1, 3000)
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {int(duration) + 1} ms\t"
        f"Memory Size: 512 MB\tMax Memory Used: {rng.randint(60, 500)} MB\t"
    )
    if rng.random() < 0.05:
        line += f"Init Duration: {rng.uniform(100, 900):.2f} ms\t"
    if rng.random() < 0.02:
        line += "Status: timeout"
    return line


def _json_line(rng: random.Random, request_id: str) -> str:
    duration = rng.uniform(1, 3000)
    record = {
        "requestId": request_id,
        "metrics": {
            "durationMs": round(duration, 3),
            "billedDurationMs": int(duration) + 1,
            "memorySizeMB": 1024,
            "maxMemoryUsedMB": rng.randint(60, 500),
        },
        "status": "success",
    }
    return json.dumps({"time": "2026-12-01T00:00:00.000Z", "type": "platform.report", "record": record})


def build_events(lines: int, per_payload: int, seed: int = 7) -> list[dict[str, Any]]:
    """Subscription events, one stream each; a fifth of the lines in the JSON format."""
    rng = random.Random(seed)
    events = []
    timestamp = 1_764_547_200_000
    for start in range(0, lines, per_payload):
        batch = []
        for _ in range(min(per_payload, lines - start)):
            request_id = str(uuid.UUID(int=rng.getrandbits(128)))
            make = _json_line if rng.random() < 0.2 else _text_line
            batch.append((timestamp, make(rng, request_id)))
            timestamp += rng.randint(1, 50)
        stream = f"2026/12/01/[$LATEST]{rng.getrandbits(128):032x}"
        events.append(encode_payload(f"/aws/lambda/bench-fn-{start % 7}", stream, batch))
    return events


def records_only(events: list[dict[str, Any]]) -> int:
    """What the target is set on: decode + parse + record building."""
    stored = 0
    for event in events:
        payload = decode_event(event)
        source = function_from_log_source(payload.log_group, payload.log_stream)
        assert source is not None
        stored += len(parse_payload(payload, source).records)
    return stored


def with_items(events: list[dict[str, Any]]) -> int:
    """The whole CPU side of ingest: the above plus the DynamoDB items (keys, TTL)."""
    stored = 0
    for event in events:
        payload = decode_event(event)
        source = function_from_log_source(payload.log_group, payload.log_stream)
        assert source is not None
        for record in parse_payload(payload, source).records:
            to_item(record, 30)
            stored += 1
    return stored


# The naive approach many forwarders take: one regex per line for the fixed text fields,
# json.loads on anything JSON, dicts for records. No anchoring, no validation.
_NAIVE = re.compile(
    r"RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms\s+"
    r"Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?"
)


_NAIVE_FIELDS = ("request_id", "duration", "billed", "memory", "max_memory", "init")


def naive(events: list[dict[str, Any]]) -> int:
    import base64
    import gzip

    stored = 0
    for event in events:
        body = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
        for log_event in body["logEvents"]:
            message = log_event["message"]
            if message.startswith("{"):
                record = json.loads(message)["record"]
                item = {"request_id": record["requestId"], **record["metrics"]}
            else:
                match = _NAIVE.search(message)
                if not match:
                    continue
                item = dict(zip(_NAIVE_FIELDS, match.groups(), strict=True))
            item["timestamp"] = log_event["timestamp"]
            stored += 1
    return stored


def _median_rates(contenders: list[Any], events: list[dict[str, Any]], lines: int, runs: int) -> list[float]:
    """Runs are interleaved (A, B, C, A, B, C, ...) so that load on a shared machine falls
    on every contender alike; the median of each is returned."""
    rates: list[list[float]] = [[] for _ in contenders]
    for _ in range(runs):
        for index, fn in enumerate(contenders):
            started = time.perf_counter()
            count = fn(events)
            elapsed = time.perf_counter() - started
            assert count == lines, f"{fn.__name__} produced {count} records for {lines} lines"
            rates[index].append(lines / elapsed)
    return [statistics.median(series) for series in rates]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--per-payload", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    events = build_events(args.lines, args.per_payload)
    with_items(events)  # warm-up: regex compilation, imports
    rate, full, baseline = _median_rates([records_only, with_items, naive], events, args.lines, args.runs)
    verdict = "met" if rate >= TARGET_LINES_PER_S else "MISSED"
    print(f"ingest parse: {args.lines:,} lines (4/5 text, 1/5 JSON) in payloads of {args.per_payload:,}")
    print(f"median of {args.runs} interleaved runs, one core")
    print(f"  decode + parse + records:            {rate:>10,.0f} lines/s  (target {TARGET_LINES_PER_S:,}: {verdict})")
    print(f"  ... + DynamoDB items (keys, TTL):    {full:>10,.0f} lines/s")
    print(f"  naive single-regex baseline:         {baseline:>10,.0f} lines/s  (no validation, no records)")
    print(f"  ratio records/baseline: {rate / baseline:.2f}   items/baseline: {full / baseline:.2f}")


if __name__ == "__main__":
    main()
