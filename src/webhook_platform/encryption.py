"""Encryption providers: the stack's KMS key, created with a secure policy or brought by the client."""

import json
from abc import ABC, abstractmethod
from typing import Any

import pulumi
import pulumi_aws as aws

from webhook_platform import naming as names
from webhook_platform.aws_environment import AwsEnvironment
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.tagging import TaggingProvider

# KMS waits at least 7 days before deleting a key (ScheduleKeyDeletion API, PendingWindowInDays).
SHORTEST_DELETION_WINDOW_DAYS = 7


class EncryptionProvider(ABC):
    """Supplies the KMS key that encrypts the table, the log groups and the function's variables."""

    @property
    @abstractmethod
    def key_arn(self) -> pulumi.Output[str]:
        """ARN of the customer-managed key."""


class ExistingKeyEncryption(EncryptionProvider):
    """Adopts a key the client already manages (`kmsKeyArn`); the stack never changes its policy.

    The key's policy must admit CloudWatch Logs for this account's log groups, as
    `cloudwatch_logs_statement` shows, or creating the log groups fails. It must also admit
    CloudWatch alarms, as `cloudwatch_alarms_statement` shows, or alarm notifications are dropped.
    """

    def __init__(self, key_arn: str) -> None:
        self._key_arn = pulumi.Output.from_input(key_arn)

    @property
    def key_arn(self) -> pulumi.Output[str]:
        return self._key_arn


class ManagedKeyEncryption(EncryptionProvider):
    """Creates one symmetric key per stack with yearly rotation and the shortest deletion window.

    The key is created on first use, under its own component, so a stack that never requests
    encryption creates no key.
    """

    def __init__(
        self,
        naming: NamingProvider,
        tagging: TaggingProvider,
        aws_environment: AwsEnvironment,
    ) -> None:
        self._naming = naming
        self._tagging = tagging
        self._aws = aws_environment
        self._component: ManagedKey | None = None

    @property
    def key_arn(self) -> pulumi.Output[str]:
        if self._component is None:
            self._component = ManagedKey(
                "encryption",
                naming=self._naming,
                tagging=self._tagging,
                aws_environment=self._aws,
            )
        return self._component.key.arn


def key_policy(account_id: str, partition: str, region: str) -> dict[str, Any]:
    """Build the key policy: the account administers the key, CloudWatch Logs and alarms use it.

    In a key policy `"Resource": "*"` means this key only. The account statement is the default key
    policy that AWS itself applies. Without it, IAM policies could not grant any use of the key, and
    no principal could manage it (AWS KMS Developer Guide, "Default key policy").
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnableIamPoliciesOfThisAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            cloudwatch_logs_statement(account_id, partition, region),
            cloudwatch_alarms_statement(account_id),
        ],
    }


def cloudwatch_alarms_statement(account_id: str) -> dict[str, Any]:
    """Build the statement that lets this account's alarms publish to a topic encrypted with the key.

    Without it CloudWatch cannot encrypt the notification and drops it, so alarms would change state
    without notifying any subscriber. The actions are the ones AWS documents for AWS services that
    publish to an encrypted topic (Amazon SNS Developer Guide, "Key management", section "Enable
    compatibility between event sources from AWS services and encrypted topics").
    """
    return {
        "Sid": "AllowCloudWatchAlarmsOfThisAccountToPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        # NOTE: AWS's example has no condition. aws:SourceAccount keeps alarms of other accounts
        # off the key; if notifications stop arriving after a deployment, check this first.
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def cloudwatch_logs_statement(account_id: str, partition: str, region: str) -> dict[str, Any]:
    """Build the statement that lets CloudWatch Logs use the key for this account's log groups only.

    The encryption-context condition is the one AWS documents for log groups (CloudWatch Logs User
    Guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
    """
    return {
        "Sid": "AllowCloudWatchLogsForThisAccountsLogGroups",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey",
        ],
        "Resource": "*",
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": (
                    f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                )
            }
        },
    }


class ManagedKey(pulumi.ComponentResource):
    """The stack's customer-managed KMS key and its alias."""

    def __init__(
        self,
        name: str,
        naming: NamingProvider,
        tagging: TaggingProvider,
        aws_environment: AwsEnvironment,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:security:ManagedKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        alias_name = naming.name(names.KMS_ALIAS, AwsService.KMS_ALIAS)
        policy = pulumi.Output.all(aws_environment.account_id, aws_environment.partition).apply(
            lambda parts: json.dumps(key_policy(parts[0], parts[1], aws_environment.region))
        )

        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts the webhook table, logs and function settings ({alias_name})",
            enable_key_rotation=True,
            deletion_window_in_days=SHORTEST_DELETION_WINDOW_DAYS,
            policy=policy,
            tags=tagging.tags(),
            opts=child,
        )

        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{alias_name}",
            target_key_id=self.key.key_id,
            opts=child,
        )

        self.register_outputs({"key_arn": self.key.arn})
