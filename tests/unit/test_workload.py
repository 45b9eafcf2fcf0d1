"""durations_local.workload: the seeded day of Lambda logs that ``make demo`` loads.

The events go through the same decoding and parsing as production (``decode_event``,
``function_from_log_source``, ``parse_payload``), and what comes out must be exactly what the
workload says it generated.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from durations.ingest import SKIP_MALFORMED, SKIP_NOT_REPORT, parse_payload
from durations.log_source import function_from_log_source
from durations.records import Record
from durations.report_parser import parse_report
from durations.subscription import DATA_MESSAGE, Payload, decode_event, encode_payload
from durations_local.workload import (
    CHECKOUT,
    DAY_MS,
    FUNCTIONS,
    HOUR_MS,
    IMAGE_RESIZE,
    JSON,
    LEGACY_SYNC,
    MAX_EVENTS_PER_PAYLOAD,
    ORDERS,
    OUT_OF_MEMORY,
    PAYLOAD_WINDOW_MS,
    PAYMENTS_API,
    PAYMENTS_WORKER,
    SEARCH,
    SHARED_GROUP,
    TEXT,
    Workload,
    encode_event,
    generate,
    planned_invocations,
)

DAY_START = int(datetime(2025, 3, 4, tzinfo=UTC).timestamp() * 1000)
SCALE = 0.05
SEED = 7


@dataclass
class Ingested:
    """The workload's events as ingest reads them."""

    payloads: list[Payload] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # the function of each payload
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    by_stream: dict[tuple[str, str], list[Record]] = field(default_factory=lambda: defaultdict(list))
    skipped: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    unknown_sources: list[tuple[str, str]] = field(default_factory=list)

    def messages(self, function: str) -> list[str]:
        return [
            event["message"]
            for payload, name in zip(self.payloads, self.functions, strict=True)
            if name == function
            for event in payload.log_events
        ]


def ingest(workload: Workload) -> Ingested:
    result = Ingested()
    for event in workload.events:
        payload = decode_event(event)
        source = function_from_log_source(payload.log_group, payload.log_stream)
        if source is None:
            result.unknown_sources.append((payload.log_group, payload.log_stream))
            continue
        parsed = parse_payload(payload, source)
        result.payloads.append(payload)
        result.functions.append(source.name)
        result.records[source.name].extend(parsed.records)
        result.by_stream[payload.log_group, payload.log_stream].extend(parsed.records)
        result.skipped.update(parsed.skipped)
        result.samples.extend(parsed.samples)
    return result


@pytest.fixture(scope="module")
def workload() -> Workload:
    return generate(SEED, day_start_ms=DAY_START, scale=SCALE)


@pytest.fixture(scope="module")
def ingested(workload: Workload) -> Ingested:
    return ingest(workload)


def ceil_ms(*values_ms: float) -> int:
    """ceil of the sum of durations printed with two decimals, summed exactly in hundredths."""
    return -(-sum(round(value * 100) for value in values_ms) // 100)


# --- Reproducibility ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_events_and_truth(workload: Workload) -> None:
    again = generate(SEED, day_start_ms=DAY_START, scale=SCALE)

    assert again.events == workload.events
    assert again.expected == workload.expected


def test_another_seed_gives_other_events(workload: Workload) -> None:
    other = generate(SEED + 1, day_start_ms=DAY_START, scale=SCALE)

    assert other.events != workload.events
    assert other.expected != workload.expected


def digest_in_subprocess(hash_seed: str) -> str:
    program = (
        "import hashlib, json\n"
        "from durations_local.workload import generate\n"
        f"w = generate({SEED}, day_start_ms={DAY_START}, scale=0.01)\n"
        "print(hashlib.sha256(json.dumps(w.events).encode()).hexdigest())\n"
    )
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    completed = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, env=environment
    )
    return completed.stdout.strip()


def test_the_events_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    in_this_process = generate(SEED, day_start_ms=DAY_START, scale=0.01)
    expected = hashlib.sha256(json.dumps(in_this_process.events).encode()).hexdigest()

    assert digest_in_subprocess("1") == expected
    assert digest_in_subprocess("2") == expected


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf])
def test_a_scale_that_is_not_a_positive_number_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="scale must be a positive number"):
        generate(SEED, day_start_ms=DAY_START, scale=scale)


# --- Delivery: subscription payloads -----------------------------------------------------------


def test_an_event_holds_the_payload_encode_payload_builds_in_the_same_bytes_every_time() -> None:
    lines = [(DAY_START + 5, "START RequestId: r1 Version: $LATEST"), (DAY_START + 9, "END RequestId: r1")]
    group, stream = "/aws/lambda/checkout", "2025/03/04/[41]" + "0" * 32

    assert encode_event(group, stream, lines, first_id=40) == encode_event(group, stream, lines, first_id=40)
    assert decode_event(encode_event(group, stream, lines, first_id=40)) == decode_event(
        encode_payload(group, stream, lines, first_id=40)
    )


def test_every_event_decodes_to_one_lambda_stream_in_time_order(workload: Workload, ingested: Ingested) -> None:
    assert ingested.unknown_sources == []
    assert len(ingested.payloads) == len(workload.events)
    for payload in ingested.payloads:
        assert payload.message_type == DATA_MESSAGE
        assert 1 <= len(payload.log_events) <= MAX_EVENTS_PER_PAYLOAD
        timestamps = [event["timestamp"] for event in payload.log_events]
        assert timestamps == sorted(timestamps)
    # Delivery order follows each payload's first event; event ids are unique and consecutive.
    firsts = [payload.log_events[0]["timestamp"] for payload in ingested.payloads]
    assert firsts == sorted(firsts)
    ids = [int(event["id"]) for payload in ingested.payloads for event in payload.log_events]
    assert ids == list(range(len(ids)))


def test_a_stream_is_split_into_payloads_by_time_and_never_splits_an_invocation(ingested: Ingested) -> None:
    firsts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for payload in ingested.payloads:
        firsts[payload.log_group, payload.log_stream].append(payload.log_events[0]["timestamp"])
        messages = [event["message"] for event in payload.log_events]
        text_starts = sum(message.startswith("START RequestId:") for message in messages)
        text_reports = sum(message.startswith("REPORT RequestId:") for message in messages)
        json_starts = sum('"type":"platform.start"' in message for message in messages)
        json_reports = sum('"type":"platform.report"' in message for message in messages)
        assert (text_starts, json_starts) == (text_reports, json_reports)
    # Below the size cap, a stream's next payload begins once the window has passed.
    assert max(len(payload.log_events) for payload in ingested.payloads) < MAX_EVENTS_PER_PAYLOAD
    for stream_firsts in firsts.values():
        assert all(later - earlier >= PAYLOAD_WINDOW_MS for earlier, later in pairwise(stream_firsts))
    assert len(firsts) > 500
    assert sum(len(stream_firsts) > 1 for stream_firsts in firsts.values()) > 100


def test_each_function_logs_to_its_own_group_or_the_shared_one(workload: Workload, ingested: Ingested) -> None:
    groups: dict[str, set[str]] = defaultdict(set)
    for payload, name in zip(ingested.payloads, ingested.functions, strict=True):
        groups[name].add(payload.log_group)

    assert groups == {name: {truth.log_group} for name, truth in workload.expected.items()}
    assert {name: truth.log_group for name, truth in workload.expected.items()} == {
        CHECKOUT: "/aws/lambda/checkout",
        IMAGE_RESIZE: "/aws/lambda/image-resize",
        ORDERS: "/aws/lambda/orders",
        SEARCH: "/aws/lambda/search",
        PAYMENTS_API: SHARED_GROUP,
        PAYMENTS_WORKER: SHARED_GROUP,
        LEGACY_SYNC: "/aws/lambda/legacy-sync",
    }


def test_the_shared_group_yields_two_functions_each_with_its_version(ingested: Ingested) -> None:
    versions: dict[str, set[str | None]] = defaultdict(set)
    for payload in ingested.payloads:
        if payload.log_group == SHARED_GROUP:
            source = function_from_log_source(payload.log_group, payload.log_stream)
            assert source is not None
            versions[source.name].add(source.version)

    assert versions == {PAYMENTS_API: {"3"}, PAYMENTS_WORKER: {"$LATEST"}}


# --- Every report parses, and the counts are the truth -------------------------------------------


def test_every_report_parses_and_nothing_is_malformed(ingested: Ingested) -> None:
    assert ingested.skipped[SKIP_MALFORMED] == 0
    assert ingested.samples == []


def test_the_records_of_each_function_match_the_truth_exactly(workload: Workload, ingested: Ingested) -> None:
    def observed(records: list[Record]) -> dict[str, object]:
        return {
            "invocations": len(records),
            "cold_starts": sum(record.cold_start for record in records),
            "timeouts": sum(record.status == "timeout" for record in records),
            "oom_errors": sum(record.error_type == OUT_OF_MEMORY for record in records),
            "traced": sum(record.xray_trace_id is not None for record in records),
            "by_version": dict(Counter(record.version for record in records)),
        }

    actual = {name: observed(records) for name, records in ingested.records.items()}
    expected = {
        name: {
            "invocations": truth.invocations,
            "cold_starts": truth.cold_starts,
            "timeouts": truth.timeouts,
            "oom_errors": truth.oom_errors,
            "traced": truth.traced,
            "by_version": truth.invocations_by_version,
        }
        for name, truth in workload.expected.items()
    }
    assert actual == expected
    assert {name: tuple(truth.invocations_by_version) for name, truth in workload.expected.items()} == {
        name: truth.versions for name, truth in workload.expected.items()
    }


def test_request_ids_are_unique(ingested: Ingested) -> None:
    request_ids = [record.request_id for records in ingested.records.values() for record in records]

    assert len(set(request_ids)) == len(request_ids)


def test_the_truth_describes_each_function_configuration(workload: Workload, ingested: Ingested) -> None:
    assert {name: (t.architecture, t.memory_size_mb, t.log_format) for name, t in workload.expected.items()} == {
        CHECKOUT: ("x86_64", 512, TEXT),
        IMAGE_RESIZE: ("arm64", 1024, TEXT),
        ORDERS: ("x86_64", 2048, TEXT),
        SEARCH: ("arm64", 768, JSON),
        PAYMENTS_API: ("arm64", 256, TEXT),
        PAYMENTS_WORKER: ("arm64", 512, TEXT),
        LEGACY_SYNC: ("x86_64", 128, TEXT),
    }
    for name, records in ingested.records.items():
        assert {record.memory_size_mb for record in records} == {workload.expected[name].memory_size_mb}


# --- Execution environments and cold starts -------------------------------------------------------


def test_each_environment_is_one_stream_whose_first_invocation_is_its_only_cold_start(
    workload: Workload, ingested: Ingested
) -> None:
    streams_per_function: Counter[str] = Counter()
    for (group, stream), records in ingested.by_stream.items():
        source = function_from_log_source(group, stream)
        assert source is not None
        streams_per_function[source.name] += 1
        in_order = sorted(records, key=lambda record: record.timestamp)
        assert [record.cold_start for record in in_order] == [True] + [False] * (len(in_order) - 1)

        # A timeout or an out-of-memory crash resets the runtime: nothing runs after it in that environment.
        assert all(record.status == "success" for record in in_order[:-1])

    assert dict(streams_per_function) == {name: truth.cold_starts for name, truth in workload.expected.items()}
    instance_ids = [stream[-32:] for _, stream in ingested.by_stream]
    assert len(set(instance_ids)) == len(instance_ids)


def test_on_demand_cold_starts_carry_init_and_bill_it(workload: Workload, ingested: Ingested) -> None:
    on_demand = [name for name, truth in workload.expected.items() if not truth.snapstart]
    cold_starts = 0
    for name in on_demand:
        for record in ingested.records[name]:
            assert record.restore_duration_ms is None
            assert record.billed_restore_duration_ms is None
            assert record.duration_ms is not None
            if record.cold_start:
                cold_starts += 1
                assert record.init_duration_ms is not None
                assert record.billed_duration_ms == ceil_ms(record.duration_ms, record.init_duration_ms)
            else:
                assert record.init_duration_ms is None
                assert record.billed_duration_ms == ceil_ms(record.duration_ms)

    assert cold_starts == sum(workload.expected[name].cold_starts for name in on_demand) > 0


def test_snapstart_cold_starts_show_restore_durations_and_no_init(workload: Workload, ingested: Ingested) -> None:
    assert [name for name, truth in workload.expected.items() if truth.snapstart] == [ORDERS]
    records = ingested.records[ORDERS]
    cold = [record for record in records if record.cold_start]
    for record in records:
        assert record.init_duration_ms is None
        assert record.duration_ms is not None
        if record.cold_start:
            assert record.restore_duration_ms is not None
            assert record.billed_restore_duration_ms is not None
            assert 0 < record.billed_restore_duration_ms <= ceil_ms(record.restore_duration_ms)
            assert record.billed_duration_ms == ceil_ms(record.duration_ms) + record.billed_restore_duration_ms
        else:
            assert record.restore_duration_ms is None
            assert record.billed_restore_duration_ms is None
            assert record.billed_duration_ms == ceil_ms(record.duration_ms)

    assert len(cold) == workload.expected[ORDERS].cold_starts > 0
    assert any(message.startswith("RESTORE_START Runtime Version: java:21") for message in ingested.messages(ORDERS))
    assert not any(message.startswith("INIT_START") for message in ingested.messages(ORDERS))


# --- Failures -----------------------------------------------------------------------------------


def test_timeouts_last_the_configured_timeout_and_oom_errors_use_all_memory(
    workload: Workload, ingested: Ingested
) -> None:
    for name, records in ingested.records.items():
        truth = workload.expected[name]
        for record in records:
            assert record.max_memory_used_mb is not None
            assert record.duration_ms is not None
            if record.status == "timeout":
                assert record.duration_ms == truth.timeout_ms
                assert record.error_type is None
            elif record.status == "error":
                assert record.error_type == OUT_OF_MEMORY
                assert record.max_memory_used_mb == truth.memory_size_mb
            else:
                assert record.status == "success"
                assert record.error_type is None
                assert record.duration_ms < truth.timeout_ms
                assert record.max_memory_used_mb < truth.memory_size_mb

    # Failures happen at small rates, and only on the functions configured with them.
    timeouts = {name: truth.timeouts for name, truth in workload.expected.items() if truth.timeouts}
    oom_errors = {name: truth.oom_errors for name, truth in workload.expected.items() if truth.oom_errors}
    assert set(timeouts) <= {spec.name for spec in FUNCTIONS if spec.timeout_rate}
    assert set(oom_errors) <= {spec.name for spec in FUNCTIONS if spec.oom_rate}
    assert 0 < sum(timeouts.values()) < 0.01 * workload.invocations
    assert 0 < sum(oom_errors.values()) < 0.01 * workload.invocations


def test_timeouts_say_status_timeout_except_in_the_old_style_function(workload: Workload, ingested: Ingested) -> None:
    for name, truth in workload.expected.items():
        if truth.log_format != TEXT:
            continue
        reports = [message for message in ingested.messages(name) if message.startswith("REPORT RequestId:")]
        with_status = sum("\tStatus: timeout\t" in report for report in reports)
        assert with_status == (0 if name == LEGACY_SYNC else truth.timeouts)


def test_old_style_timeouts_have_no_status_and_are_told_by_the_notice(workload: Workload, ingested: Ingested) -> None:
    messages = ingested.messages(LEGACY_SYNC)
    reports = [message for message in messages if message.startswith("REPORT RequestId:")]
    notices = [message for message in messages if " Task timed out after 30.00 seconds" in message]

    assert len(reports) == workload.expected[LEGACY_SYNC].invocations
    assert not any("Status:" in report for report in reports)
    assert len(notices) == workload.expected[LEGACY_SYNC].timeouts > 0


# --- Log formats and the other lines of a stream ---------------------------------------------------


def test_the_json_function_writes_only_json_lines_with_its_platform_events(
    workload: Workload, ingested: Ingested
) -> None:
    truth = workload.expected[SEARCH]
    messages = ingested.messages(SEARCH)
    assert all(message.startswith("{") for message in messages)
    types = Counter(json.loads(message).get("type", "application log") for message in messages)

    assert types == {
        "platform.initStart": truth.cold_starts,
        "platform.initRuntimeDone": truth.cold_starts,
        "platform.initReport": truth.cold_starts,
        "platform.start": truth.invocations,
        "platform.runtimeDone": truth.invocations,
        "platform.report": truth.invocations,
        "application log": types["application log"],
    }
    assert truth.invocations < types["application log"] < 2 * truth.invocations  # one or two per invocation
    assert [name for name, t in workload.expected.items() if t.log_format == JSON] == [SEARCH]


def test_the_text_functions_write_no_json_lines(workload: Workload, ingested: Ingested) -> None:
    for name, truth in workload.expected.items():
        if truth.log_format == TEXT:
            assert not any(message.startswith("{") for message in ingested.messages(name))


def test_text_streams_carry_start_end_and_application_lines_around_each_report(
    workload: Workload, ingested: Ingested
) -> None:
    for name, truth in workload.expected.items():
        if truth.log_format != TEXT:
            continue
        messages = ingested.messages(name)
        kinds = Counter(message.split(" ", 1)[0] for message in messages)
        notices = sum(" Task timed out after " in message for message in messages)
        crashes = sum(message.startswith("RequestId: ") and " Error: " in message for message in messages)
        reports = sum(message.startswith("REPORT RequestId: ") for message in messages)
        platform = sum(kinds[kind] for kind in ("START", "END", "INIT_START", "RESTORE_START", "RESTORE_REPORT"))
        own = len(messages) - platform - reports - notices - crashes
        assert kinds["START"] == kinds["END"] == reports == truth.invocations
        assert kinds["INIT_START"] == (0 if truth.snapstart else truth.cold_starts)
        assert kinds["RESTORE_START"] == kinds["RESTORE_REPORT"] == (truth.cold_starts if truth.snapstart else 0)
        assert (notices, crashes) == (truth.timeouts, truth.oom_errors)
        # One or two lines of the function's own per invocation.
        assert truth.invocations < own < 2 * truth.invocations
    assert ingested.skipped[SKIP_NOT_REPORT] > 0


def test_application_lines_that_mention_report_are_not_reports(workload: Workload, ingested: Ingested) -> None:
    mentions = [
        (name, message)
        for name in workload.expected
        for message in ingested.messages(name)
        if "REPORT" in message and not message.startswith(("REPORT RequestId:", "RESTORE_REPORT", "{"))
    ]

    assert {name for name, _ in mentions} >= {CHECKOUT, PAYMENTS_API, LEGACY_SYNC}
    # The scheduled function prints without the runtime's prefix: its lines start with REPORT.
    assert any(message.startswith("REPORT sync rows=") for name, message in mentions if name == LEGACY_SYNC)
    for name, message in mentions:
        assert parse_report(message, name, None, DAY_START) is None


def test_x_ray_trace_ids_appear_on_sampled_requests_of_traced_functions(workload: Workload, ingested: Ingested) -> None:
    traced = {name for name, truth in workload.expected.items() if truth.traced}
    trace_ids = [record.xray_trace_id for records in ingested.records.values() for record in records]

    assert traced == {CHECKOUT, SEARCH, PAYMENTS_API}
    assert all(
        len(trace_id) == 35 and trace_id.startswith("1-") and trace_id[10] == "-"
        for trace_id in trace_ids
        if trace_id is not None
    )


# --- The deploy -------------------------------------------------------------------------------


def test_checkout_changes_version_at_the_midday_deploy(workload: Workload, ingested: Ingested) -> None:
    truth = workload.expected[CHECKOUT]
    assert truth.versions == ("41", "42")
    assert truth.deploy_ms == DAY_START + 12 * HOUR_MS
    records = ingested.records[CHECKOUT]
    before = [record for record in records if record.version == "41"]
    after = [record for record in records if record.version == "42"]

    # Every 41 invocation began before the deploy (its report comes when it ends); every 42 after.
    for record in before:
        assert record.duration_ms is not None
        assert record.timestamp - record.duration_ms - (record.init_duration_ms or 0) < truth.deploy_ms
    assert min(record.timestamp for record in after) >= truth.deploy_ms
    assert len(before) + len(after) == len(records)
    # New version, new environments: the first request after the deploy is a cold start.
    assert min(after, key=lambda record: record.timestamp).cold_start


def test_checkout_is_slower_after_the_deploy_by_the_configured_factor(workload: Workload, ingested: Ingested) -> None:
    factor = workload.expected[CHECKOUT].latency_factor_after_deploy
    assert factor == 1.4
    successes = [record for record in ingested.records[CHECKOUT] if record.status == "success"]
    median_before = statistics.median(record.duration_ms or 0.0 for record in successes if record.version == "41")
    median_after = statistics.median(record.duration_ms or 0.0 for record in successes if record.version == "42")

    assert median_after / median_before == pytest.approx(factor, abs=0.1)
    for name, truth in workload.expected.items():
        if name != CHECKOUT:
            assert truth.deploy_ms is None
            assert len(truth.versions) == 1


# --- Traffic and volume -------------------------------------------------------------------------


def test_the_traffic_peaks_in_the_afternoon_and_is_lowest_at_night(ingested: Ingested) -> None:
    hours = Counter(
        (record.timestamp - DAY_START) // HOUR_MS for records in ingested.records.values() for record in records
    )
    peak = sum(hours[hour] for hour in range(13, 17))
    night = sum(hours[hour] for hour in range(1, 5))

    assert peak > 2 * night


def test_invocations_start_within_the_day(workload: Workload, ingested: Ingested) -> None:
    for name, records in ingested.records.items():
        truth = workload.expected[name]
        for record in records:
            assert record.duration_ms is not None
            began = record.timestamp - record.duration_ms - (record.init_duration_ms or record.restore_duration_ms or 0)
            assert DAY_START - 2 < began < DAY_START + DAY_MS
            assert record.timestamp < DAY_START + DAY_MS + truth.timeout_ms + 10_000


def test_the_full_scale_day_is_planned_at_forty_to_sixty_thousand_invocations() -> None:
    planned = sum(planned_invocations(spec) for spec in FUNCTIONS)

    assert 40_000 <= planned <= 60_000


def test_the_volume_follows_the_plan_and_scales_proportionally(workload: Workload) -> None:
    planned = sum(planned_invocations(spec, SCALE) for spec in FUNCTIONS)
    doubled = generate(SEED, day_start_ms=DAY_START, scale=2 * SCALE)

    assert workload.invocations == pytest.approx(planned, rel=0.1)
    assert doubled.invocations / workload.invocations == pytest.approx(2.0, rel=0.1)
    for name, truth in doubled.expected.items():
        assert truth.invocations / workload.expected[name].invocations == pytest.approx(2.0, rel=0.25)
