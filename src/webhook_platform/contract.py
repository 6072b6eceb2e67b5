"""The webhook contract shared by the API model, the table, the function and the local runner."""

from typing import Any, Final

TABLE_PARTITION_KEY: Final = "transactionId"
TABLE_SORT_KEY: Final = "timestamp"

# Attribute types of the table's keys: the transaction id is a string, the event time a number of
# epoch milliseconds.
TABLE_KEY_ATTRIBUTES: Final = (
    {"name": TABLE_PARTITION_KEY, "type": "S"},
    {"name": TABLE_SORT_KEY, "type": "N"},
)

TRANSACTION_STATUSES: Final = (
    "pending",
    "authorized",
    "captured",
    "settled",
    "declined",
    "failed",
    "refunded",
    "reversed",
    "chargeback",
)

# Largest body the API and the function accept: 256 KiB.
MAX_BODY_BYTES: Final = 262_144

# Names of the function's environment variables; the handler reads the same names.
ENV_TABLE_NAME: Final = "TABLE_NAME"
ENV_SIGNING_SECRETS: Final = "WEBHOOK_SIGNING_SECRETS"
ENV_SIGNATURE_SCHEME: Final = "SIGNATURE_SCHEME"
ENV_SIGNATURE_TOLERANCE_SECONDS: Final = "SIGNATURE_TOLERANCE_SECONDS"
ENV_MAX_BODY_BYTES: Final = "MAX_BODY_BYTES"
ENV_LOG_LEVEL: Final = "LOG_LEVEL"

SIGNATURE_SCHEMES: Final = ("standard-webhooks", "stripe")

LOG_LEVEL: Final = "INFO"


def function_variables(
    *, table_name: Any, signing_secrets: Any, signature_scheme: str, signature_tolerance_seconds: int
) -> dict[str, Any]:
    """Build the function's environment variables, for the deployed function and the local runner alike.

    `table_name` and `signing_secrets` may be Pulumi Outputs, since the stack passes them unresolved.
    """
    return {
        ENV_TABLE_NAME: table_name,
        ENV_SIGNING_SECRETS: signing_secrets,
        ENV_SIGNATURE_SCHEME: signature_scheme,
        ENV_SIGNATURE_TOLERANCE_SECONDS: str(signature_tolerance_seconds),
        ENV_MAX_BODY_BYTES: str(MAX_BODY_BYTES),
        ENV_LOG_LEVEL: LOG_LEVEL,
    }


REQUIRED_FIELDS: Final = ("transactionId", "timestamp", "amount", "currency", "status")


def transaction_json_schema() -> dict[str, Any]:
    """Build the JSON Schema (draft 4, the dialect API Gateway models use) of a webhook body's shape.

    API Gateway rejects a body that is not an object, lacks a field or has a field of the wrong
    JSON type with 400, before the function runs. The value rules (patterns, lengths, the status
    list, the 24-hour future limit) are checked only in the function. API Gateway's validation
    messages for those rules quote the rejected value, which may be a card number, while the
    function names the failing field without repeating its value.
    """
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "TransactionWebhook",
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "properties": {
            "transactionId": {"type": "string"},
            "timestamp": {"type": "integer"},
            # A string, never a JSON number, so that no amount is rounded through a float.
            "amount": {"type": "string"},
            "currency": {"type": "string"},
            "status": {"type": "string"},
        },
        "additionalProperties": True,
    }
