"""Compliance checks of the webhook platform, as plain functions over a resource's type and inputs.

Each check returns a list of violation messages, empty when the resource complies, so unit tests
call them with plain dicts and `__main__.py` only adapts them to pulumi-policy. Property names are
the camelCase input names that the Pulumi engine passes to policies.
"""

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

# Kept equal to REQUIRED_TAG_KEYS and XRAY_WRITE_ACTIONS of the program; a unit test fails when they
# drift. The pack does not import the program, because Pulumi runs it in its own virtualenv.
REQUIRED_TAG_KEYS: Final = ("Environment", "Team", "CostCenter", "ManagedBy", "Project")
XRAY_WRITE_ACTIONS: Final = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
LOG_RETENTION_DAYS: Final = 30

# Resource types that accept tags in pulumi-aws v7 and that the stack creates.
TAGGABLE_TYPES: Final = frozenset(
    {
        "aws:dynamodb/table:Table",
        "aws:lambda/function:Function",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
        "aws:kms/key:Key",
        "aws:apigateway/restApi:RestApi",
        "aws:apigateway/stage:Stage",
        "aws:apigateway/usagePlan:UsagePlan",
        "aws:sns/topic:Topic",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
    }
)

# The input that contains the physical name, by resource type.
NAME_INPUTS: Final = {
    "aws:dynamodb/table:Table": "name",
    "aws:lambda/function:Function": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:iam/role:Role": "name",
    "aws:apigateway/restApi:RestApi": "name",
    "aws:apigateway/usagePlan:UsagePlan": "name",
    "aws:apigateway/stage:Stage": "stageName",
    "aws:kms/alias:Alias": "name",
    "aws:sns/topic:Topic": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "name",
}

IAM_POLICY_TYPES: Final = frozenset({"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"})

Check = Callable[[str, Mapping[str, Any]], list[str]]


def check_required_tags(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Require the Environment, Team, CostCenter, ManagedBy and Project tags on taggable resources."""
    if resource_type not in TAGGABLE_TYPES:
        return []
    tags = props.get("tags") or {}
    missing = [key for key in REQUIRED_TAG_KEYS if not tags.get(key)]
    if not missing:
        return []
    return [f"missing tag(s) {', '.join(missing)}; the tagging provider must set them on every resource"]


def check_name_has_suffix(resource_type: str, props: Mapping[str, Any], suffix: str) -> list[str]:
    """Require the stack's environmentSuffix in every physical name."""
    key = NAME_INPUTS.get(resource_type)
    if key is None:
        return []
    name = props.get(key)
    if not isinstance(name, str):
        # NOTE: a name computed from another resource is unknown at preview and checked at update.
        return []
    if suffix not in name:
        return [f"{key} {name!r} does not contain the environmentSuffix {suffix!r}"]
    return []


def check_log_group(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Require a 30-day retention and a KMS key on every log group."""
    if resource_type != "aws:cloudwatch/logGroup:LogGroup":
        return []
    violations = []
    retention = props.get("retentionInDays")
    if retention != LOG_RETENTION_DAYS:
        violations.append(f"retentionInDays is {retention!r}, expected {LOG_RETENTION_DAYS}")
    if not props.get("kmsKeyId"):
        violations.append("kmsKeyId is missing, so the log group is not encrypted with the stack's key")
    return violations


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_iam_wildcards(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Reject wildcard actions, and `Resource: "*"` except on exactly the X-Ray write actions."""
    if resource_type not in IAM_POLICY_TYPES:
        return []
    document = props.get("policy")
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, Mapping):
        # NOTE: a policy built from other resources' ARNs is unknown at preview for new resources,
        # so this check only binds at update time for them.
        return []

    violations = []
    for statement in _as_list(document.get("Statement", [])):
        sid = statement.get("Sid", "<no Sid>")
        actions = [str(action) for action in _as_list(statement.get("Action", []))]
        resources = [str(resource) for resource in _as_list(statement.get("Resource", []))]
        for action in actions:
            if "*" in action:
                violations.append(f"statement {sid} allows the wildcard action {action!r}")
        if "*" in resources and sorted(actions) != sorted(XRAY_WRITE_ACTIONS):
            violations.append(
                f'statement {sid} uses Resource "*" for {", ".join(actions)}; '
                f"only {', '.join(XRAY_WRITE_ACTIONS)} may, because they accept no resource ARN"
            )
    return violations


def check_table(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Require point-in-time recovery and encryption with a customer-managed KMS key on tables."""
    if resource_type != "aws:dynamodb/table:Table":
        return []
    violations = []
    if not (props.get("pointInTimeRecovery") or {}).get("enabled"):
        violations.append("pointInTimeRecovery is not enabled")
    encryption = props.get("serverSideEncryption") or {}
    if not encryption.get("enabled") or not encryption.get("kmsKeyArn"):
        violations.append("serverSideEncryption must be enabled with the stack's kmsKeyArn")
    return violations


def check_function_tracing(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Require active X-Ray tracing on every Lambda function."""
    if resource_type != "aws:lambda/function:Function":
        return []
    mode = (props.get("tracingConfig") or {}).get("mode")
    if mode != "Active":
        return [f"tracingConfig.mode is {mode!r}, expected 'Active'"]
    return []


# Policy name, description and check, in the order the pack reports them. The suffix check needs
# the stack's suffix and is wired separately in `__main__.py`.
CHECKS: Final[list[tuple[str, str, Check]]] = [
    ("required-tags", "Every taggable resource carries the required tags.", check_required_tags),
    ("log-groups-30-days-encrypted", "Log groups keep 30 days and use the KMS key.", check_log_group),
    ("no-iam-wildcards", "No IAM wildcard except the X-Ray write actions.", check_iam_wildcards),
    ("table-pitr-and-kms", "The table has point-in-time recovery and KMS encryption.", check_table),
    ("function-xray", "Every Lambda function has active X-Ray tracing.", check_function_tracing),
]
SUFFIX_POLICY: Final = "names-carry-suffix"
