"""The policy pack's checks, each with a compliant and a violating resource, and the whole program."""

import importlib.util
import json
import runpy

import pytest

from tests.support.pulumi_program import REPOSITORY_ROOT, ProgramRun, run_program
from webhook_platform import iam
from webhook_platform.settings import REQUIRED_TAG_KEYS


def _load_compliance():
    spec = importlib.util.spec_from_file_location("compliance", REPOSITORY_ROOT / "policies/compliance.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compliance = _load_compliance()

TAGS = {"Environment": "dev", "Team": "pay", "CostCenter": "cc-1", "ManagedBy": "pulumi", "Project": "p"}
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k"
TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def _policy(*statements: dict) -> dict:
    return {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def test_pack_constants_match_program():
    assert compliance.REQUIRED_TAG_KEYS == REQUIRED_TAG_KEYS
    assert compliance.XRAY_WRITE_ACTIONS == iam.XRAY_WRITE_ACTIONS


def test_required_tags_pass_and_fail():
    assert compliance.check_required_tags(TABLE, {"tags": TAGS}) == []
    violations = compliance.check_required_tags(TABLE, {"tags": {"Environment": "dev"}})
    assert len(violations) == 1
    assert "Team, CostCenter, ManagedBy, Project" in violations[0]
    assert compliance.check_required_tags("aws:apigateway/resource:Resource", {}) == []


def test_name_suffix_pass_and_fail():
    assert compliance.check_name_has_suffix(TABLE, {"name": "transactions-pr42"}, "pr42") == []
    violations = compliance.check_name_has_suffix(TABLE, {"name": "transactions"}, "pr42")
    assert violations == ["name 'transactions' does not contain the environmentSuffix 'pr42'"]
    stage = compliance.check_name_has_suffix("aws:apigateway/stage:Stage", {"stageName": "v1"}, "pr42")
    assert len(stage) == 1


def test_log_group_pass_and_fail():
    good = {"retentionInDays": 30, "kmsKeyId": KEY_ARN}
    assert compliance.check_log_group(LOG_GROUP, good) == []
    violations = compliance.check_log_group(LOG_GROUP, {"retentionInDays": 0})
    assert len(violations) == 2
    assert "retentionInDays is 0, expected 30" in violations[0]
    assert "kmsKeyId is missing" in violations[1]


def test_iam_wildcards_pass_and_fail():
    xray = {"Sid": "X", "Action": list(iam.XRAY_WRITE_ACTIONS), "Resource": "*"}
    scoped = {"Sid": "Put", "Action": ["dynamodb:PutItem"], "Resource": ["arn:aws:dynamodb:t"]}
    assert compliance.check_iam_wildcards(ROLE_POLICY, _policy(xray, scoped)) == []

    wildcard_action = {"Sid": "All", "Action": "dynamodb:*", "Resource": ["arn:aws:dynamodb:t"]}
    violations = compliance.check_iam_wildcards(ROLE_POLICY, _policy(wildcard_action))
    assert violations == ["statement All allows the wildcard action 'dynamodb:*'"]

    star_resource = {"Sid": "Any", "Action": ["dynamodb:PutItem"], "Resource": "*"}
    violations = compliance.check_iam_wildcards(ROLE_POLICY, _policy(star_resource))
    assert len(violations) == 1
    assert 'Resource "*" for dynamodb:PutItem' in violations[0]


def test_table_pass_and_fail():
    good = {
        "pointInTimeRecovery": {"enabled": True},
        "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY_ARN},
    }
    assert compliance.check_table(TABLE, good) == []
    violations = compliance.check_table(TABLE, {"serverSideEncryption": {"enabled": True}})
    assert violations == [
        "pointInTimeRecovery is not enabled",
        "serverSideEncryption must be enabled with the stack's kmsKeyArn",
    ]


def test_function_tracing_pass_and_fail():
    assert compliance.check_function_tracing(FUNCTION, {"tracingConfig": {"mode": "Active"}}) == []
    violations = compliance.check_function_tracing(FUNCTION, {"tracingConfig": {"mode": "PassThrough"}})
    assert violations == ["tracingConfig.mode is 'PassThrough', expected 'Active'"]
    assert len(compliance.check_function_tracing(FUNCTION, {})) == 1


@pytest.mark.parametrize("config", [{}, {"reservedConcurrency": "off", "alarmEmail": "oncall@example.com"}])
def test_program_passes_every_policy(config):
    def check(run: ProgramRun) -> None:
        checked = 0
        for resource in run.mocks.resources:
            violations = [
                message
                for _, _, policy_check in compliance.CHECKS
                for message in policy_check(resource.type, resource.inputs)
            ]
            violations += compliance.check_name_has_suffix(resource.type, resource.inputs, "pr42")
            assert violations == [], f"{resource.type} {resource.name}: {violations}"
            checked += 1
        assert checked >= 30

    run_program(check, config=config)


def test_pack_entry_point_reports_violations(monkeypatch):
    # The Pulumi CLI is not installed here, so the pack is built with PolicyPack replaced by a recorder.
    import pulumi_policy

    packs: list[dict] = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: packs.append(kwargs))
    monkeypatch.syspath_prepend(str(REPOSITORY_ROOT / "policies"))
    runpy.run_path(str(REPOSITORY_ROOT / "policies/__main__.py"), run_name="__main__")

    policies = {policy.name: policy for policy in packs[0]["policies"]}
    assert set(policies) == {name for name, _, _ in compliance.CHECKS} | {compliance.SUFFIX_POLICY}

    reported: list[str] = []
    table = pulumi_policy.ResourceValidationArgs(
        TABLE, {"name": "transactions"}, "urn:table", "table", None, None, config={}
    )
    policies["table-pitr-and-kms"].validate(table, lambda message, urn: reported.append(message))
    assert "pointInTimeRecovery is not enabled" in reported
    reported.clear()
    policies[compliance.SUFFIX_POLICY].validate(table, lambda message, urn: reported.append(message))
    assert len(reported) == 1
    assert "has no environmentSuffix" in reported[0]
