"""Synthesize the app the way `cdk synth` does, once per context, offline.

`app.py` runs in a child process with cdk.json's context (CDK_CONTEXT_JSON), no AWS
credentials and the instance metadata endpoint disabled: if synth tried to reach AWS it
would fail here. cdk-nag runs inside that synth, so every template these tests read has
already passed AwsSolutions with only the acknowledged findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from durations_local.template import STACK, synth


@pytest.fixture(scope="session")
def synthesize(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, Any]]:
    cache: dict[str, dict[str, Any]] = {}

    def _synthesize(**overrides: Any) -> dict[str, Any]:
        key = json.dumps(overrides, sort_keys=True)
        if key not in cache:
            outdir = tmp_path_factory.mktemp("cdk.out")
            result = synth(outdir, overrides)
            assert result.returncode == 0, f"synth failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            template_path = outdir / f"{STACK}.template.json"
            cache[key] = {
                "template": json.loads(template_path.read_text()),
                "path": template_path,
                "outdir": outdir,
            }
        return cache[key]

    return _synthesize


@pytest.fixture(scope="session")
def default_synth(synthesize: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return synthesize()


@pytest.fixture(scope="session")
def template(default_synth: dict[str, Any]) -> dict[str, Any]:
    return default_synth["template"]


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in template["Resources"].items() if body["Type"] == resource_type}


def only_resource(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = resources_of(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))
