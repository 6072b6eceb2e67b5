"""The inventory command: the program run offline with a stack file, listed and checked by the pack."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webhook_platform.__main__ import main
from webhook_platform.offline import REPOSITORY_ROOT

SUFFIX = "inv7"

# Every AWS resource type the program declares with the default settings.
DECLARED_AWS_TYPES = {
    "aws:kms/key:Key",
    "aws:kms/alias:Alias",
    "aws:dynamodb/table:Table",
    "aws:lambda/function:Function",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage",
    "aws:apigateway/usagePlan:UsagePlan",
    "aws:sns/topic:Topic",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter",
}


def _stack_file(directory: Path, **settings: object) -> Path:
    config = {
        "environmentSuffix": SUFFIX,
        "environment": "dev",
        "team": "payments-platform",
        "costCenter": "cc-1234",
        **settings,
    }
    lines = ["config:"] + [f"  webhook-platform:{key}: {json.dumps(value)}" for key, value in config.items()]
    path = directory / "Pulumi.inv.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_command(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT / "src")}
    # The arguments are this test's own, so no untrusted input reaches the command line.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "webhook_platform", "inventory", *arguments],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def json_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return _run_command("--stack-file", str(_stack_file(tmp_path_factory.mktemp("stack"))), "--json")


def test_json_command_exits_zero(json_run):
    assert json_run.returncode == 0, json_run.stderr


def test_json_lists_every_declared_type(json_run):
    document = json.loads(json_run.stdout)
    types = {resource["type"] for resource in document["resources"]}

    assert types >= DECLARED_AWS_TYPES, f"missing: {DECLARED_AWS_TYPES - types}"
    assert document["resourceCount"] == len(document["resources"])
    assert document["violationCount"] == 0


def test_json_names_carry_suffix(json_run):
    document = json.loads(json_run.stdout)
    named = [resource for resource in document["resources"] if resource["physicalName"] != "-"]

    for resource in named:
        if resource["type"] in DECLARED_AWS_TYPES - {"aws:iam/rolePolicy:RolePolicy"}:
            assert SUFFIX in resource["physicalName"], resource
    names = {resource["physicalName"] for resource in named}
    assert f"transactions-{SUFFIX}" in names
    assert f"webhook-processor-{SUFFIX}" in names
    assert f"/aws/lambda/webhook-processor-{SUFFIX}" in names


def test_json_shows_table_settings(json_run):
    document = json.loads(json_run.stdout)
    (table,) = [item for item in document["resources"] if item["type"] == "aws:dynamodb/table:Table"]

    assert table["encryption"].startswith("arn:aws:kms:us-east-1:")
    assert table["retention"] == "point-in-time recovery"
    assert table["tags"]["Environment"] == "dev"
    assert table["tags"]["CostCenter"] == "cc-1234"
    assert table["compliant"] is True


def test_json_shows_function_role_actions(json_run):
    document = json.loads(json_run.stdout)
    policies = [item for item in document["resources"] if item["type"] == "aws:iam/rolePolicy:RolePolicy"]
    actions = {action for item in policies for action in item["iamActions"]}

    assert "dynamodb:PutItem" in actions
    assert "xray:PutTraceSegments" in actions
    assert not [action for action in actions if action.endswith("*")]


def test_json_log_groups_keep_30_days(json_run):
    document = json.loads(json_run.stdout)
    log_groups = [
        item for item in document["resources"] if item["type"] == "aws:cloudwatch/logGroup:LogGroup"
    ]

    assert log_groups
    for log_group in log_groups:
        assert log_group["retention"] == "30 days", log_group
        assert log_group["encryption"].startswith("arn:aws:kms:"), log_group


def test_json_masks_signing_secret(json_run):
    document = json.loads(json_run.stdout)

    assert document["exports"]["webhook-signing-secret"] == "[secret]"
    assert document["exports"]["table-name"] == f"transactions-{SUFFIX}"


def test_table_contains_physical_names(tmp_path, capsys):
    exit_code = main(["inventory", "--stack-file", str(_stack_file(tmp_path))])
    output = capsys.readouterr().out

    assert exit_code == 0
    assert f"transactions-{SUFFIX}" in output
    assert f"webhook-processor-{SUFFIX}" in output
    assert "0 policy violation(s)" in output


def test_table_columns_are_aligned(tmp_path, capsys):
    main(["inventory", "--stack-file", str(_stack_file(tmp_path))])
    lines = capsys.readouterr().out.splitlines()
    header = lines[0]
    column = header.index("PHYSICAL NAME")
    rows = [line for line in lines[1:] if line.startswith("aws:")]

    assert rows
    for row in rows:
        assert row[column - 2 : column] == "  ", row
        assert row[column] != " ", row


def test_retention_60_days_fails_policy(tmp_path, capsys):
    exit_code = main(["inventory", "--stack-file", str(_stack_file(tmp_path, logRetentionDays="60"))])
    output = capsys.readouterr().out

    assert exit_code == 1
    assert "FAIL log-groups-30-days-encrypted on aws:cloudwatch/logGroup:LogGroup" in output
    # Pulumi passes numbers to checks as floats, so the message reads 60.0 under the engine too.
    assert "retentionInDays is 60.0, expected 30" in output


def test_retention_60_days_json_verdict(tmp_path, capsys):
    stack_file = _stack_file(tmp_path, logRetentionDays="60")
    exit_code = main(["inventory", "--stack-file", str(stack_file), "--json"])
    document = json.loads(capsys.readouterr().out)
    failing = [item for item in document["resources"] if not item["compliant"]]

    assert exit_code == 1
    assert failing
    assert {item["type"] for item in failing} == {"aws:cloudwatch/logGroup:LogGroup"}
    assert failing[0]["violations"][0]["policy"] == "log-groups-30-days-encrypted"
    assert document["violationCount"] == len(failing)


def test_secure_values_are_skipped(tmp_path, capsys):
    stack_file = _stack_file(tmp_path)
    with stack_file.open("a", encoding="utf-8") as handle:
        handle.write("  webhook-platform:webhookSigningSecret:\n    secure: v1:AAAAencrypted\n")

    exit_code = main(["inventory", "--stack-file", str(stack_file), "--json"])
    document = json.loads(capsys.readouterr().out)

    assert exit_code == 0
    assert document["exports"]["webhook-signing-secret"] == "[secret]"


def test_missing_stack_file_exits_2(tmp_path):
    missing = tmp_path / "Pulumi.nope.yaml"
    result = _run_command("--stack-file", str(missing))

    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "--stack-file" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_config_exits_2(tmp_path, capsys):
    exit_code = main(["inventory", "--stack-file", str(_stack_file(tmp_path, environment="qa"))])
    captured = capsys.readouterr()

    assert exit_code == 2
    assert "webhook-platform:environment = 'qa' is invalid" in captured.err
    assert "pulumi config set environment dev" in captured.err
    assert captured.out == ""
