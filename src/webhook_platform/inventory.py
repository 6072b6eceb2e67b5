"""Inventory of a stack before it exists: the program run offline, each resource summarised and checked.

The program runs under Pulumi's mocks with a stack file's configuration, so no AWS account is
needed. Every resource is listed with its physical name, tags, encryption, retention and IAM
actions, next to the verdicts of the CrossGuard pack's checks in `policies/compliance.py`.
"""

import importlib.util
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from webhook_platform import outputs
from webhook_platform.local.stack_file import read_stack_config, settings_from_stack_config
from webhook_platform.offline import REPOSITORY_ROOT, RecordedResource, run_offline

COMPLIANCE_MODULE: Final = REPOSITORY_ROOT / "policies" / "compliance.py"
NONE: Final = "none"
NOT_APPLICABLE: Final = "-"

# Inputs that hold a KMS key, by resource type; a type not listed here stores no data of its own.
_KEY_INPUTS: Final = {
    "aws:dynamodb/table:Table": ("serverSideEncryption", "kmsKeyArn"),
    "aws:cloudwatch/logGroup:LogGroup": ("kmsKeyId",),
    "aws:lambda/function:Function": ("kmsKeyArn",),
    "aws:sns/topic:Topic": ("kmsMasterKeyId",),
}
# Resources whose `policy` input is an IAM or key policy document whose actions the inventory lists.
_POLICY_TYPES: Final = frozenset(
    {"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:kms/key:Key"}
)
_SECRET_MASK: Final = "[secret]"  # noqa: S105 (the placeholder printed in place of a secret)


@dataclass(frozen=True)
class Verdict:
    """A failed policy of the pack and its message; a resource without verdicts passes every policy."""

    policy: str
    message: str


@dataclass(frozen=True)
class InventoryEntry:
    """Summary of one resource that `pulumi up` would create, with its failed policies."""

    type: str
    logical_name: str
    physical_name: str
    tags: dict[str, str]
    encryption: str
    retention: str
    iam_actions: list[str]
    violations: list[Verdict]

    @property
    def compliant(self) -> bool:
        """Whether every policy of the pack passes for this resource."""
        return not self.violations


@dataclass(frozen=True)
class Inventory:
    """Every resource of one stack, the stack's exports with secrets masked, and where they came from."""

    stack_file: str
    environment_suffix: str
    entries: list[InventoryEntry]
    exports: dict[str, Any]

    @property
    def violation_count(self) -> int:
        """Number of failed policy checks over all resources."""
        return sum(len(entry.violations) for entry in self.entries)


def build_inventory(stack_file: Path) -> Inventory:
    """Run the program offline with the stack file's config and summarise and check every resource."""
    # `secure:` values are skipped, so the program generates a signing secret under the mocks.
    config = read_stack_config(stack_file)
    suffix = settings_from_stack_config(config).environment_suffix
    compliance = _load_compliance()

    run = run_offline(config)

    entries = [_entry(resource, compliance, suffix) for resource in run.resources]
    exports = {
        key: _SECRET_MASK if key == outputs.SIGNING_SECRET else value for key, value in run.exports.items()
    }
    return Inventory(str(stack_file), suffix, entries, exports)


def to_json(inventory: Inventory) -> str:
    """Render the inventory as an indented JSON document."""
    document = {
        "stackFile": inventory.stack_file,
        "environmentSuffix": inventory.environment_suffix,
        "resourceCount": len(inventory.entries),
        "violationCount": inventory.violation_count,
        "resources": [
            {
                "type": entry.type,
                "logicalName": entry.logical_name,
                "physicalName": entry.physical_name,
                "tags": entry.tags,
                "encryption": entry.encryption,
                "retention": entry.retention,
                "iamActions": entry.iam_actions,
                "compliant": entry.compliant,
                "violations": [asdict(verdict) for verdict in entry.violations],
            }
            for entry in inventory.entries
        ],
        "exports": inventory.exports,
    }
    return json.dumps(document, indent=2, sort_keys=False)


def to_table(inventory: Inventory) -> str:
    """Render the inventory as an aligned text table, followed by every policy violation."""
    header = (
        "TYPE",
        "LOGICAL NAME",
        "PHYSICAL NAME",
        "ENCRYPTION",
        "RETENTION",
        "POLICIES",
        "TAGS",
        "IAM ACTIONS",
    )
    rows = [header]
    for entry in inventory.entries:
        tags = ",".join(f"{key}={value}" for key, value in sorted(entry.tags.items())) or NOT_APPLICABLE
        rows.append(
            (
                entry.type,
                entry.logical_name,
                entry.physical_name,
                entry.encryption,
                entry.retention,
                "pass" if entry.compliant else f"FAIL ({len(entry.violations)})",
                tags,
                " ".join(entry.iam_actions) or NOT_APPLICABLE,
            )
        )

    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]

    lines.append("")
    lines.append(
        f"{len(inventory.entries)} resources from {inventory.stack_file} "
        f"(environmentSuffix {inventory.environment_suffix}), "
        f"{inventory.violation_count} policy violation(s)"
    )
    for entry in inventory.entries:
        for verdict in entry.violations:
            lines.append(f"FAIL {verdict.policy} on {entry.type} {entry.logical_name}: {verdict.message}")
    return "\n".join(lines)


def _load_compliance() -> ModuleType:
    # The pack is not a package of this project, because Pulumi runs it in its own virtualenv, so
    # it is loaded from its file.
    spec = importlib.util.spec_from_file_location("compliance", COMPLIANCE_MODULE)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"Policy checks not found at {COMPLIANCE_MODULE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entry(resource: RecordedResource, compliance: ModuleType, suffix: str) -> InventoryEntry:
    inputs = resource.inputs

    violations = [
        Verdict(policy, message)
        for policy, _, check in compliance.CHECKS
        for message in check(resource.type, inputs)
    ]
    violations += [
        Verdict(compliance.SUFFIX_POLICY, message)
        for message in compliance.check_name_has_suffix(resource.type, inputs, suffix)
    ]

    return InventoryEntry(
        type=resource.type,
        logical_name=resource.name,
        physical_name=_physical_name(resource, compliance.NAME_INPUTS),
        tags=dict(inputs.get("tags") or {}),
        encryption=_encryption(resource),
        retention=_retention(resource),
        iam_actions=_iam_actions(resource),
        violations=violations,
    )


def _physical_name(resource: RecordedResource, name_inputs: Mapping[str, str]) -> str:
    name = resource.inputs.get(name_inputs.get(resource.type, "name"))
    return name if isinstance(name, str) else NOT_APPLICABLE


def _encryption(resource: RecordedResource) -> str:
    path = _KEY_INPUTS.get(resource.type)
    if path is None:
        return NOT_APPLICABLE
    value: Any = resource.inputs
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) and value else NONE


def _retention(resource: RecordedResource) -> str:
    if resource.type == "aws:cloudwatch/logGroup:LogGroup":
        days = resource.inputs.get("retentionInDays")
        # CloudWatch Logs keeps events forever when no retention is set.
        if not days:
            return "never expires"
        # Pulumi passes every number as a float, and a retention period is a whole number of days.
        return f"{int(days)} days"
    if resource.type == "aws:dynamodb/table:Table":
        enabled = (resource.inputs.get("pointInTimeRecovery") or {}).get("enabled")
        return "point-in-time recovery" if enabled else "no point-in-time recovery"
    return NOT_APPLICABLE


def _iam_actions(resource: RecordedResource) -> list[str]:
    if resource.type not in _POLICY_TYPES:
        return []
    document = resource.inputs.get("policy")
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, Mapping):
        return []

    actions: set[str] = set()
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        action = statement.get("Action", [])
        actions.update(action if isinstance(action, list) else [action])
    return sorted(actions)
