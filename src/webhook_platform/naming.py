"""Naming providers: the physical name of every resource, following `resource-type-environmentSuffix`."""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum
from typing import Final

from webhook_platform.errors import ConfigurationError


@dataclass(frozen=True)
class NameRule:
    """Length limit and allowed characters of one AWS service's resource names."""

    max_length: int
    allowed: str
    description: str


class AwsService(Enum):
    """Kinds of named resources, each with the naming limits AWS documents for it."""

    # DynamoDB table names: 3 to 255 of a-z A-Z 0-9 _ - . (DynamoDB Developer Guide, "Naming rules").
    DYNAMODB_TABLE = NameRule(255, r"[A-Za-z0-9_.-]{3,255}", "3-255 of A-Z a-z 0-9 _ - .")
    # Lambda function names: up to 64 of letters, digits, hyphens, underscores (CreateFunction API).
    LAMBDA_FUNCTION = NameRule(64, r"[A-Za-z0-9_-]{1,64}", "1-64 of A-Z a-z 0-9 _ -")
    # IAM role names: up to 64 of \w+=,.@- (IAM User Guide, "IAM object quotas").
    IAM_ROLE = NameRule(64, r"[\w+=,.@-]{1,64}", "1-64 of A-Z a-z 0-9 _ + = , . @ -")
    # IAM inline policy names: up to 128 of \w+=,.@- (IAM User Guide, "IAM object quotas").
    IAM_POLICY = NameRule(128, r"[\w+=,.@-]{1,128}", "1-128 of A-Z a-z 0-9 _ + = , . @ -")
    # CloudWatch Logs group names: up to 512 of a-z A-Z 0-9 _ - / . # (CreateLogGroup API).
    LOG_GROUP = NameRule(512, r"[A-Za-z0-9_/.#-]{1,512}", "1-512 of A-Z a-z 0-9 _ - / . #")
    # API Gateway stage names: letters, digits, hyphens and underscores, up to 128 (CreateStage API).
    API_STAGE = NameRule(128, r"[A-Za-z0-9_-]{1,128}", "1-128 of A-Z a-z 0-9 _ -")
    # REST API and usage plan names: free text; 128 keeps them readable in the console.
    API_GATEWAY = NameRule(128, r"[A-Za-z0-9_.-]{1,128}", "1-128 of A-Z a-z 0-9 _ - .")
    # KMS alias names after `alias/`: up to 256 of a-z A-Z 0-9 / _ - (CreateAlias API).
    KMS_ALIAS = NameRule(250, r"[A-Za-z0-9/_-]{1,250}", "1-250 of A-Z a-z 0-9 / _ -")
    # SNS topic names: up to 256 of letters, digits, hyphens, underscores (CreateTopic API).
    SNS_TOPIC = NameRule(256, r"[A-Za-z0-9_-]{1,256}", "1-256 of A-Z a-z 0-9 _ -")
    # CloudWatch alarm names: 1 to 255 characters (PutMetricAlarm API); kept to the name characters
    # used elsewhere so that they also work as metric names.
    CLOUDWATCH_ALARM = NameRule(255, r"[A-Za-z0-9_.-]{1,255}", "1-255 of A-Z a-z 0-9 _ - .")
    # CloudWatch dashboard names: up to 255 of letters, digits, hyphens, underscores (PutDashboard API).
    CLOUDWATCH_DASHBOARD = NameRule(255, r"[A-Za-z0-9_-]{1,255}", "1-255 of A-Z a-z 0-9 _ -")


class NamingProvider(ABC):
    """Builds the physical name of a resource from its type; every name carries the suffix."""

    def __init__(self, environment_suffix: str) -> None:
        self.environment_suffix = environment_suffix

    @abstractmethod
    def compose(self, resource_type: str) -> str:
        """Join the parts of a name without checking any service's limits."""

    def name(self, resource_type: str, service: AwsService) -> str:
        """Return the physical name of `resource_type`, checked against `service`'s naming rule.

        Raises `ConfigurationError` when the name breaks the rule, which can only happen through
        a long suffix or prefix, so the message points at those settings.
        """
        name = self.compose(resource_type)
        rule = service.value
        if not re.fullmatch(rule.allowed, name):
            raise ConfigurationError(
                f"The {service.name} name {name!r} ({len(name)} characters) breaks AWS's naming "
                f"rule ({rule.description}). Fix: shorten environmentSuffix or namePrefix, e.g. "
                f"pulumi config set environmentSuffix pr42"
            )
        return name


class StandardNaming(NamingProvider):
    """Names as `resource-type-environmentSuffix`, for example `transactions-pr42`."""

    def compose(self, resource_type: str) -> str:
        return f"{resource_type}-{self.environment_suffix}"


class PrefixedNaming(NamingProvider):
    """Names as `prefix-resource-type-environmentSuffix`, for a client that namespaces by prefix."""

    def __init__(self, environment_suffix: str, name_prefix: str) -> None:
        super().__init__(environment_suffix)
        self.name_prefix = name_prefix

    def compose(self, resource_type: str) -> str:
        return f"{self.name_prefix}-{resource_type}-{self.environment_suffix}"


# Resource types in physical names; one place so a client's naming review reads one list.
TABLE: Final = "transactions"
FUNCTION: Final = "webhook-processor"
FUNCTION_ROLE: Final = "webhook-processor-role"
REST_API: Final = "webhook-api"
STAGE: Final = "v1"
USAGE_PLAN: Final = "webhook-usage-plan"
ACCESS_LOG_GROUP: Final = "webhook-api-access"
KMS_ALIAS: Final = "webhook-platform"
API_GATEWAY_CLOUDWATCH_ROLE: Final = "apigateway-cloudwatch-role"
FUNCTION_POLICY: Final = "webhook-processor-least-privilege"
API_GATEWAY_LOGGING_POLICY: Final = "apigateway-write-logs"
ALARM_TOPIC: Final = "webhook-alarms"
DASHBOARD: Final = "webhook-platform"
# Alarm and log-metric names get the suffix too, so two stacks in one account never share one.
ALARM_PREFIX: Final = "webhook"
SIGNATURE_FAILURES_METRIC: Final = "webhook-signature-failures"
CONFLICTS_METRIC: Final = "webhook-conflicts"
