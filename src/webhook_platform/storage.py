"""Storage component: the DynamoDB table that keeps every transaction once."""

import pulumi
import pulumi_aws as aws

from webhook_platform import contract
from webhook_platform import naming as names
from webhook_platform.encryption import EncryptionProvider
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.settings import StackSettings
from webhook_platform.tagging import TaggingProvider


class Storage(pulumi.ComponentResource):
    """The `transactions` table: on-demand, point-in-time recovery, encrypted with the stack's key.

    Deletion protection follows `deletionProtection` (default off, so `pulumi destroy` removes the
    table); with it on, destroy first needs the setting turned off and an update.
    """

    def __init__(
        self,
        name: str,
        *,
        settings: StackSettings,
        naming: NamingProvider,
        tagging: TaggingProvider,
        encryption: EncryptionProvider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:storage:Storage", name, None, opts)

        table_name = naming.name(names.TABLE, AwsService.DYNAMODB_TABLE)

        self.table = aws.dynamodb.Table(
            f"{name}-transactions",
            name=table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=contract.TABLE_PARTITION_KEY,
            range_key=contract.TABLE_SORT_KEY,
            attributes=[
                aws.dynamodb.TableAttributeArgs(name=attribute["name"], type=attribute["type"])
                for attribute in contract.TABLE_KEY_ATTRIBUTES
            ],
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True,
                kms_key_arn=encryption.key_arn,
            ),
            deletion_protection_enabled=settings.deletion_protection,
            tags=tagging.tags(),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.register_outputs({"table_name": self.table.name, "table_arn": self.table.arn})
