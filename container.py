"""Dependency-injection container: wires settings into providers and providers into factories."""

from dependency_injector import containers, providers

from webhook_platform.api import Api
from webhook_platform.api_account import ApiGatewayAccount
from webhook_platform.aws_environment import AwsEnvironment
from webhook_platform.compute import DEFAULT_BUNDLE_DIR, Compute
from webhook_platform.encryption import ExistingKeyEncryption, ManagedKeyEncryption
from webhook_platform.monitoring import Monitoring
from webhook_platform.naming import PrefixedNaming, StandardNaming
from webhook_platform.runtimes import check_runtime, today_utc
from webhook_platform.settings import StackSettings
from webhook_platform.signing_secret import SigningSecret
from webhook_platform.stack import WebhookPlatform
from webhook_platform.storage import Storage
from webhook_platform.tagging import StandardTagging


def _encryption_kind(settings: StackSettings) -> str:
    return "existing" if settings.kms_key_arn else "managed"


class Container(containers.DeclarativeContainer):
    """Wiring of one stack. Override a provider to swap a strategy without touching a factory:

    `container.tagging.override(providers.Singleton(MyTagging, ...))`.
    """

    settings = providers.Dependency(instance_of=StackSettings)
    clock = providers.Object(today_utc)
    bundle_dir = providers.Object(DEFAULT_BUNDLE_DIR)

    aws_environment = providers.Singleton(AwsEnvironment.lookup, region=settings.provided.region)

    naming = providers.Selector(
        settings.provided.naming_strategy,
        standard=providers.Singleton(StandardNaming, environment_suffix=settings.provided.environment_suffix),
        prefixed=providers.Singleton(
            PrefixedNaming,
            environment_suffix=settings.provided.environment_suffix,
            name_prefix=settings.provided.name_prefix,
        ),
    )

    tagging = providers.Singleton(
        StandardTagging,
        environment=settings.provided.environment,
        team=settings.provided.team,
        cost_center=settings.provided.cost_center,
        extra_tags=settings.provided.extra_tags,
    )

    encryption = providers.Selector(
        providers.Callable(_encryption_kind, settings),
        managed=providers.Singleton(
            ManagedKeyEncryption,
            naming=naming,
            tagging=tagging,
            aws_environment=aws_environment,
        ),
        existing=providers.Singleton(ExistingKeyEncryption, key_arn=settings.provided.kms_key_arn),
    )

    runtime_check = providers.Callable(check_runtime, settings.provided.lambda_runtime, clock=clock)

    signing_secret = providers.Factory(SigningSecret, settings=settings)

    storage = providers.Factory(
        Storage, settings=settings, naming=naming, tagging=tagging, encryption=encryption
    )

    compute = providers.Factory(
        Compute,
        settings=settings,
        naming=naming,
        tagging=tagging,
        encryption=encryption,
        aws_environment=aws_environment,
        bundle_dir=bundle_dir,
    )

    api_account = providers.Factory(
        ApiGatewayAccount, naming=naming, tagging=tagging, aws_environment=aws_environment
    )

    api = providers.Factory(Api, settings=settings, naming=naming, tagging=tagging, encryption=encryption)

    monitoring = providers.Factory(
        Monitoring, settings=settings, naming=naming, tagging=tagging, encryption=encryption
    )

    platform = providers.Factory(
        WebhookPlatform,
        settings=settings,
        encryption=encryption,
        check_runtime=runtime_check.provider,
        signing_secret_factory=signing_secret.provider,
        storage_factory=storage.provider,
        compute_factory=compute.provider,
        api_account_factory=api_account.provider,
        api_factory=api.provider,
        monitoring_factory=monitoring.provider,
    )
