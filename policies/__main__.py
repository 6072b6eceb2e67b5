"""Policy pack entry point: `pulumi preview --policy-pack policies --policy-pack-config <file>`.

The config file sets the suffix that names must carry, for example
`{"names-carry-suffix": {"environmentSuffix": "pr42"}}`.
"""

from collections.abc import Callable

from compliance import CHECKS, SUFFIX_POLICY, Check, check_name_has_suffix
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)


def _validate(check: Check) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in check(args.resource_type, args.props):
            report_violation(message, args.urn)

    return validate


def _validate_suffix(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    suffix = (args.get_config() or {}).get("environmentSuffix")
    if not suffix:
        report_violation(
            f"{SUFFIX_POLICY} has no environmentSuffix; pass --policy-pack-config with "
            f'{{"{SUFFIX_POLICY}": {{"environmentSuffix": "<suffix>"}}}}',
            args.urn,
        )
        return
    for message in check_name_has_suffix(args.resource_type, args.props, suffix):
        report_violation(message, args.urn)


policies = [
    ResourceValidationPolicy(name=name, description=description, validate=_validate(check))
    for name, description, check in CHECKS
]
policies.append(
    ResourceValidationPolicy(
        name=SUFFIX_POLICY,
        description="Every physical name contains the stack's environmentSuffix.",
        validate=_validate_suffix,
        config_schema=PolicyConfigSchema(
            properties={"environmentSuffix": {"type": "string"}}, required=["environmentSuffix"]
        ),
    )
)

PolicyPack(
    name="webhook-platform-compliance", enforcement_level=EnforcementLevel.MANDATORY, policies=policies
)
