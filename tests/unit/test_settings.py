"""Stack settings: defaults, and one clear message for every invalid or missing key."""

import datetime

import pytest

from webhook_platform.errors import ConfigurationError
from webhook_platform.settings import load_settings, settings_from_mapping

REQUIRED = {"environmentSuffix": "pr42", "environment": "dev", "team": "pay", "costCenter": "cc-1"}
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" + "AAAA"


def _error(**overrides: str) -> str:
    with pytest.raises(ConfigurationError) as raised:
        settings_from_mapping({**REQUIRED, **overrides})
    return str(raised.value)


def test_defaults_follow_product_spec():
    settings = settings_from_mapping(REQUIRED)
    assert settings.lambda_runtime == "nodejs24.x"
    assert settings.lambda_memory_mb == 1024
    assert settings.reserved_concurrency == 100
    assert settings.rate_limit_per_minute == 1000
    assert settings.rate_limit_per_second == pytest.approx(16.6667, rel=1e-4)
    assert settings.log_retention_days == 30
    assert settings.signature_scheme == "standard-webhooks"
    assert settings.signature_tolerance_seconds == 300
    assert settings.naming_strategy == "standard"
    assert settings.manage_api_gateway_account is True
    assert settings.deletion_protection is False
    assert settings.region == "us-east-1"
    assert settings.signing_secrets == []


def test_missing_required_keys_are_all_reported():
    with pytest.raises(ConfigurationError) as raised:
        settings_from_mapping({})
    message = str(raised.value)
    assert "(4 problem(s))" in message
    for key, fix in (
        ("environmentSuffix", "pulumi config set environmentSuffix pr42"),
        ("environment", "pulumi config set environment dev"),
        ("team", "pulumi config set team payments-platform"),
        ("costCenter", "pulumi config set costCenter cc-1234"),
    ):
        assert f"webhook-platform:{key} is missing" in message
        assert fix in message


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("environmentSuffix", "PR_42", "lowercase letters, digits and hyphens"),
        ("environmentSuffix", "-pr42", "starting and ending with a letter or digit"),
        ("environmentSuffix", "a" * 25, "1 to 24"),
        ("environment", "qa", "one of dev, staging, prod"),
        ("team", "", "1 to 256"),
        ("costCenter", "cc#1", "letters, digits, spaces"),
        ("lambdaRuntime", "nodejs16.x", "a Node.js runtime AWS still accepts"),
        ("lambdaRuntime", "python3.13", "of nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x"),
        ("lambdaMemoryMb", "64", "from 128 to 10240"),
        ("lambdaMemoryMb", "lots", "from 128 to 10240"),
        ("reservedConcurrency", "0", "or off"),
        ("rateLimitPerMinute", "0", "from 1 to 600000"),
        ("burstLimit", "-5", "from 1 to 5000"),
        ("logRetentionDays", "31", "CloudWatch Logs periods"),
        ("apiLoggingLevel", "DEBUG", "ERROR or INFO"),
        ("signatureScheme", "github", "standard-webhooks, stripe"),
        ("signatureToleranceSeconds", "0", "from 1 to 3600"),
        ("namingStrategy", "random", "standard or prefixed"),
        ("namePrefix", "Acme!", "lowercase letters"),
        ("kmsKeyArn", "alias/my-key", "the ARN of a KMS key"),
        ("manageApiGatewayAccount", "maybe", "true or false"),
        ("deletionProtection", "yes please", "true or false"),
        ("extraTags", "not json", "a JSON object"),
        ("extraTags", '["a"]', "a JSON object"),
        ("extraTags", '{"Team": "other"}', "whose keys are not Environment"),
        ("extraTags", '{"aws:owner": "x"}', "aws:*"),
        ("extraTags", '{"Owner": 5}', "a JSON object of string values"),
    ],
)
def test_invalid_value_names_key_value_and_fix(key, value, allowed):
    message = _error(**{key: value})
    assert f"webhook-platform:{key} = " in message
    assert allowed in message
    assert f"Fix: pulumi config set {key} " in message


def test_invalid_value_is_quoted_in_message():
    message = _error(lambdaMemoryMb="64")
    assert "webhook-platform:lambdaMemoryMb = '64' is invalid" in message


def test_several_invalid_keys_reported_at_once():
    message = _error(environment="qa", lambdaMemoryMb="64", burstLimit="0")
    assert "(3 problem(s))" in message


def test_prefixed_naming_requires_prefix():
    message = _error(namingStrategy="prefixed")
    assert "webhook-platform:namePrefix is missing" in message
    assert "pulumi config set namePrefix acme" in message


def test_reserved_concurrency_off_means_none():
    assert settings_from_mapping({**REQUIRED, "reservedConcurrency": "off"}).reserved_concurrency is None


def test_secret_value_is_never_printed():
    message = _error(webhookSigningSecret="whsec_short")
    assert "whsec_short" not in message
    assert "webhook-platform:webhookSigningSecret = <secret> is invalid" in message


def test_plain_text_secret_is_rejected():
    config = {**REQUIRED, "webhookSigningSecret": SECRET}
    with pytest.raises(ConfigurationError) as raised:
        load_settings(read=config.get, is_secret=lambda key: False)
    message = str(raised.value)
    assert "stored in plain text" in message
    assert "pulumi config set --secret webhookSigningSecret" in message
    assert SECRET not in message


def test_signing_secrets_current_first():
    previous = "whsec_" + "B" * 44
    settings = settings_from_mapping(
        {**REQUIRED, "webhookSigningSecret": SECRET, "webhookPreviousSigningSecret": previous}
    )
    assert settings.signing_secrets == [SECRET, previous]
    assert SECRET not in repr(settings)


def test_extra_tags_parsed_from_json():
    settings = settings_from_mapping({**REQUIRED, "extraTags": '{"Owner": "payments@example.com"}'})
    assert settings.extra_tags == {"Owner": "payments@example.com"}


def test_blocked_runtime_reported_with_other_problems():
    message = _error(lambdaMemoryMb="64", lambdaRuntime="nodejs18.x")
    assert "(2 problem(s))" in message
    assert "webhook-platform:lambdaMemoryMb = '64'" in message
    assert "webhook-platform:lambdaRuntime = nodejs18.x: AWS has rejected new functions" in message
    assert "Fix: pulumi config set lambdaRuntime nodejs24.x" in message


def test_runtime_accepted_before_block_date():
    before_block = datetime.date(2026, 5, 31)
    settings = settings_from_mapping({**REQUIRED, "lambdaRuntime": "nodejs20.x"}, clock=lambda: before_block)
    assert settings.lambda_runtime == "nodejs20.x"


def test_misspelled_key_is_reported():
    message = _error(burstLimt="50")
    assert "webhook-platform:burstLimt is not a setting of this project" in message
    assert "Did you mean burstLimit?" in message
    assert "pulumi config rm burstLimt" in message


def test_other_namespaces_are_not_checked():
    settings = load_settings(
        read={**REQUIRED}.get,
        is_secret=lambda key: True,
        keys=["aws:profile", "random:anything", "webhook-platform:team"],
    )
    assert settings.team == "pay"
