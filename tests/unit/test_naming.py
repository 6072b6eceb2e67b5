"""Naming providers: `resource-type-suffix`, the prefixed variant, and AWS's name limits."""

import pytest

from webhook_platform.errors import ConfigurationError
from webhook_platform.naming import AwsService, PrefixedNaming, StandardNaming


def test_standard_name_is_type_then_suffix():
    assert StandardNaming("pr42").name("transactions", AwsService.DYNAMODB_TABLE) == "transactions-pr42"


def test_prefixed_name_puts_prefix_first():
    naming = PrefixedNaming("pr42", "acme")
    assert naming.name("webhook-processor", AwsService.LAMBDA_FUNCTION) == "acme-webhook-processor-pr42"


def test_name_over_service_limit_is_rejected():
    naming = PrefixedNaming("a" * 24, "b" * 16)
    with pytest.raises(ConfigurationError) as raised:
        naming.name("apigateway-cloudwatch-role", AwsService.IAM_ROLE)
    message = str(raised.value)
    assert "IAM_ROLE" in message
    assert "1-64" in message
    assert "shorten environmentSuffix or namePrefix" in message


def test_table_name_allows_longer_names():
    naming = PrefixedNaming("a" * 24, "b" * 16)
    assert len(naming.name("transactions", AwsService.DYNAMODB_TABLE)) == 54


def test_characters_outside_rule_are_rejected():
    with pytest.raises(ConfigurationError, match="KMS_ALIAS"):
        StandardNaming("pr42").name("webhook.platform", AwsService.KMS_ALIAS)
