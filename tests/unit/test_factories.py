"""Each component in isolation, its providers replaced by mocks, under Pulumi's mocks."""

import json
from pathlib import Path
from unittest.mock import Mock

import pulumi
import pulumi_aws as aws
import pytest

from tests.support.pulumi_program import ProgramRun, reveal, run_program
from tests.unit.conftest import KEY_ARN, UNIT_TAGS
from webhook_platform import naming as names
from webhook_platform.api import Api
from webhook_platform.api_account import ApiGatewayAccount
from webhook_platform.aws_environment import AwsEnvironment
from webhook_platform.compute import Compute
from webhook_platform.encryption import ExistingKeyEncryption, ManagedKeyEncryption
from webhook_platform.errors import BundleMissingError
from webhook_platform.naming import AwsService
from webhook_platform.signing_secret import SigningSecret
from webhook_platform.storage import Storage


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    (tmp_path / "index.js").write_text("exports.handler = async () => ({ statusCode: 200 });\n")
    return tmp_path


def _environment() -> AwsEnvironment:
    return AwsEnvironment(
        account_id=pulumi.Output.from_input("123456789012"),
        partition=pulumi.Output.from_input("aws"),
        region="us-east-1",
    )


def _table() -> aws.dynamodb.Table:
    return aws.dynamodb.Table(
        "table",
        name="transactions-unit",
        hash_key="transactionId",
        attributes=[aws.dynamodb.TableAttributeArgs(name="transactionId", type="S")],
    )


def test_storage_uses_injected_providers(settings, naming, tagging, encryption):
    def declare() -> None:
        Storage("storage", settings=settings, naming=naming, tagging=tagging, encryption=encryption)

    def check(run: ProgramRun) -> None:
        table = run.mocks.one("aws:dynamodb/table:Table").inputs
        assert table["name"] == "transactions-unit"
        assert table["tags"] == UNIT_TAGS
        assert table["serverSideEncryption"]["kmsKeyArn"] == KEY_ARN
        naming.name.assert_any_call(names.TABLE, AwsService.DYNAMODB_TABLE)
        tagging.tags.assert_called()

    run_program(check, declare=declare)


def test_storage_table_is_child_of_component(settings, naming, tagging, encryption):
    urns: list[str] = []

    def declare() -> None:
        storage = Storage("storage", settings=settings, naming=naming, tagging=tagging, encryption=encryption)
        storage.table.urn.apply(urns.append)

    def check(run: ProgramRun) -> None:
        # A child's URN carries its parent's type before its own, which builds the preview tree.
        assert urns, "the table's URN did not resolve before the check"
        assert "webhook-platform:storage:Storage$aws:dynamodb/table:Table::storage-transactions" in urns[0]

    run_program(check, declare=declare)


def test_compute_builds_function_role_and_log_group(settings, naming, tagging, encryption, bundle_dir):
    def declare() -> None:
        Compute(
            "compute",
            table=_table(),
            signing_secrets=pulumi.Output.secret("whsec_x"),
            settings=settings,
            naming=naming,
            tagging=tagging,
            encryption=encryption,
            aws_environment=_environment(),
            bundle_dir=bundle_dir,
        )

    def check(run: ProgramRun) -> None:
        function = run.mocks.one("aws:lambda/function:Function").inputs
        assert function["name"] == "webhook-processor-unit"
        assert function["kmsKeyArn"] == KEY_ARN
        assert function["tags"] == UNIT_TAGS
        assert reveal(function["environment"])["variables"]["TABLE_NAME"] == "transactions-unit"
        group = run.mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs
        assert group["name"] == "/aws/lambda/webhook-processor-unit"
        assert group["kmsKeyId"] == KEY_ARN
        role = run.mocks.one("aws:iam/role:Role").inputs
        trust = json.loads(role["assumeRolePolicy"])
        assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
        naming.name.assert_any_call(names.FUNCTION_ROLE, AwsService.IAM_ROLE)

    run_program(check, declare=declare)


def test_compute_without_bundle_fails(settings, naming, tagging, encryption, tmp_path):
    with pytest.raises(BundleMissingError) as raised:
        Compute(
            "compute",
            table=Mock(),
            signing_secrets=Mock(),
            settings=settings,
            naming=naming,
            tagging=tagging,
            encryption=encryption,
            aws_environment=Mock(),
            bundle_dir=tmp_path,
        )
    assert str(tmp_path / "index.js") in str(raised.value)
    assert "make build" in str(raised.value)


def _function() -> aws.lambda_.Function:
    return aws.lambda_.Function(
        "function",
        name="webhook-processor-unit",
        role="arn:aws:iam::123456789012:role/r",
        runtime="nodejs24.x",
        handler="index.handler",
        code=pulumi.AssetArchive({}),
    )


def test_api_builds_stage_throttle_and_plan(settings, naming, tagging, encryption):
    def declare() -> None:
        Api(
            "api",
            function=_function(),
            settings=settings,
            naming=naming,
            tagging=tagging,
            encryption=encryption,
        )

    def check(run: ProgramRun) -> None:
        stage = run.mocks.one("aws:apigateway/stage:Stage").inputs
        assert stage["stageName"] == "v1-unit"
        assert stage["xrayTracingEnabled"] is True
        plan = run.mocks.one("aws:apigateway/usagePlan:UsagePlan").inputs
        assert plan["throttleSettings"]["rateLimit"] == pytest.approx(1000 / 60)
        settings_inputs = run.mocks.one("aws:apigateway/methodSettings:MethodSettings").inputs
        assert settings_inputs["settings"]["throttlingRateLimit"] == pytest.approx(1000 / 60)
        for group in run.mocks.of_type("aws:cloudwatch/logGroup:LogGroup"):
            assert group.inputs["kmsKeyId"] == KEY_ARN
        assert run.mocks.of_type("aws:apigateway/account:Account") == []

    run_program(check, declare=declare)


def test_api_account_role_trusts_api_gateway(naming, tagging):
    def declare() -> None:
        ApiGatewayAccount("account", naming=naming, tagging=tagging, aws_environment=_environment())

    def check(run: ProgramRun) -> None:
        role = run.mocks.one("aws:iam/role:Role").inputs
        assert role["name"] == "apigateway-cloudwatch-role-unit"
        trust = json.loads(role["assumeRolePolicy"])
        assert trust["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
        account = run.mocks.one("aws:apigateway/account:Account").inputs
        assert (
            account["cloudwatchRoleArn"] == "arn:aws:iam::123456789012:role/apigateway-cloudwatch-role-unit"
        )

    run_program(check, declare=declare)


def test_managed_key_created_once_on_first_use(naming, tagging):
    def declare() -> None:
        provider = ManagedKeyEncryption(naming=naming, tagging=tagging, aws_environment=_environment())
        provider.key_arn.apply(lambda arn: arn)
        provider.key_arn.apply(lambda arn: arn)

    def check(run: ProgramRun) -> None:
        key = run.mocks.one("aws:kms/key:Key").inputs
        assert key["enableKeyRotation"] is True
        alias = run.mocks.one("aws:kms/alias:Alias").inputs
        assert alias["name"] == "alias/webhook-platform-unit"

    run_program(check, declare=declare)


def test_existing_key_declares_nothing():
    provider = ExistingKeyEncryption(KEY_ARN)

    def declare() -> None:
        provider.key_arn.apply(lambda arn: arn)

    def check(run: ProgramRun) -> None:
        assert run.mocks.of_type("aws:kms/key:Key") == []

    with pytest.raises(AssertionError, match="declared no resources"):
        run_program(check, declare=declare)


def test_signing_secret_generated_when_unset(settings):
    secrets: list[SigningSecret] = []

    def declare() -> None:
        secrets.append(SigningSecret("secret", settings=settings))

    def check(run: ProgramRun) -> None:
        generated = run.mocks.one("random:index/randomBytes:RandomBytes").inputs
        assert generated["length"] == 32

    run_program(check, declare=declare)
    assert secrets[0].generated is not None
