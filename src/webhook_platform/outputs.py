"""Export keys of the stack; tests and scripts import them instead of repeating strings."""

from typing import Final

WEBHOOK_URL: Final = "webhook-url"
TABLE_NAME: Final = "table-name"
FUNCTION_NAME: Final = "function-name"
KMS_KEY_ARN: Final = "kms-key-arn"
USAGE_PLAN_ID: Final = "usage-plan-id"
SIGNING_SECRET: Final = "webhook-signing-secret"  # noqa: S105 (an export key, not a secret)
