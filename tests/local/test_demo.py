"""`lambda-durations local demo` (what `make demo` runs), with a small workload: its output
must carry the figures of what was generated, and the report must be written."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from durations_cli.main import cli
from durations_local.state import STATE_ENV
from durations_local.workload import CHECKOUT, DAY_MS, generate

SEED, SCALE = 11, 0.04


def test_demo_prints_the_generated_figures_and_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "no-local-up.json"))
    monkeypatch.setenv("COLUMNS", "200")
    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["local", "demo", "--seed", str(SEED), "--scale", str(SCALE), "--in-memory", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    day_start = (time.time_ns() // 1_000_000) // DAY_MS * DAY_MS - DAY_MS
    truth = generate(SEED, day_start_ms=day_start, scale=SCALE).expected
    total = sum(function.invocations for function in truth.values())
    output = result.output
    assert f"Generated {total:,} invocations of {len(truth)} functions" in output
    assert re.search(rf"{total:,} records stored in [\d.]+ s", output)
    # The overview: one row per function with its invocation count, and the total.
    for function in truth.values():
        assert re.search(rf"^{re.escape(function.name)}\s+{function.invocations:,}\s", output, re.MULTILINE), (
            function.name
        )
    assert re.search(rf"^Total \({len(truth)}\)\s+{total:,}\s", output, re.MULTILINE)
    # The featured function's summary and its chart.
    checkout = truth[CHECKOUT]
    assert re.search(rf"^Invocations\s+{checkout.invocations:,}\s*$", output, re.MULTILINE)
    assert re.search(rf"^Cold starts\s+{checkout.cold_starts:,}\s", output, re.MULTILINE)
    assert re.search(rf"^Timeouts\s+{checkout.timeouts:,}\s*$", output, re.MULTILINE)
    assert "Duration (ms) per 1h: p99 (upper line) and p50" in output
    assert f"Report: {report.resolve()}" in output
    html = report.read_text()
    assert all(function.name in html for function in truth.values())
    assert all(version in html for version in checkout.versions)
