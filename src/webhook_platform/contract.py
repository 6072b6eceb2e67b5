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


def transaction_json_schema() -> dict[str, Any]:
    """Build the JSON Schema (draft 4, the dialect API Gateway models use) of a webhook body.

    API Gateway rejects a body that fails it with 400 before the function runs. The function checks
    the same rules again, plus the ones draft 4 cannot express (the 24-hour future limit).
    """
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "TransactionWebhook",
        "type": "object",
        "required": ["transactionId", "timestamp", "amount", "currency", "status"],
        "properties": {
            "transactionId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "pattern": "^[A-Za-z0-9._:-]+$",
            },
            "timestamp": {"type": "integer", "minimum": 0},
            # A string, never a JSON number, so that no amount is rounded through a float.
            "amount": {"type": "string", "pattern": "^-?[0-9]{1,18}(\\.[0-9]{1,6})?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "status": {"type": "string", "enum": list(TRANSACTION_STATUSES)},
        },
        "additionalProperties": True,
    }
