"""A seeded day of Lambda logs, delivered as CloudWatch Logs subscription events, for ``make demo``.

``generate(seed, day_start_ms=..., scale=...)`` models one day (24 h from ``day_start_ms``) of the
functions in ``FUNCTIONS`` and returns a ``Workload``: the subscription events
(``{"awslogs": {"data": base64(gzip(json))}}``, ready for the ingest handler) and, per function, a
``FunctionTruth`` saying what was generated (invocations, cold starts, timeouts, out-of-memory
errors, versions, the deploy), so that the figures a query shows can be checked against it.

The model
- Traffic: a daily curve, ``1 + CURVE_AMPLITUDE * cos(2 pi (hour - PEAK_HOUR) / 24)`` (hours after
  ``day_start_ms``: lowest at 03:00, highest at 15:00), times a noise factor per quarter hour.
  Requests arrive in clusters (a client fanning out), so concurrency sometimes exceeds one. A
  scheduled function runs at fixed intervals instead. ``scale`` multiplies the volume: 1.0 gives
  about 49,000 invocations.
- Execution environments: each has its own log stream (``YYYY/MM/DD/[<version>]<32 hex>``, or
  ``YYYY/MM/DD/<name>[<version>]<32 hex>`` in a custom group). One is created when a request finds
  every environment of its version busy; its first invocation is the cold start. An environment is
  retired after an idle time (6 to 12 minutes), at the end of its lifetime (2 to 5 hours) once
  idle, after a timeout or an out-of-memory crash, and when a deploy moves traffic to another
  version. So a function's streams are exactly its cold starts.
- Durations are lognormal per function (median and spread), Init and Restore Durations too.
  Billed Duration is ``ceil(Duration + Init Duration)`` for an on-demand cold start (the init phase
  is billed since August 2025), ``ceil(Duration) + Billed Restore Duration`` for a SnapStart
  restore, and ``ceil(Duration)`` otherwise. A timeout lasts exactly the configured timeout; an
  out-of-memory error reports ``Max Memory Used`` equal to ``Memory Size``.
- Lines: text-format functions write INIT_START (or RESTORE_START and RESTORE_REPORT), START,
  application lines (now and then one mentioning the word REPORT), a ``Task timed out after``
  notice on a timeout, END and REPORT (with the X-Ray continuation when the request was sampled).
  The JSON-format function writes ``platform.initStart``, ``platform.initRuntimeDone``,
  ``platform.initReport``, ``platform.start``, JSON application logs, ``platform.runtimeDone`` and
  ``platform.report``.
- Delivery: one stream per payload, its events batched by time (a new payload when
  ``PAYLOAD_WINDOW_MS`` has passed since the batch's first event, or when it would exceed
  ``MAX_EVENTS_PER_PAYLOAD``). An invocation's lines always travel in one payload, so an old-style
  timeout notice reaches the parser with its REPORT. Payloads are ordered by their first event.

Deterministic, down to the bytes of every event: each function draws from its own
``random.Random`` seeded with the seed and its name; nothing reads the clock or the global random
state (``encode_event`` writes the payload ``durations.subscription.encode_payload`` writes, with a
fixed gzip header time). Standard library only.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from durations.subscription import DATA_MESSAGE

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000

TEXT = "text"
JSON = "json"
X86_64 = "x86_64"
ARM64 = "arm64"
OUT_OF_MEMORY = "Runtime.OutOfMemory"

# Traffic curve: lowest at PEAK_HOUR - 12 (03:00), highest at PEAK_HOUR (15:00).
PEAK_HOUR = 15.0
CURVE_AMPLITUDE = 0.65
_NOISE_BLOCK_MINUTES = 15
_NOISE_SIGMA = 0.2

# Execution environments.
_IDLE_LIMIT_MS = (6 * MINUTE_MS, 12 * MINUTE_MS)
_LIFETIME_MS = (2 * HOUR_MS, 5 * HOUR_MS)
_CLUSTER_SPREAD_MS = 40  # requests of one cluster arrive within this many milliseconds

# Delivery.
MAX_EVENTS_PER_PAYLOAD = 250
PAYLOAD_WINDOW_MS = 300_000

# Share of invocations whose application lines include one that mentions REPORT.
_REPORT_MENTION_RATE = 0.05

_SUCCESS = "success"
_TIMEOUT = "timeout"
_ERROR = "error"

SubscriptionEvent = dict[str, dict[str, str]]
OWNER = "123456789012"
SUBSCRIPTION_FILTER = "lambda-durations"


@dataclass(frozen=True, slots=True)
class Deploy:
    """A new version takes all traffic ``at_ms`` after the day's start."""

    version: str
    at_ms: int
    latency_factor: float  # every duration of the new version is the old one's times this


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """How one modelled function is configured and behaves (rates are per invocation)."""

    name: str
    log_group: str | None  # None: the function's own group, /aws/lambda/<name>
    log_format: str  # TEXT or JSON
    architecture: str
    runtime_version: str  # as INIT_START prints it
    memory_size_mb: int
    timeout_ms: int
    version: str  # the version invoked (before the deploy, when there is one)
    median_ms: float  # lognormal Duration
    sigma: float
    init_median_ms: float  # lognormal Init Duration, or Restore Duration with SnapStart
    init_sigma: float
    memory_used: float  # typical Max Memory Used, as a share of Memory Size
    daily_invocations: int = 0  # at scale 1, on the daily curve
    schedule_minutes: int | None = None  # a scheduled function: one run every so many minutes
    cluster_mean: float = 1.0  # mean number of requests arriving together
    timeout_rate: float = 0.0
    oom_rate: float = 0.0
    xray_rate: float = 0.0  # share of requests sampled by X-Ray active tracing
    snapstart: bool = False
    old_style_timeouts: bool = False  # no Status field: only the "Task timed out after" notice tells
    prints_raw: bool = False  # print() output: application lines without the runtime's prefix
    deploy: Deploy | None = None
    messages: tuple[str, ...] = ("handled request {n}",)
    report_mention: str = "REPORT {n} queued"


CHECKOUT = "checkout"
IMAGE_RESIZE = "image-resize"
ORDERS = "orders"
SEARCH = "search"
PAYMENTS_API = "payments-api"
PAYMENTS_WORKER = "payments-worker"
LEGACY_SYNC = "legacy-sync"
SHARED_GROUP = "/shared/payments"

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        CHECKOUT,
        None,
        TEXT,
        X86_64,
        "python:3.12.v38",
        512,
        6_000,
        "41",
        median_ms=120.0,
        sigma=0.45,
        init_median_ms=650.0,
        init_sigma=0.25,
        memory_used=0.22,
        daily_invocations=14_000,
        cluster_mean=1.8,
        timeout_rate=0.002,
        xray_rate=0.2,
        deploy=Deploy("42", 12 * HOUR_MS, 1.4),
        messages=("cart {n} priced: {k} items", "payment authorised for order {n}", "order {n} confirmed"),
        report_mention="fraud REPORT requested for order {n}",
    ),
    FunctionSpec(
        IMAGE_RESIZE,
        None,
        TEXT,
        ARM64,
        "nodejs:20.v41",
        1024,
        15_000,
        "$LATEST",
        median_ms=850.0,
        sigma=0.6,
        init_median_ms=420.0,
        init_sigma=0.3,
        memory_used=0.6,
        daily_invocations=6_000,
        cluster_mean=2.5,
        timeout_rate=0.001,
        oom_rate=0.004,
        messages=("resized image {n} to {k} widths", "fetched s3://uploads/{n}.jpg"),
        report_mention="thumbnail REPORT for batch {n}: {k} images",
    ),
    FunctionSpec(
        ORDERS,
        None,
        TEXT,
        X86_64,
        "java:21.v29",
        2048,
        10_000,
        "7",
        median_ms=45.0,
        sigma=0.5,
        init_median_ms=380.0,
        init_sigma=0.3,
        memory_used=0.12,
        daily_invocations=5_000,
        cluster_mean=1.5,
        snapstart=True,
        messages=("OrderHandler - order {n} accepted", "OrderRepository - {k} rows written"),
        report_mention="AuditService - REPORT {n} sent",
    ),
    FunctionSpec(
        SEARCH,
        None,
        JSON,
        ARM64,
        "python:3.12.v38",
        768,
        3_000,
        "$LATEST",
        median_ms=65.0,
        sigma=0.55,
        init_median_ms=900.0,
        init_sigma=0.25,
        memory_used=0.3,
        daily_invocations=10_000,
        cluster_mean=2.0,
        timeout_rate=0.002,
        xray_rate=0.1,
        messages=("query {n} answered with {k} hits", "index shard {k} read"),
        report_mention="slow-query REPORT for query {n}",
    ),
    FunctionSpec(
        PAYMENTS_API,
        SHARED_GROUP,
        TEXT,
        ARM64,
        "nodejs:20.v41",
        256,
        10_000,
        "3",
        median_ms=210.0,
        sigma=0.4,
        init_median_ms=310.0,
        init_sigma=0.3,
        memory_used=0.35,
        daily_invocations=8_000,
        cluster_mean=1.5,
        timeout_rate=0.001,
        xray_rate=0.5,
        messages=("payment {n} created", "card token {n} verified"),
        report_mention="chargeback REPORT fetched for payment {n}",
    ),
    FunctionSpec(
        PAYMENTS_WORKER,
        SHARED_GROUP,
        TEXT,
        ARM64,
        "nodejs:20.v41",
        512,
        60_000,
        "$LATEST",
        median_ms=1_400.0,
        sigma=0.7,
        init_median_ms=330.0,
        init_sigma=0.3,
        memory_used=0.45,
        daily_invocations=5_000,
        cluster_mean=3.0,
        timeout_rate=0.003,
        oom_rate=0.002,
        messages=("settled {k} payments from batch {n}", "ledger entry {n} posted"),
        report_mention="settlement REPORT written: {k} rows",
    ),
    FunctionSpec(
        LEGACY_SYNC,
        None,
        TEXT,
        X86_64,
        "python:3.9.v64",
        128,
        30_000,
        "$LATEST",
        median_ms=4_200.0,
        sigma=0.35,
        init_median_ms=280.0,
        init_sigma=0.2,
        memory_used=0.55,
        schedule_minutes=1,
        timeout_rate=0.03,
        old_style_timeouts=True,
        prints_raw=True,
        messages=("syncing partition {n}", "wrote {k} rows"),
        report_mention="REPORT sync rows={k}",
    ),
)


@dataclass(frozen=True, slots=True)
class FunctionTruth:
    """What was generated for one function: the figures ingest and queries should find."""

    name: str
    log_group: str
    log_format: str
    architecture: str
    memory_size_mb: int
    timeout_ms: int
    snapstart: bool
    invocations: int
    cold_starts: int  # also the number of log streams: one per execution environment
    timeouts: int
    oom_errors: int
    traced: int  # invocations whose report carries an X-Ray trace id
    versions: tuple[str, ...]  # in the order they took traffic
    invocations_by_version: dict[str, int]
    deploy_ms: int | None = None  # epoch ms from which invocations start on versions[-1]
    latency_factor_after_deploy: float | None = None


@dataclass(frozen=True, slots=True)
class Workload:
    seed: int
    scale: float
    day_start_ms: int
    events: list[SubscriptionEvent]  # in delivery order
    expected: dict[str, FunctionTruth]

    @property
    def invocations(self) -> int:
        return sum(truth.invocations for truth in self.expected.values())


def planned_invocations(spec: FunctionSpec, scale: float = 1.0) -> float:
    """The expected number of the function's invocations in a day at ``scale`` (the draw varies around it)."""
    if spec.schedule_minutes is not None:
        return float(max(1, round(DAY_MS / (spec.schedule_minutes * MINUTE_MS) * scale)))
    return spec.daily_invocations * scale


def generate(seed: int = 7, *, day_start_ms: int, scale: float = 1.0) -> Workload:
    """One day of subscription events from ``day_start_ms`` and the truth behind them."""
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    expected: dict[str, FunctionTruth] = {}
    batches: list[tuple[int, str, str, list[tuple[int, str]]]] = []
    for spec in FUNCTIONS:
        rng = random.Random(f"{seed}/{spec.name}")  # noqa: S311 - reproducible demo data, not secrets
        simulation = _FunctionSimulation(spec, rng, day_start_ms)
        for start in _arrivals(spec, rng, day_start_ms, scale):
            simulation.invoke(start)
        expected[spec.name] = simulation.truth()
        for environment in simulation.environments:
            batches.extend(_batches(simulation.log_group, environment))
    batches.sort(key=lambda batch: (batch[0], batch[1], batch[2]))
    events: list[SubscriptionEvent] = []
    next_id = 0
    for _, group, stream, lines in batches:
        events.append(encode_event(group, stream, lines, first_id=next_id))
        next_id += len(lines)
    return Workload(seed, scale, day_start_ms, events, expected)


# --- Traffic ---------------------------------------------------------------------------------


def _curve(hour: float) -> float:
    return 1.0 + CURVE_AMPLITUDE * math.cos(2.0 * math.pi * (hour - PEAK_HOUR) / 24.0)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean < 30.0:  # Knuth's product of uniforms
        limit, count, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _arrivals(spec: FunctionSpec, rng: random.Random, day_start_ms: int, scale: float) -> list[int]:
    """Start times (epoch ms, sorted) of the function's invocations over the day."""
    day_end = day_start_ms + DAY_MS
    if spec.schedule_minutes is not None:
        runs = int(planned_invocations(spec, scale))
        interval = DAY_MS / runs
        # The scheduler fires within a second of the planned time.
        return [day_start_ms + int(index * interval) + rng.randrange(1_000) for index in range(runs)]
    minutes = DAY_MS // MINUTE_MS
    noise = [rng.lognormvariate(0.0, _NOISE_SIGMA) for _ in range(minutes // _NOISE_BLOCK_MINUTES)]
    weights = [_curve((minute + 0.5) / 60.0) * noise[minute // _NOISE_BLOCK_MINUTES] for minute in range(minutes)]
    clusters_per_weight = spec.daily_invocations * scale / spec.cluster_mean / sum(weights)
    stop = 1.0 / spec.cluster_mean  # cluster sizes are geometric on 1, 2, ... with this mean
    starts: list[int] = []
    for minute, weight in enumerate(weights):
        for _ in range(_poisson(rng, weight * clusters_per_weight)):
            first = day_start_ms + minute * MINUTE_MS + _below(rng, MINUTE_MS)
            starts.append(first)
            while rng.random() >= stop:
                starts.append(min(first + 1 + _below(rng, _CLUSTER_SPREAD_MS - 1), day_end - 1))
    starts.sort()
    return starts


# --- Execution environments and invocations ----------------------------------------------------


@dataclass(slots=True)
class _Environment:
    stream: str
    version: str
    free_at: int  # epoch ms at which its current invocation ends
    idle_limit_ms: int
    retire_at: int
    base_memory_mb: int
    invocations: list[list[tuple[int, str]]] = field(default_factory=list)  # the lines of each


def _centi(milliseconds: float) -> int:
    """Hundredths of a millisecond, at least one: durations print with two decimals."""
    return max(1, round(milliseconds * 100))


def _ms_text(centi: int) -> str:
    return f"{centi // 100}.{centi % 100:02d}"


def _ceil_ms(centi: int) -> int:
    return -(-centi // 100)


@functools.lru_cache(maxsize=64)
def _date(epoch_day: int, pattern: str) -> str:
    return datetime.fromtimestamp(epoch_day * 86_400, UTC).strftime(pattern)


def _iso(epoch_ms: int) -> str:
    """``2025-03-04T15:02:07.123Z``: the time format of log lines (computed, not formatted, per call)."""
    seconds, millis = divmod(epoch_ms, 1000)
    day, second = divmod(seconds, 86_400)
    hour, second = divmod(second, 3_600)
    minute, second = divmod(second, 60)
    return f"{_date(day, '%Y-%m-%d')}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


# The version (4) and variant (10) bits of a random UUID.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def _uuid4(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without the UUID object."""
    digits = f"{(bits & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _below(rng: random.Random, bound: int) -> int:
    """A whole number in [0, bound): randrange's distribution, a third of its cost on the hot path."""
    return int(rng.random() * bound)


def _json_line(epoch_ms: int, event_type: str, record: dict[str, Any]) -> tuple[int, str]:
    line = json.dumps({"time": _iso(epoch_ms), "type": event_type, "record": record}, separators=(",", ":"))
    return epoch_ms, line


@dataclass(slots=True)
class _Invocation:
    request_id: str
    version: str
    start: int  # the request arrives (INIT_START or RESTORE_START on a cold start)
    handler_start: int  # START
    end: int  # END and REPORT
    duration: int  # hundredths of a ms, as all durations here
    billed_ms: int
    max_memory_used_mb: int
    status: str
    init: int | None
    restore: int | None
    billed_restore_ms: int | None
    trace_id: str | None
    segment_id: str | None


class _FunctionSimulation:
    def __init__(self, spec: FunctionSpec, rng: random.Random, day_start_ms: int):
        self.spec = spec
        self.rng = rng
        self.log_group = spec.log_group or f"/aws/lambda/{spec.name}"
        self.deploy_ms = None if spec.deploy is None else day_start_ms + spec.deploy.at_ms
        self.runtime_arn = f"arn:aws:lambda:us-east-1::runtime:{rng.getrandbits(256):064x}"
        self.pool: list[_Environment] = []  # live environments
        self.environments: list[_Environment] = []  # every environment, in creation order
        self.by_version: Counter[str] = Counter()
        self.timeouts = 0
        self.oom_errors = 0
        self.traced = 0

    def truth(self) -> FunctionTruth:
        spec = self.spec
        versions = (spec.version,) if spec.deploy is None else (spec.version, spec.deploy.version)
        return FunctionTruth(
            name=spec.name,
            log_group=self.log_group,
            log_format=spec.log_format,
            architecture=spec.architecture,
            memory_size_mb=spec.memory_size_mb,
            timeout_ms=spec.timeout_ms,
            snapstart=spec.snapstart,
            invocations=sum(self.by_version.values()),
            cold_starts=len(self.environments),
            timeouts=self.timeouts,
            oom_errors=self.oom_errors,
            traced=self.traced,
            versions=tuple(version for version in versions if self.by_version[version]),
            invocations_by_version={
                version: self.by_version[version] for version in versions if self.by_version[version]
            },
            deploy_ms=self.deploy_ms,
            latency_factor_after_deploy=None if spec.deploy is None else spec.deploy.latency_factor,
        )

    def invoke(self, start: int) -> None:
        spec = self.spec
        deployed = self.deploy_ms is not None and start >= self.deploy_ms
        version = spec.deploy.version if deployed and spec.deploy else spec.version
        factor = spec.deploy.latency_factor if deployed and spec.deploy else 1.0
        self.pool = [environment for environment in self.pool if not _retired(environment, start, version)]
        free = [environment for environment in self.pool if environment.free_at <= start]
        cold = not free
        # The most recently used free environment serves the request; the others idle out.
        environment = (
            max(free, key=lambda candidate: candidate.free_at) if free else self._new_environment(start, version)
        )
        invocation = self._invocation(environment, start, version, factor, cold)
        lines = self._json_lines(invocation, cold) if spec.log_format == JSON else self._text_lines(invocation, cold)
        environment.invocations.append(lines)
        environment.free_at = invocation.end
        self.by_version[version] += 1
        self.traced += invocation.trace_id is not None
        if invocation.status != _SUCCESS:
            # A timeout or a crash resets the runtime: the next request finds another environment.
            self.pool.remove(environment)
            self.timeouts += invocation.status == _TIMEOUT
            self.oom_errors += invocation.status == _ERROR

    def _new_environment(self, start: int, version: str) -> _Environment:
        rng, spec = self.rng, self.spec
        date = _date(start // 86_400_000, "%Y/%m/%d")
        instance = f"{rng.getrandbits(128):032x}"
        stream = (
            f"{date}/[{version}]{instance}" if spec.log_group is None else f"{date}/{spec.name}[{version}]{instance}"
        )
        base_memory = round(spec.memory_size_mb * spec.memory_used * rng.uniform(0.9, 1.1))
        environment = _Environment(
            stream=stream,
            version=version,
            free_at=start,
            idle_limit_ms=rng.randint(*_IDLE_LIMIT_MS),
            retire_at=start + rng.randint(*_LIFETIME_MS),
            base_memory_mb=max(1, min(base_memory, spec.memory_size_mb - 8)),
        )
        self.pool.append(environment)
        self.environments.append(environment)
        return environment

    def _invocation(
        self, environment: _Environment, start: int, version: str, factor: float, cold: bool
    ) -> _Invocation:
        rng, spec = self.rng, self.spec
        request_id = _uuid4(rng.getrandbits(128))
        draw = rng.random()
        status = (
            _TIMEOUT if draw < spec.timeout_rate else _ERROR if draw < spec.timeout_rate + spec.oom_rate else _SUCCESS
        )
        init = restore = billed_restore = None
        prelude = 0
        if cold:
            phase = _centi(rng.lognormvariate(math.log(spec.init_median_ms), spec.init_sigma))
            prelude = phase // 100
            if spec.snapstart:
                # Billed: loading the runtime and the afterRestore hooks, not the snapshot restore itself.
                restore, billed_restore = phase, _ceil_ms(round(phase * rng.uniform(0.3, 0.6)))
            else:
                init = phase
        timeout = spec.timeout_ms * 100
        if status == _TIMEOUT:
            duration = timeout
        else:
            drawn = rng.lognormvariate(math.log(spec.median_ms * factor), spec.sigma)
            if status == _ERROR:
                drawn *= rng.uniform(0.3, 1.0)  # killed part-way through
            duration = min(_centi(drawn), timeout - 100)  # a completed invocation ends before the timeout
        billed = _ceil_ms(duration + (init or 0)) + (billed_restore or 0)
        if status == _ERROR:
            used = spec.memory_size_mb
        else:
            used = min(spec.memory_size_mb - 1, environment.base_memory_mb + rng.randint(0, 6))
        trace_id = segment_id = None
        if rng.random() < spec.xray_rate:
            trace_id = f"1-{start // 1000:08x}-{rng.getrandbits(96):024x}"
            segment_id = f"{rng.getrandbits(64):016x}"
        handler_start = start + prelude
        return _Invocation(
            request_id,
            version,
            start,
            handler_start,
            handler_start + duration // 100,
            duration,
            billed,
            used,
            status,
            init,
            restore,
            billed_restore,
            trace_id,
            segment_id,
        )

    def _messages(self, invocation: _Invocation) -> list[tuple[int, str]]:
        """One or two application messages at times within the handler's run."""
        rng, spec = self.rng, self.spec
        messages = spec.messages
        first = _below(rng, len(messages))
        templates = [messages[first]]
        if rng.random() < 0.5:
            templates.append(messages[(first + 1) % len(messages)])
        if rng.random() < _REPORT_MENTION_RATE:
            templates[-1] = spec.report_mention
        span = max(1, (invocation.end - invocation.handler_start) // 2)
        times = sorted(invocation.handler_start + _below(rng, span) for _ in templates)
        return [
            (at, template.format(n=1_000 + _below(rng, 99_000), k=1 + _below(rng, 499)))
            for at, template in zip(times, templates, strict=True)
        ]

    def _text_lines(self, invocation: _Invocation, cold: bool) -> list[tuple[int, str]]:
        spec = self.spec
        rid = invocation.request_id
        lines: list[tuple[int, str]] = []
        runtime = f"Runtime Version: {spec.runtime_version}\tRuntime Version ARN: {self.runtime_arn}"
        if cold and invocation.restore is not None:
            lines.append((invocation.start, f"RESTORE_START {runtime}"))
            lines.append(
                (invocation.handler_start, f"RESTORE_REPORT Restore Duration: {_ms_text(invocation.restore)} ms")
            )
        elif cold:
            lines.append((invocation.start, f"INIT_START {runtime}"))
        lines.append((invocation.handler_start, f"START RequestId: {rid} Version: {invocation.version}"))
        for at, message in self._messages(invocation):
            lines.append((at, message if spec.prints_raw else f"{_iso(at)}\t{rid}\tINFO\t{message}"))
        if invocation.status == _TIMEOUT:
            notice = f"Task timed out after {spec.timeout_ms / 1000:.2f} seconds"
            lines.append((invocation.end, f"{_iso(invocation.end)} {rid} {notice}"))
        elif invocation.status == _ERROR:
            crash = f"RequestId: {rid} Error: Runtime exited with error: signal: killed\nRuntime.ExitError"
            lines.append((invocation.end, crash))
        lines.append((invocation.end, f"END RequestId: {rid}"))
        lines.append((invocation.end, self._text_report(invocation)))
        return lines

    def _text_report(self, invocation: _Invocation) -> str:
        spec = self.spec
        fields = [
            f"REPORT RequestId: {invocation.request_id}",
            f"Duration: {_ms_text(invocation.duration)} ms",
            f"Billed Duration: {invocation.billed_ms} ms",
            f"Memory Size: {spec.memory_size_mb} MB",
            f"Max Memory Used: {invocation.max_memory_used_mb} MB",
        ]
        if invocation.init is not None:
            fields.append(f"Init Duration: {_ms_text(invocation.init)} ms")
        if invocation.restore is not None:
            fields.append(f"Restore Duration: {_ms_text(invocation.restore)} ms")
            fields.append(f"Billed Restore Duration: {invocation.billed_restore_ms} ms")
        if invocation.status == _TIMEOUT and not spec.old_style_timeouts:
            fields.append("Status: timeout")
        elif invocation.status == _ERROR:
            fields.append("Status: error")
            fields.append(f"Error Type: {OUT_OF_MEMORY}")
        line = "\t".join(fields) + "\t"
        if invocation.trace_id is not None:
            line += f"\nXRAY TraceId: {invocation.trace_id}\tSegmentId: {invocation.segment_id}\tSampled: true\t\n"
        return line

    def _json_lines(self, invocation: _Invocation, cold: bool) -> list[tuple[int, str]]:
        spec = self.spec
        rid = invocation.request_id
        lines: list[tuple[int, str]] = []
        if cold:
            init_metrics = {"durationMs": (invocation.init or 0) / 100}
            init = {"initializationType": "on-demand", "phase": "init"}
            lines.append(
                _json_line(
                    invocation.start,
                    "platform.initStart",
                    {
                        **init,
                        "runtimeVersion": spec.runtime_version,
                        "runtimeVersionArn": self.runtime_arn,
                        "functionName": spec.name,
                        "functionVersion": invocation.version,
                    },
                )
            )
            lines.append(
                _json_line(invocation.handler_start, "platform.initRuntimeDone", {**init, "status": "success"})
            )
            lines.append(
                _json_line(
                    invocation.handler_start,
                    "platform.initReport",
                    {**init, "status": "success", "metrics": init_metrics},
                )
            )
        tracing: dict[str, Any] = {}
        if invocation.trace_id is not None:
            value = f"Root={invocation.trace_id};Parent={invocation.segment_id};Sampled=1"
            tracing = {"tracing": {"spanId": invocation.segment_id, "type": "X-Amzn-Trace-Id", "value": value}}
        start_record = {"requestId": rid, "version": invocation.version, **tracing}
        lines.append(_json_line(invocation.handler_start, "platform.start", start_record))
        for at, message in self._messages(invocation):
            log = {"timestamp": _iso(at), "level": "INFO", "message": message, "logger": "root", "requestId": rid}
            lines.append((at, json.dumps(log, separators=(",", ":"))))
        duration_ms = invocation.duration / 100
        spans = [
            {"name": "responseLatency", "start": _iso(invocation.handler_start), "durationMs": round(duration_ms, 3)},
            {"name": "responseDuration", "start": _iso(invocation.end), "durationMs": 0.1},
        ]
        outcome: dict[str, Any] = {"status": invocation.status}
        if invocation.status == _ERROR:
            outcome["errorType"] = OUT_OF_MEMORY
        produced = {"producedBytes": 0 if invocation.status != _SUCCESS else 200 + _below(self.rng, 19_800)}
        runtime_done = {
            "requestId": rid,
            **outcome,
            **tracing,
            "spans": spans,
            "metrics": {"durationMs": duration_ms, **produced},
        }
        lines.append(_json_line(invocation.end, "platform.runtimeDone", runtime_done))
        metrics: dict[str, Any] = {
            "durationMs": duration_ms,
            "billedDurationMs": invocation.billed_ms,
            "memorySizeMB": spec.memory_size_mb,
            "maxMemoryUsedMB": invocation.max_memory_used_mb,
        }
        if invocation.init is not None:
            metrics["initDurationMs"] = invocation.init / 100
        if invocation.restore is not None:
            metrics["restoreDurationMs"] = invocation.restore / 100
            metrics["billedRestoreDurationMs"] = invocation.billed_restore_ms
        report = {"requestId": rid, "metrics": metrics, **tracing, "spans": spans, **outcome}
        lines.append(_json_line(invocation.end, "platform.report", report))
        return lines


def _retired(environment: _Environment, now: int, version: str) -> bool:
    if environment.free_at > now:
        return False  # busy: never retired mid-invocation
    return (
        environment.version != version
        or now - environment.free_at > environment.idle_limit_ms
        or now >= environment.retire_at
    )


# --- Delivery ----------------------------------------------------------------------------------


def encode_event(
    log_group: str,
    log_stream: str,
    events: list[tuple[int, str]],
    *,
    owner: str = OWNER,
    first_id: int = 0,
) -> SubscriptionEvent:
    """The subscription event ``durations.subscription.encode_payload`` builds, reproducibly.

    Both hold the same JSON payload, but encode_payload's gzip header records the current time,
    so its bytes differ from one call to the next; here the header's time is zero (and the
    compression level 6, quicker than gzip's default 9 for a near-identical size).
    """
    body = {
        "messageType": DATA_MESSAGE,
        "owner": owner,
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": [SUBSCRIPTION_FILTER],
        "logEvents": [
            {"id": f"{first_id + index:056d}", "timestamp": timestamp, "message": message}
            for index, (timestamp, message) in enumerate(events)
        ],
    }
    compressed = gzip.compress(json.dumps(body).encode(), compresslevel=6, mtime=0)
    return {"awslogs": {"data": base64.b64encode(compressed).decode()}}


def _batches(log_group: str, environment: _Environment) -> list[tuple[int, str, str, list[tuple[int, str]]]]:
    """The environment's lines as payload batches: (first timestamp, group, stream, lines)."""
    batches: list[tuple[int, str, str, list[tuple[int, str]]]] = []
    batch: list[tuple[int, str]] = []
    for lines in environment.invocations:
        if batch and (
            len(batch) + len(lines) > MAX_EVENTS_PER_PAYLOAD or lines[0][0] - batch[0][0] >= PAYLOAD_WINDOW_MS
        ):
            batches.append((batch[0][0], log_group, environment.stream, batch))
            batch = []
        batch.extend(lines)
    if batch:
        batches.append((batch[0][0], log_group, environment.stream, batch))
    return batches
