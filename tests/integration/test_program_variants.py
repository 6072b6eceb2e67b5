"""The program under Pulumi's mocks with settings changed: what changes, and what must not."""

import datetime
import json
from typing import Any

import pulumi
import pytest
from dependency_injector import providers

from tests.support.pulumi_program import ProgramRun, fixed_clock, reveal, run_program
from webhook_platform import api as api_module
from webhook_platform.errors import BundleMissingError, ConfigurationError

DEPLOYMENT = "aws:apigateway/deployment:Deployment"
TAGGABLE_INPUT = "tags"


def _capture(config: dict[str, str] | None = None, configure_container=None) -> ProgramRun:
    captured: list[ProgramRun] = []
    run_program(captured.append, config=config, configure_container=configure_container)
    assert captured, "the check never ran"
    return captured[0]


def _inputs_by_name(run: ProgramRun) -> dict[str, dict[str, Any]]:
    return {resource.name: reveal_all(resource.inputs) for resource in run.mocks.resources}


def reveal_all(value: Any) -> Any:
    """Replace every recorded secret with its plain value, so two runs compare field by field."""
    value = reveal(value)
    if isinstance(value, pulumi.AssetArchive):
        return {name: getattr(asset, "path", repr(asset)) for name, asset in value.assets.items()}
    if isinstance(value, dict):
        return {key: reveal_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reveal_all(item) for item in value]
    return value


def test_failed_check_fails_the_run():
    def check(run: ProgramRun) -> None:
        raise AssertionError("deliberate")

    with pytest.raises(AssertionError, match="deliberate"):
        run_program(check)


def test_empty_program_fails_the_run():
    with pytest.raises(AssertionError, match="declared no resources"):
        run_program(lambda run: None, configure_container=_declare_nothing)


def _declare_nothing(container) -> None:
    class NothingPlatform:
        def deploy(self):
            class NoOutputs:
                def export(self) -> None:
                    pass

            return NoOutputs()

    container.platform.override(providers.Factory(NothingPlatform))


def test_prefixed_naming_changes_only_names():
    standard = _inputs_by_name(_capture())
    prefixed = _inputs_by_name(_capture({"namingStrategy": "prefixed", "namePrefix": "acme"}))

    assert standard.keys() == prefixed.keys()
    changed = 0
    for name, inputs in standard.items():
        renamed = dict(prefixed[name])
        if name == "api-deployment":
            # The trigger hashes the integration's function ARN, which contains the function name.
            assert renamed.pop("triggers") != inputs["triggers"]
            inputs = {key: value for key, value in inputs.items() if key != "triggers"}
        prefixed_text = json.dumps(renamed, sort_keys=True)
        if "acme-" in prefixed_text:
            changed += 1
        assert json.loads(prefixed_text.replace("acme-", "")) == inputs, name
    assert changed >= 10, f"only {changed} resources changed their names"


def test_extra_tags_change_only_tags():
    standard = _inputs_by_name(_capture())
    extra = {"DataClassification": "confidential", "Owner": "payments@example.com"}
    tagged = _inputs_by_name(_capture({"extraTags": json.dumps(extra)}))

    assert standard.keys() == tagged.keys()
    tagged_count = 0
    for name, inputs in standard.items():
        with_extra = dict(tagged[name])
        if TAGGABLE_INPUT in inputs:
            tagged_count += 1
            tags = with_extra.pop(TAGGABLE_INPUT)
            assert tags == {**inputs[TAGGABLE_INPUT], **extra}, name
            inputs = {key: value for key, value in inputs.items() if key != TAGGABLE_INPUT}
        assert with_extra == inputs, name
    assert tagged_count >= 10


def _trigger(run: ProgramRun) -> str:
    return run.mocks.one(DEPLOYMENT).inputs["triggers"]["redeployment"]


def test_deployment_trigger_is_stable():
    assert _trigger(_capture()) == _trigger(_capture())


def test_deployment_trigger_changes_with_integration(monkeypatch):
    before = _trigger(_capture())
    original = api_module.api_definition

    def changed_integration() -> dict[str, Any]:
        definition = original()
        definition["integration"]["timeout_milliseconds"] = 5000
        return definition

    monkeypatch.setattr(api_module, "api_definition", changed_integration)
    assert _trigger(_capture()) != before


def test_deployment_trigger_changes_with_method(monkeypatch):
    before = _trigger(_capture())
    original = api_module.api_definition

    def changed_method() -> dict[str, Any]:
        definition = original()
        definition["method"]["api_key_required"] = True
        return definition

    monkeypatch.setattr(api_module, "api_definition", changed_method)
    after = _capture()
    assert after.mocks.one("aws:apigateway/method:Method").inputs["apiKeyRequired"] is True
    assert _trigger(after) != before


def test_deployment_trigger_changes_with_model(monkeypatch):
    before = _trigger(_capture())
    original = api_module.api_definition

    def changed_model() -> dict[str, Any]:
        definition = original()
        definition["model"]["schema"]["required"] = ["transactionId"]
        return definition

    monkeypatch.setattr(api_module, "api_definition", changed_model)
    assert _trigger(_capture()) != before


def test_reserved_concurrency_can_be_switched_off():
    run = _capture({"reservedConcurrency": "off"})
    function = run.mocks.one("aws:lambda/function:Function").inputs
    assert function["reservedConcurrentExecutions"] == -1


def test_existing_key_replaces_managed_key():
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    run = _capture({"kmsKeyArn": arn})
    assert run.mocks.of_type("aws:kms/key:Key") == []
    assert run.exports["kms-key-arn"] == arn
    table = run.mocks.one("aws:dynamodb/table:Table").inputs
    assert table["serverSideEncryption"]["kmsKeyArn"] == arn


def test_configured_secrets_are_passed_current_first():
    current = "whsec_" + "A" * 43 + "="
    previous = "whsec_" + "B" * 43 + "="
    run = _capture({"webhookSigningSecret": current, "webhookPreviousSigningSecret": previous})
    assert run.mocks.of_type("random:index/randomBytes:RandomBytes") == []
    variables = reveal(run.mocks.one("aws:lambda/function:Function").inputs["environment"])
    assert variables["variables"]["WEBHOOK_SIGNING_SECRETS"] == f"{current},{previous}"
    assert run.exports["webhook-signing-secret"] == current


def test_deletion_protection_setting_reaches_table():
    run = _capture({"deletionProtection": "true"})
    table = run.mocks.one("aws:dynamodb/table:Table").inputs
    assert table["deletionProtectionEnabled"] is True


def test_invalid_config_fails_before_any_resource():
    with pytest.raises(ConfigurationError) as raised:
        _capture({"environment": "qa", "lambdaMemoryMb": "64"})
    message = str(raised.value)
    assert "webhook-platform:environment = 'qa'" in message
    assert "pulumi config set environment dev" in message
    assert "webhook-platform:lambdaMemoryMb = '64'" in message


def test_blocked_runtime_fails_at_preview():
    def use_today(container) -> None:
        container.clock.override(fixed_clock(datetime.date(2026, 12, 4)))

    with pytest.raises(ConfigurationError, match=r"nodejs20\.x"):
        _capture({"lambdaRuntime": "nodejs20.x"}, configure_container=use_today)


def test_missing_bundle_names_build_command(tmp_path):
    def empty_bundle_dir(container) -> None:
        container.bundle_dir.override(tmp_path)

    with pytest.raises(BundleMissingError, match="make build"):
        _capture(configure_container=empty_bundle_dir)


def test_misspelled_key_fails_at_preview():
    with pytest.raises(ConfigurationError, match="Did you mean burstLimit"):
        _capture({"burstLimt": "50"})
