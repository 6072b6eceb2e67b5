"""Typed stack settings read from `pulumi.Config`, validated once at preview."""

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Final, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from webhook_platform import contract
from webhook_platform.errors import ConfigurationError
from webhook_platform.runtimes import (
    DEFAULT_RUNTIME,
    NODEJS_RUNTIMES,
    Clock,
    blocked_runtime_problem,
    today_utc,
)

PROJECT: Final = "webhook-platform"

# CloudWatch Logs accepts only these retention periods, in days (PutRetentionPolicy API reference).
LOG_RETENTION_DAYS: Final = (
    1, 3, 5, 6, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# Tag keys that the tagging provider sets itself; `extraTags` may not replace them.
REQUIRED_TAG_KEYS: Final = ("Environment", "Team", "CostCenter", "ManagedBy", "Project")

_SUFFIX_PATTERN: Final = r"^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$"
_PREFIX_PATTERN: Final = r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$"
_SIGNING_SECRET_PATTERN: Final = r"^whsec_[A-Za-z0-9+/]{32,}={0,2}$"  # noqa: S105 (a pattern)
_KMS_KEY_ARN_PATTERN: Final = (
    r"^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
# A practical check of an address SNS can deliver to, not full RFC 5322; SNS itself sends the
# confirmation email that proves the address works.
_EMAIL_PATTERN: Final = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
# Characters AWS allows in tag keys and values across services (Tagging AWS resources, "Tag naming
# limits and requirements").
_TAG_TEXT_PATTERN: Final = r"^[\w .:/=+\-@]*$"


class StackSettings(BaseModel):
    """Every setting of one stack, with the defaults the product ships.

    Field aliases are the `pulumi config` keys, so validation errors name the key a user types.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    environment_suffix: Annotated[str, Field(alias="environmentSuffix", pattern=_SUFFIX_PATTERN)]
    environment: Annotated[Literal["dev", "staging", "prod"], Field(alias="environment")]
    team: Annotated[str, Field(alias="team", min_length=1, max_length=256, pattern=_TAG_TEXT_PATTERN)]
    cost_center: Annotated[
        str, Field(alias="costCenter", min_length=1, max_length=256, pattern=_TAG_TEXT_PATTERN)
    ]
    webhook_signing_secret: Annotated[SecretStr | None, Field(alias="webhookSigningSecret", default=None)]
    webhook_previous_signing_secret: Annotated[
        SecretStr | None, Field(alias="webhookPreviousSigningSecret", default=None)
    ]
    lambda_runtime: Annotated[str, Field(alias="lambdaRuntime", default=DEFAULT_RUNTIME)]
    lambda_memory_mb: Annotated[int, Field(alias="lambdaMemoryMb", default=1024, ge=128, le=10240)]
    reserved_concurrency: Annotated[
        int | None, Field(alias="reservedConcurrency", default=100, ge=1, le=10000)
    ]
    rate_limit_per_minute: Annotated[int, Field(alias="rateLimitPerMinute", default=1000, ge=1, le=600_000)]
    burst_limit: Annotated[int, Field(alias="burstLimit", default=50, ge=1, le=5000)]
    log_retention_days: Annotated[int, Field(alias="logRetentionDays", default=30)]
    api_logging_level: Annotated[Literal["ERROR", "INFO"], Field(alias="apiLoggingLevel", default="ERROR")]
    signature_scheme: Annotated[
        Literal["standard-webhooks", "stripe"],
        Field(alias="signatureScheme", default="standard-webhooks"),
    ]
    signature_tolerance_seconds: Annotated[
        int, Field(alias="signatureToleranceSeconds", default=300, ge=1, le=3600)
    ]
    naming_strategy: Annotated[
        Literal["standard", "prefixed"], Field(alias="namingStrategy", default="standard")
    ]
    name_prefix: Annotated[str | None, Field(alias="namePrefix", default=None, pattern=_PREFIX_PATTERN)]
    extra_tags: Annotated[dict[str, str], Field(alias="extraTags", default_factory=dict)]
    kms_key_arn: Annotated[str | None, Field(alias="kmsKeyArn", default=None, pattern=_KMS_KEY_ARN_PATTERN)]
    manage_api_gateway_account: Annotated[bool, Field(alias="manageApiGatewayAccount", default=True)]
    deletion_protection: Annotated[bool, Field(alias="deletionProtection", default=False)]
    region: Annotated[str, Field(alias="aws:region", default="us-east-1")]
    alarm_email: Annotated[str | None, Field(alias="alarmEmail", default=None, pattern=_EMAIL_PATTERN)]
    alarm_function_errors: Annotated[int, Field(alias="alarmFunctionErrors", default=1, ge=1, le=100_000)]
    alarm_function_throttles: Annotated[
        int, Field(alias="alarmFunctionThrottles", default=1, ge=1, le=100_000)
    ]
    alarm_duration_percent: Annotated[int, Field(alias="alarmDurationPercent", default=80, ge=10, le=100)]
    alarm_concurrency_percent: Annotated[
        int, Field(alias="alarmConcurrencyPercent", default=80, ge=10, le=100)
    ]
    alarm_api_5xx_errors: Annotated[int, Field(alias="alarmApi5xxErrors", default=1, ge=1, le=100_000)]
    alarm_api_4xx_rate_percent: Annotated[
        int, Field(alias="alarmApi4xxRatePercent", default=10, ge=1, le=100)
    ]
    alarm_api_latency_p99_ms: Annotated[
        int, Field(alias="alarmApiLatencyP99Ms", default=3000, ge=100, le=29_000)
    ]
    alarm_table_system_errors: Annotated[
        int, Field(alias="alarmTableSystemErrors", default=1, ge=1, le=100_000)
    ]
    alarm_table_throttled_requests: Annotated[
        int, Field(alias="alarmTableThrottledRequests", default=1, ge=1, le=100_000)
    ]
    alarm_signature_failures: Annotated[
        int, Field(alias="alarmSignatureFailures", default=10, ge=1, le=100_000)
    ]
    alarm_conflicts: Annotated[int, Field(alias="alarmConflicts", default=1, ge=1, le=100_000)]

    @field_validator("lambda_runtime")
    @classmethod
    def _known_runtime(cls, value: str) -> str:
        if value not in NODEJS_RUNTIMES:
            raise ValueError("unknown runtime")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _cloudwatch_retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError("not a CloudWatch Logs retention period")
        return value

    @field_validator("webhook_signing_secret", "webhook_previous_signing_secret")
    @classmethod
    def _standard_webhooks_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(_SIGNING_SECRET_PATTERN, value.get_secret_value()):
            raise ValueError("not a whsec_ secret")
        return value

    @field_validator("extra_tags")
    @classmethod
    def _extra_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        for key, value in tags.items():
            if key in REQUIRED_TAG_KEYS:
                raise ValueError(f"tag key {key!r} is set by the tagging provider")
            if key.lower().startswith("aws:"):
                raise ValueError(f"tag key {key!r} uses the reserved aws: prefix")
            if not 1 <= len(key) <= 128 or not re.match(_TAG_TEXT_PATTERN, key):
                raise ValueError(f"tag key {key!r} is invalid")
            if len(value) > 256 or not re.match(_TAG_TEXT_PATTERN, value):
                raise ValueError(f"tag value {value!r} of {key!r} is invalid")
        return tags

    @property
    def rate_limit_per_second(self) -> float:
        """The per-minute limit as API Gateway's steady-state rate, in requests per second."""
        return self.rate_limit_per_minute / 60

    @property
    def signing_secrets(self) -> list[str]:
        """The configured secrets, current first; empty when the stack generates one."""
        secrets = [self.webhook_signing_secret, self.webhook_previous_signing_secret]
        return [secret.get_secret_value() for secret in secrets if secret is not None]


# Allowed values of each key and an example value for the fix command, used in error messages.
_ALLOWED: Final[dict[str, tuple[str, str]]] = {
    "environmentSuffix": (
        "1 to 24 lowercase letters, digits and hyphens, starting and ending with a letter or digit",
        "pr42",
    ),
    "environment": ("one of dev, staging, prod", "dev"),
    "team": ("1 to 256 letters, digits, spaces or _ . : / = + - @", "payments-platform"),
    "costCenter": ("1 to 256 letters, digits, spaces or _ . : / = + - @", "cc-1234"),
    "webhookSigningSecret": (
        "whsec_ followed by at least 24 bytes of base64 (set it with --secret)",
        "--secret whsec_<base64>",
    ),
    "webhookPreviousSigningSecret": (
        "whsec_ followed by at least 24 bytes of base64 (set it with --secret)",
        "--secret whsec_<base64>",
    ),
    "lambdaRuntime": (
        f"a Node.js runtime AWS still accepts (of {', '.join(NODEJS_RUNTIMES)}, the ones whose "
        "block-create date has not passed)",
        DEFAULT_RUNTIME,
    ),
    "lambdaMemoryMb": ("an integer from 128 to 10240 (megabytes)", "1024"),
    "reservedConcurrency": (
        "an integer from 1 to 10000, or off for no reserved concurrency",
        "100",
    ),
    "rateLimitPerMinute": ("an integer from 1 to 600000 (requests per minute)", "1000"),
    "burstLimit": ("an integer from 1 to 5000 (requests)", "50"),
    "logRetentionDays": (
        f"one of the CloudWatch Logs periods {', '.join(map(str, LOG_RETENTION_DAYS))} (days)",
        "30",
    ),
    "apiLoggingLevel": ("ERROR or INFO", "ERROR"),
    "signatureScheme": (f"one of {', '.join(contract.SIGNATURE_SCHEMES)}", "standard-webhooks"),
    "signatureToleranceSeconds": ("an integer from 1 to 3600 (seconds)", "300"),
    "namingStrategy": ("standard or prefixed", "standard"),
    "namePrefix": (
        "2 to 16 lowercase letters, digits and hyphens, starting with a letter, "
        "required when namingStrategy is prefixed",
        "acme",
    ),
    "extraTags": (
        "a JSON object of string values whose keys are not Environment, Team, CostCenter, "
        "ManagedBy, Project or aws:*",
        '\'{"DataClassification":"confidential"}\'',
    ),
    "kmsKeyArn": (
        "the ARN of a KMS key, arn:aws:kms:<region>:<account>:key/<key-id>",
        "arn:aws:kms:us-east-1:123456789012:key/<key-id>",
    ),
    "manageApiGatewayAccount": ("true or false", "true"),
    "deletionProtection": ("true or false", "false"),
    "aws:region": ("an AWS region name", "us-east-1"),
    "alarmEmail": (
        "an email address such as oncall@example.com, or unset for no subscription",
        "oncall@example.com",
    ),
    "alarmFunctionErrors": ("an integer from 1 to 100000 (function errors per minute)", "1"),
    "alarmFunctionThrottles": ("an integer from 1 to 100000 (throttled invocations per minute)", "1"),
    "alarmDurationPercent": ("an integer from 10 to 100 (percent of the 10 s function timeout)", "80"),
    "alarmConcurrencyPercent": ("an integer from 10 to 100 (percent of reservedConcurrency)", "80"),
    "alarmApi5xxErrors": ("an integer from 1 to 100000 (5XX responses per minute)", "1"),
    "alarmApi4xxRatePercent": ("an integer from 1 to 100 (percent of requests answered 4XX)", "10"),
    "alarmApiLatencyP99Ms": ("an integer from 100 to 29000 (p99 latency in milliseconds)", "3000"),
    "alarmTableSystemErrors": ("an integer from 1 to 100000 (DynamoDB system errors per minute)", "1"),
    "alarmTableThrottledRequests": (
        "an integer from 1 to 100000 (throttled PutItem requests per minute)",
        "1",
    ),
    "alarmSignatureFailures": ("an integer from 1 to 100000 (401 responses per 5 minutes)", "10"),
    "alarmConflicts": ("an integer from 1 to 100000 (409 responses per 5 minutes)", "1"),
}

_SECRET_KEYS: Final = ("webhookSigningSecret", "webhookPreviousSigningSecret")

ConfigReader = Callable[[str], str | None]
SecretCheck = Callable[[str], bool]


def _full_key(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def _fix_command(key: str) -> str:
    return f"pulumi config set {key} {_ALLOWED[key][1]}"


def _describe(key: str, raw: Any, reason: str) -> str:
    allowed = _ALLOWED.get(key, ("a valid value", ""))[0]
    displayed_value = "<secret>" if key in _SECRET_KEYS else repr(raw)
    if raw is None:
        return f"{_full_key(key)} is missing: it must be {allowed}. Fix: {_fix_command(key)}"
    return (
        f"{_full_key(key)} = {displayed_value} is invalid ({reason}): it must be {allowed}. "
        f"Fix: {_fix_command(key)}"
    )


def _parse_raw(key: str, raw: str, problems: list[str]) -> Any:
    """Turn a raw config string into the JSON-typed value pydantic validates."""
    if key == "reservedConcurrency" and raw.strip().lower() == "off":
        return None
    if key == "extraTags":
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as error:
            problems.append(_describe(key, raw, f"not JSON: {error.msg}"))
            return None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            problems.append(_describe(key, raw, "not an object of string values"))
            return None
        return parsed
    return raw


def _configured_keys() -> set[str]:
    """Return every config key the running stack sets, as `namespace:key`."""
    return set(pulumi.runtime.config.CONFIG.get()) | set(pulumi.runtime.config.get_config_env())


def _unknown_key_problems(keys: Iterable[str]) -> list[str]:
    """Describe each project key that is not a setting, so a misspelling does not pass unnoticed."""
    problems = []
    for full_key in sorted(keys):
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT or key in _ALLOWED:
            continue
        close = difflib.get_close_matches(key, [known for known in _ALLOWED if ":" not in known], n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        problems.append(
            f"{full_key} is not a setting of this project, so its value would be ignored.{hint} "
            f"Fix: pulumi config rm {key}, then set the intended key; the README lists every setting"
        )
    return problems


def load_settings(
    read: ConfigReader | None = None,
    is_secret: SecretCheck | None = None,
    keys: Iterable[str] | None = None,
    clock: Clock = today_utc,
) -> StackSettings:
    """Read and validate every stack setting, raising one `ConfigurationError` that lists all problems.

    `read` maps a config key (`environmentSuffix`, `aws:region`) to its raw string or None.
    `is_secret` returns whether a key was stored encrypted, and `keys` lists every key set as
    `namespace:key`. All three default to the running stack's config. `clock` dates the check that
    AWS still accepts the chosen runtime.
    """
    project_config = pulumi.Config(PROJECT)
    aws_config = pulumi.Config("aws")
    if read is None:

        def read(key: str) -> str | None:
            if key.startswith("aws:"):
                return aws_config.get(key.removeprefix("aws:"))
            return project_config.get(key)

    if is_secret is None:

        def is_secret(key: str) -> bool:
            return pulumi.runtime.is_config_secret(_full_key(key))

    problems: list[str] = _unknown_key_problems(_configured_keys() if keys is None else keys)
    values: dict[str, Any] = {}

    for key in _ALLOWED:
        raw = read(key)
        if raw is None:
            continue
        if key in _SECRET_KEYS and not is_secret(key):
            problems.append(
                f"{_full_key(key)} is stored in plain text: a signing secret must be encrypted. "
                f"Fix: pulumi config set --secret {key} whsec_<base64>"
            )
            continue
        parsed = _parse_raw(key, raw, problems)
        if parsed is not None or key == "reservedConcurrency":
            values[key] = parsed

    raw_values = dict(values)
    for key in ("environmentSuffix", "environment", "team", "costCenter"):
        if key not in values:
            values[key] = None

    settings: StackSettings | None = None
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as error:
        for item in error.errors():
            key = str(item["loc"][0])
            raw = raw_values.get(key)
            reason = item["msg"].removeprefix("Value error, ")
            problems.append(_describe(key, raw, reason))

    # Checked on the raw value, so a blocked runtime is reported together with any other problem.
    runtime = raw_values.get("lambdaRuntime", DEFAULT_RUNTIME)
    if runtime in NODEJS_RUNTIMES:
        runtime_problem = blocked_runtime_problem(runtime, clock())
        if runtime_problem is not None:
            problems.append(runtime_problem)

    if values.get("namingStrategy") == "prefixed" and "namePrefix" not in raw_values:
        problems.append(_describe("namePrefix", None, "required by namingStrategy prefixed"))

    if problems:
        listing = "\n".join(f"  - {problem}" for problem in sorted(set(problems)))
        raise ConfigurationError(f"Invalid stack configuration ({len(set(problems))} problem(s)):\n{listing}")

    assert settings is not None
    return settings


def settings_from_mapping(config: Mapping[str, str], clock: Clock = today_utc) -> StackSettings:
    """Validate settings given as a plain mapping of config keys to raw strings (tests, tools)."""
    return load_settings(
        read=config.get,
        is_secret=lambda key: True,
        keys=[key if ":" in key else f"{PROJECT}:{key}" for key in config],
        clock=clock,
    )
