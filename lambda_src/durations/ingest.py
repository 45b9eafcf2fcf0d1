"""Ingest: one subscription payload in, one record per invocation out.

The logic is here; DynamoDB I/O sits behind two small ports (``RecordWriter`` and
``FunctionCatalog``) so that tests can run it with fakes or with moto, and local mode with
DynamoDB Local, through the same code path as Lambda.

Failure policy
- A line that is not a report is skipped and counted; a malformed report is skipped,
  counted and sampled into the summary log. Neither fails the batch.
- A payload that cannot be decoded at all is logged with what is known of it and the
  exception is raised: Lambda retries the asynchronous invocation twice, then the
  on-failure destination (the dead-letter queue) keeps it. Nothing loops for ever.
- A DynamoDB failure propagates for the same reason: records are only lost if nothing
  catches the failed invocation, and the stack always configures the dead-letter queue.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from durations.log_source import FunctionRef, function_from_log_source
from durations.records import Record
from durations.report_parser import MalformedReport, parse_report, timed_out_request_id
from durations.schema import STATUS_SUCCESS, STATUS_TIMEOUT
from durations.subscription import CONTROL_MESSAGE, Payload, PayloadDecodeError, decode_event

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

MAX_SAMPLES = 3
MAX_SAMPLE_CHARS = 300

# Skip reasons, as they appear in the summary log.
SKIP_NOT_REPORT = "not_report"
SKIP_MALFORMED = "malformed"
SKIP_NOT_LAMBDA = "not_lambda"
SKIP_INVALID_EVENT = "invalid_event"
SKIP_TIMEOUT_NOTICE = "timeout_notice"


class RecordWriter(Protocol):
    def write(self, records: Sequence[Record]) -> int:
        """Store the records idempotently; return how many distinct items were written."""
        ...


class FunctionCatalog(Protocol):
    def observe(self, function: FunctionRef, records: Sequence[Record]) -> None:
        """Note that the function was seen with these records (first/last seen, memory)."""
        ...


@dataclass
class ParsedPayload:
    records: list[Record]
    skipped: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)


def parse_payload(payload: Payload, source: FunctionRef) -> ParsedPayload:
    """Every invocation report of the payload as a record; everything else counted."""
    result = ParsedPayload(records=[])
    records, skipped = result.records, result.skipped
    function, version = source.name, source.version
    timed_out: set[str] = set()
    for event in payload.log_events:
        try:
            timestamp, message = event["timestamp"], event["message"]
        except (TypeError, KeyError):
            skipped[SKIP_INVALID_EVENT] += 1
            continue
        if type(timestamp) is not int or type(message) is not str:
            skipped[SKIP_INVALID_EVENT] += 1
            continue
        try:
            record = parse_report(message, function, version, timestamp)
        except MalformedReport as error:
            skipped[SKIP_MALFORMED] += 1
            if len(result.samples) < MAX_SAMPLES:
                result.samples.append(f"{error}: {message[:MAX_SAMPLE_CHARS]!r}")
            continue
        if record is not None:
            records.append(record)
            continue
        request_id = timed_out_request_id(message)
        if request_id is not None:
            timed_out.add(request_id)
            skipped[SKIP_TIMEOUT_NOTICE] += 1
        else:
            skipped[SKIP_NOT_REPORT] += 1
    if timed_out:
        result.records = [_mark_old_style_timeout(record, timed_out) for record in records]
    return result


def _mark_old_style_timeout(record: Record, timed_out: set[str]) -> Record:
    # Only a report without a Status field can be an old-style timeout; a report that says
    # Status: error (or anything else) keeps what it says.
    if record.request_id in timed_out and record.status == STATUS_SUCCESS and record.error_type is None:
        return record._replace(status=STATUS_TIMEOUT)
    return record


@dataclass
class IngestSummary:
    log_group: str
    log_stream: str
    function: str | None
    received: int
    stored: int
    skipped: dict[str, int]
    elapsed_ms: float
    malformed_samples: list[str]

    def as_log(self) -> dict[str, Any]:
        return {
            "log_group": self.log_group,
            "log_stream": self.log_stream,
            "function": self.function,
            "received": self.received,
            "stored": self.stored,
            "skipped": self.skipped,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "malformed_samples": self.malformed_samples,
        }


def ingest_event(
    event: Any,
    writer: RecordWriter,
    catalog: FunctionCatalog | None,
    clock: Callable[[], float] = time.perf_counter,
) -> IngestSummary:
    """Decode, parse and store one subscription event; log and return a summary."""
    started = clock()
    try:
        payload = decode_event(event)
    except PayloadDecodeError as error:
        logger.error(
            "undecodable subscription payload; failing so that it ends in the dead-letter queue",
            extra={"log_group": error.log_group, "log_stream": error.log_stream, "reason": error.reason},
        )
        raise
    summary = ingest_payload(payload, writer, catalog)
    summary.elapsed_ms = (clock() - started) * 1000
    logger.info("ingest summary", extra={"ingest": summary.as_log()})
    return summary


def ingest_payload(payload: Payload, writer: RecordWriter, catalog: FunctionCatalog | None) -> IngestSummary:
    received = len(payload.log_events)
    summary = IngestSummary(payload.log_group, payload.log_stream, None, received, 0, {}, 0.0, [])
    if payload.message_type == CONTROL_MESSAGE:
        summary.skipped = {CONTROL_MESSAGE: 1}
        return summary
    source = function_from_log_source(payload.log_group, payload.log_stream)
    if source is None:
        summary.skipped = {SKIP_NOT_LAMBDA: received} if received else {}
        return summary
    parsed = parse_payload(payload, source)
    summary.function = source.name
    summary.skipped = dict(parsed.skipped)
    summary.malformed_samples = parsed.samples
    if parsed.records:
        summary.stored = writer.write(parsed.records)
        if catalog is not None:
            catalog.observe(source, parsed.records)
    return summary
