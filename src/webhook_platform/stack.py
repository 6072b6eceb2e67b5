"""The whole stack: components composed in dependency order, and the values it exports."""

from collections.abc import Callable
from dataclasses import dataclass

import pulumi

from webhook_platform import outputs
from webhook_platform.api import Api
from webhook_platform.api_account import ApiGatewayAccount
from webhook_platform.compute import Compute
from webhook_platform.encryption import EncryptionProvider
from webhook_platform.monitoring import Monitoring
from webhook_platform.runtimes import RuntimeLifecycle
from webhook_platform.settings import StackSettings
from webhook_platform.signing_secret import SigningSecret
from webhook_platform.storage import Storage


@dataclass(frozen=True)
class StackOutputs:
    """Values a user needs after `pulumi up`; the signing secret stays a Pulumi secret."""

    webhook_url: pulumi.Output[str]
    table_name: pulumi.Output[str]
    function_name: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    usage_plan_id: pulumi.Output[str]
    signing_secret: pulumi.Output[str]

    def export(self) -> None:
        """Export every value under the keys in `webhook_platform.outputs`."""
        pulumi.export(outputs.WEBHOOK_URL, self.webhook_url)
        pulumi.export(outputs.TABLE_NAME, self.table_name)
        pulumi.export(outputs.FUNCTION_NAME, self.function_name)
        pulumi.export(outputs.KMS_KEY_ARN, self.kms_key_arn)
        pulumi.export(outputs.USAGE_PLAN_ID, self.usage_plan_id)
        pulumi.export(outputs.SIGNING_SECRET, pulumi.Output.secret(self.signing_secret))


class WebhookPlatform:
    """Builds the stack from factories the container injects; it constructs no provider itself."""

    def __init__(
        self,
        *,
        settings: StackSettings,
        encryption: EncryptionProvider,
        check_runtime: Callable[[], RuntimeLifecycle],
        signing_secret_factory: Callable[..., SigningSecret],
        storage_factory: Callable[..., Storage],
        compute_factory: Callable[..., Compute],
        api_account_factory: Callable[..., ApiGatewayAccount],
        api_factory: Callable[..., Api],
        monitoring_factory: Callable[..., Monitoring],
    ) -> None:
        self._settings = settings
        self._encryption = encryption
        self._check_runtime = check_runtime
        self._signing_secret_factory = signing_secret_factory
        self._storage_factory = storage_factory
        self._compute_factory = compute_factory
        self._api_account_factory = api_account_factory
        self._api_factory = api_factory
        self._monitoring_factory = monitoring_factory

    def deploy(self) -> StackOutputs:
        """Declare every resource and return the stack's outputs."""
        self._check_runtime()

        signing_secret = self._signing_secret_factory("signing-secret")
        storage = self._storage_factory("storage")
        compute = self._compute_factory(
            "compute", table=storage.table, signing_secrets=signing_secret.accepted
        )

        account_settings = None
        if self._settings.manage_api_gateway_account:
            account_settings = self._api_account_factory("api-gateway-account").account
        api = self._api_factory("api", function=compute.function, account_settings=account_settings)

        self._monitoring_factory(
            "monitoring",
            function=compute.function,
            function_log_group=compute.log_group,
            table=storage.table,
            api_name=api.rest_api.name,
            stage_name=api.stage.stage_name,
        )

        return StackOutputs(
            webhook_url=api.webhook_url,
            table_name=storage.table.name,
            function_name=compute.function.name,
            kms_key_arn=self._encryption.key_arn,
            usage_plan_id=api.usage_plan.id,
            signing_secret=signing_secret.current,
        )
