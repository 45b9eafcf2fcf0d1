"""cdk-nag (AwsSolutions) and cfn-lint accept the synthesized templates."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.infra

CONTEXTS = {
    "account-capture": {},
    "log-group-capture-with-alarm-email": {"capture": "/aws/lambda/a,/aws/lambda/b", "alarm_email": "ops@example.com"},
    "throwaway": {"retain_data": False},
}


@pytest.mark.parametrize("overrides", CONTEXTS.values(), ids=CONTEXTS.keys())
def test_cdk_nag_reports_no_unacknowledged_finding(
    synthesize: Callable[..., dict[str, Any]], overrides: dict[str, Any]
) -> None:
    # Synth fails on any unacknowledged finding (the fixture asserts it succeeded); the
    # report it leaves must name AwsSolutions and hold no failure.
    outdir = synthesize(**overrides)["outdir"]
    report = json.loads((outdir / "validation-report.json").read_text())
    failures = [violation for plugin in report.get("pluginReports", []) for violation in plugin.get("violations", [])]
    assert failures == []


def test_cdk_nag_gate_really_fails_synth_on_a_finding(tmp_path: Any) -> None:
    # The gate above is only worth something if a finding does stop synth.
    script = """
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks
app = App(outdir=OUTDIR)
stack = Stack(app, "Probe")
sqs.Queue(stack, "PlainQueue")
Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
""".replace("OUTDIR", repr(str(tmp_path)))
    result = subprocess.run(  # noqa: S603  # fixed script, our interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode != 0
    assert "AwsSolutions-SQS4" in result.stdout + result.stderr


@pytest.mark.parametrize("overrides", CONTEXTS.values(), ids=CONTEXTS.keys())
def test_cfn_lint_accepts_the_template(synthesize: Callable[..., dict[str, Any]], overrides: dict[str, Any]) -> None:
    from cfnlint.api import ManualArgs, lint_file

    path = synthesize(**overrides)["path"]
    matches = lint_file(path, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    findings = [f"{match.rule.id} {match.message}" for match in matches]
    # aws-cdk-lib itself makes each function DependsOn its role next to the GetAtt of it
    # (W3005, a warning about redundancy): the one finding not ours to fix, allowed only
    # in exactly that place.
    cdk_generated = [
        finding
        for finding in findings
        if finding.startswith("W3005 'IngestRole") or finding.startswith("W3005 'QueryRole")
        if "Function" in finding and finding.endswith("/Properties/Role'")
    ]
    assert [finding for finding in findings if finding not in cdk_generated] == []
