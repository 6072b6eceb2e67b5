"""Container wiring: strategies chosen by configuration, and providers a client can override."""

from unittest.mock import Mock

from dependency_injector import providers

from container import Container
from webhook_platform.encryption import ExistingKeyEncryption, ManagedKeyEncryption
from webhook_platform.naming import PrefixedNaming, StandardNaming
from webhook_platform.settings import settings_from_mapping
from webhook_platform.tagging import StandardTagging, TaggingProvider

REQUIRED = {"environmentSuffix": "pr42", "environment": "dev", "team": "pay", "costCenter": "cc-1"}


def _container(**overrides: str) -> Container:
    return Container(settings=settings_from_mapping({**REQUIRED, **overrides}))


def test_standard_naming_by_default():
    assert isinstance(_container().naming(), StandardNaming)


def test_prefixed_naming_by_config():
    naming = _container(namingStrategy="prefixed", namePrefix="acme").naming()
    assert isinstance(naming, PrefixedNaming)
    assert naming.name_prefix == "acme"


def test_managed_key_by_default():
    assert isinstance(_container().encryption(), ManagedKeyEncryption)


def test_existing_key_by_config():
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert isinstance(_container(kmsKeyArn=arn).encryption(), ExistingKeyEncryption)


def test_tagging_is_one_instance():
    container = _container()
    assert isinstance(container.tagging(), StandardTagging)
    assert container.tagging() is container.tagging()


def test_tagging_can_be_overridden_for_factories():
    container = _container()
    custom = Mock(spec=TaggingProvider)
    container.tagging.override(providers.Object(custom))
    storage_factory = container.storage
    assert storage_factory.kwargs["tagging"]() is custom
