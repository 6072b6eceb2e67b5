"""Fixtures for unit tests: settings built from a dict, and providers replaced by mocks."""

from unittest.mock import Mock, PropertyMock

import pulumi
import pytest

from webhook_platform.encryption import EncryptionProvider
from webhook_platform.naming import NamingProvider, StandardNaming
from webhook_platform.settings import StackSettings, settings_from_mapping
from webhook_platform.tagging import TaggingProvider

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
UNIT_TAGS = {"Unit": "test"}


@pytest.fixture
def settings() -> StackSettings:
    return settings_from_mapping(
        {
            "environmentSuffix": "unit",
            "environment": "staging",
            "team": "payments",
            "costCenter": "cc-9",
        }
    )


@pytest.fixture
def naming() -> NamingProvider:
    """A real standard naming provider behind a spy, so tests see which names were asked for."""
    real = StandardNaming("unit")
    provider = Mock(spec=NamingProvider)
    provider.name.side_effect = real.name
    return provider


@pytest.fixture
def tagging() -> TaggingProvider:
    provider = Mock(spec=TaggingProvider)
    provider.tags.return_value = UNIT_TAGS
    return provider


@pytest.fixture
def encryption() -> EncryptionProvider:
    provider = Mock(spec=EncryptionProvider)
    # A new Output per access, created inside the test's event loop rather than the fixture's.
    type(provider).key_arn = PropertyMock(side_effect=lambda: pulumi.Output.from_input(KEY_ARN))
    return provider
