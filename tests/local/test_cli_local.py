"""`lambda-durations local up | ingest | down` and `--local` on the query commands, end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from durations_cli.main import cli
from durations_local.state import STATE_ENV

T0 = 1_764_756_000_000  # 2025-12-03T10:00:00Z
STREAM = "2025/12/03/[7]0123456789abcdef0123456789abcdef"


def export(*events: tuple[int, str]) -> str:
    """The JSON `aws logs filter-log-events --log-group-name ...` prints."""
    return json.dumps(
        {
            "events": [
                {
                    "logStreamName": STREAM,
                    "timestamp": ts,
                    "message": message,
                    "ingestionTime": ts + 100,
                    "eventId": str(i),
                }
                for i, (ts, message) in enumerate(events)
            ],
            "searchedLogStreams": [],
        }
    )


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state.json"))
    runner = CliRunner()
    yield runner
    runner.invoke(cli, ["local", "down"])  # whatever a failed test left running


def test_up_ingest_query_records_down(runner: CliRunner, tmp_path: Path) -> None:
    up = runner.invoke(cli, ["local", "up", "--db-path", str(tmp_path / "db")])
    assert up.exit_code == 0, up.output
    assert "DynamoDB Local is running at http://127.0.0.1:" in up.output

    source = tmp_path / "export.json"
    source.write_text(
        export(
            (T0, "START RequestId: 11111111-1111-4111-8111-111111111111 Version: 7\n"),
            (
                T0 + 500,
                "REPORT RequestId: 11111111-1111-4111-8111-111111111111\tDuration: 412.20 ms\tBilled Duration: 900 ms\t"
                "Memory Size: 512 MB\tMax Memory Used: 120 MB\tInit Duration: 487.01 ms\t\n",
            ),
            (
                T0 + 60_000,
                "REPORT RequestId: 22222222-2222-4222-8222-222222222222\tDuration: 38.50 ms\tBilled Duration: 39 ms\t"
                "Memory Size: 512 MB\tMax Memory Used: 121 MB\t\n",
            ),
        )
    )
    ingested = runner.invoke(cli, ["local", "ingest", str(source), "--log-group", "/aws/lambda/orders-api"])
    assert ingested.exit_code == 0, ingested.output
    assert "3 log events, 2 records stored; skipped: not_report 1." in ingested.output

    window = ["--since", "2025-12-03T09:00:00Z", "--until", "2025-12-03T11:00:00Z"]
    summary = json.loads(runner.invoke(cli, ["query", "orders-api", "--local", "--json", *window]).output)["summary"]
    assert (summary["invocations"], summary["cold_starts"], summary["duration_ms"]["max"]) == (2, 1, 412.2)
    overview = json.loads(runner.invoke(cli, ["functions", "--local", "--json", *window]).output)
    assert [entry["function"] for entry in overview["functions"]] == ["orders-api"]
    csv_out = runner.invoke(cli, ["records", "orders-api", "--local", "--format", "csv", *window]).output.splitlines()
    assert len(csv_out) == 3
    assert csv_out[1].startswith(
        "orders-api,7,11111111-1111-4111-8111-111111111111,1764756000500,412.2,900,512,120,487.01"
    )

    down = runner.invoke(cli, ["local", "down"])
    assert down.exit_code == 0, down.output
    after = runner.invoke(cli, ["functions", "--local"])
    assert after.exit_code == 1
    assert "local mode is not running" in after.output


def test_plain_lines_need_a_function(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "lines.txt"
    source.write_text(
        "REPORT RequestId: 1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\n"
    )
    result = runner.invoke(cli, ["local", "ingest", str(source)])
    assert result.exit_code == 2
    assert "plain text lines need --function NAME" in result.output
