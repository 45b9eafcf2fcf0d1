"""The synthesized CloudFormation template, and the DynamoDB tables it declares.

Local tables are created from the template that `cdk deploy` would deploy (key schema,
indexes, TTL), so the local schema cannot drift from the deployed one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from durations.schema import PARTITION_KEY, SORT_KEY

ROOT = Path(__file__).resolve().parent.parent
STACK = "LambdaDurations"


class SynthError(RuntimeError):
    pass


def synth(outdir: Path, overrides: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """Run app.py as `cdk synth` does, offline: cdk.json's context, no AWS credentials."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update(overrides or {})
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=json.dumps(context),
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
    )
    return subprocess.run(  # our own app, fixed arguments
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def synthesized_template(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cdk.out.") as outdir:
        result = synth(Path(outdir), overrides)
        if result.returncode != 0:
            raise SynthError(f"cdk synth failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        template: dict[str, Any] = json.loads((Path(outdir) / f"{STACK}.template.json").read_text())
        return template


def table_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """CreateTable arguments (plus TimeToLiveSpecification) of every table, by logical id."""
    tables = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        properties = resource["Properties"]
        definition: dict[str, Any] = {
            "TableName": logical_id,
            "KeySchema": properties["KeySchema"],
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
        }
        for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if properties.get(index_kind):
                definition[index_kind] = [
                    {key: value for key, value in index.items() if key in ("IndexName", "KeySchema", "Projection")}
                    for index in properties[index_kind]
                ]
        if "TimeToLiveSpecification" in properties:
            definition["TimeToLiveSpecification"] = properties["TimeToLiveSpecification"]
        tables[logical_id] = definition
    return tables


def create_tables(client: Any, template: dict[str, Any]) -> dict[str, str]:
    """Create (or keep) every table of the template; return logical id -> table name."""
    existing = set(client.list_tables()["TableNames"])
    names = {}
    for logical_id, definition in table_definitions(template).items():
        ttl = definition.pop("TimeToLiveSpecification", None)
        name = definition["TableName"]
        if name not in existing:
            client.create_table(**definition)
            if ttl is not None:
                client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        names[logical_id] = name
    return names


def create_invocation_table(client: Any, name: str) -> None:
    """The invocation table with the stack's key names (durations.schema), without a synth.

    For moto tests and benchmarks, where synthesizing the app for every table would cost
    seconds; local mode itself creates its tables from the template (create_tables).
    tests/local checks that the template's keys are these.
    """
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": SORT_KEY, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
