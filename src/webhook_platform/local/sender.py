"""The sender command: signs and posts a valid webhook and each kind of invalid one, then lists the table."""

import base64
import binascii
import hashlib
import hmac
import http.client
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import EndpointConnectionError

from webhook_platform import contract
from webhook_platform.api import JSON_CONTENT_TYPE
from webhook_platform.errors import ConfigurationError
from webhook_platform.local.dynamodb import dynamodb_client
from webhook_platform.settings import StackSettings

# Maximum wait for one response: above API Gateway's 11 s integration timeout.
REQUEST_TIMEOUT_SECONDS: Final = 15
# Maximum length of a stored attribute printed in full, so the raw payload is cut after this.
MAX_SHOWN_CHARS: Final = 160
# Prefix of every signing secret, in both schemes.
WHSEC_PREFIX: Final = "whsec_"
# Decoded key sizes the function accepts for Standard Webhooks secrets (functions/webhook/src/config.mjs).
MIN_SECRET_BYTES: Final = 24
MAX_SECRET_BYTES: Final = 64


class RunnerUnreachableError(Exception):
    """Nothing accepts connections at the runner's webhook URL or DynamoDB endpoint."""


@dataclass(frozen=True)
class Delivery:
    """One request to send: a name for the printout, the status the contract expects, and its parts."""

    name: str
    expected_status: int
    body: bytes
    headers: dict[str, str]


class Signer:
    """Signs bodies under the stack's signature scheme, as the payment gateway would."""

    def __init__(self, scheme: str, secret: str) -> None:
        check_signing_secret(secret, scheme)
        self.scheme = scheme
        self.secret = secret

    def headers(
        self, body: bytes, message_id: str, timestamp: int, secret: str | None = None
    ) -> dict[str, str]:
        """Return the signature headers for `body`; `secret` replaces the configured one when given."""
        secret = secret or self.secret
        if self.scheme == "stripe":
            # Stripe's scheme: HMAC-SHA256 in hex over `timestamp.body`, the whole secret as key.
            digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
            return {"Stripe-Signature": f"t={timestamp},v1={digest}"}

        # Standard Webhooks: HMAC-SHA256 in base64 over `id.timestamp.body`, keyed by the
        # base64-decoded part of the secret after `whsec_`.
        key = base64.b64decode(secret.removeprefix(WHSEC_PREFIX))
        digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
        return {
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        }


def check_signing_secret(secret: str, scheme: str) -> None:
    """Check `secret` as the function checks its signing secrets, so a bad one fails before any request.

    Raises `ConfigurationError` naming LOCAL_SIGNING_SECRET, the rule it breaks and the fix. The
    message never quotes the secret.
    """
    fix = (
        "Fix: set it to the signing secret that `make local` printed at start, or unset it before "
        "`make local` to have one generated."
    )
    if "," in secret or not secret.startswith(WHSEC_PREFIX) or secret == WHSEC_PREFIX:
        raise ConfigurationError(
            f"LOCAL_SIGNING_SECRET is invalid: it must be one secret, '{WHSEC_PREFIX}' followed by the "
            f"secret, with no commas. {fix}"
        )
    if scheme == "stripe":
        # Stripe keys the HMAC with the whole secret as text, so any text after the prefix works.
        return

    encoded = secret.removeprefix(WHSEC_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ConfigurationError(
            f"LOCAL_SIGNING_SECRET is invalid: the part after '{WHSEC_PREFIX}' is not standard base64 "
            f"({error}). Standard Webhooks secrets are '{WHSEC_PREFIX}' followed by the base64 of "
            f"{MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes. {fix}"
        ) from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ConfigurationError(
            f"LOCAL_SIGNING_SECRET is invalid: it decodes to {len(key)} bytes, and Standard Webhooks "
            f"secrets need {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes. {fix}"
        )


def sample_transaction(**overrides: Any) -> dict[str, Any]:
    """Return a valid transaction with a fresh id, dated a few seconds ago."""
    transaction = {
        "id": f"evt_{uuid.uuid4().hex}",
        "transactionId": f"txn_{uuid.uuid4().hex[:20]}",
        "timestamp": int(time.time() * 1000) - 5_000,
        "amount": "125.50",
        "currency": "EUR",
        "status": "captured",
        "merchantReference": "local-sample",
    }
    transaction.update(overrides)
    return transaction


def build_deliveries(settings: StackSettings, signer: Signer) -> list[Delivery]:
    """Return the valid sample followed by one delivery per kind of rejection, in sending order."""
    now = int(time.time())
    sample = sample_transaction()
    sample_body = _encode(sample)
    sample_id = f"msg_{uuid.uuid4().hex}"

    def signed(body: bytes, **options: Any) -> dict[str, str]:
        headers = {"Content-Type": JSON_CONTENT_TYPE}
        message_id = options.get("message_id") or f"msg_{uuid.uuid4().hex}"
        headers.update(signer.headers(body, message_id, options.get("at", now), options.get("secret")))
        return headers

    conflicting_body = _encode({**sample, "amount": "999.99"})
    not_json = b'{"transactionId": "txn_broken", "amount": '
    # The model checks JSON types only, so a number amount stops there and the value rules reach the function.
    wrong_type = _encode(sample_transaction(amount=125.5))
    failing_fields = _encode(sample_transaction(currency="euro", status="unknown"))
    future = _encode(sample_transaction(timestamp=int(time.time() * 1000) + 2 * 86_400_000))
    too_large = _encode(sample_transaction(padding="x" * contract.MAX_BODY_BYTES))
    stale_at = now - settings.signature_tolerance_seconds - 60
    other_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    plain_text = _encode(sample_transaction())

    return [
        Delivery("valid sample", 200, sample_body, signed(sample_body, message_id=sample_id)),
        Delivery("redelivery (duplicate)", 200, sample_body, signed(sample_body, message_id=sample_id)),
        Delivery("same key, other body (conflict)", 409, conflicting_body, signed(conflicting_body)),
        Delivery("bad signature", 401, sample_body, signed(sample_body, secret=other_secret)),
        Delivery("stale timestamp", 401, sample_body, signed(sample_body, at=stale_at)),
        Delivery("body not JSON", 400, not_json, signed(not_json)),
        Delivery("amount as a number (API model)", 400, wrong_type, signed(wrong_type)),
        Delivery("failing fields (function rule)", 400, failing_fields, signed(failing_fields)),
        Delivery("timestamp 2 days ahead (function rule)", 400, future, signed(future)),
        Delivery(
            "wrong content type",
            415,
            plain_text,
            {**signed(plain_text), "Content-Type": "text/plain"},
        ),
        Delivery("too large", 413, too_large, signed(too_large)),
    ]


def post(url: str, delivery: Delivery) -> tuple[int, bytes]:
    """POST one delivery and return the status and body of the response, whatever the status.

    Raises `RunnerUnreachableError` when the connection is refused.
    """
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path or "/", body=delivery.body, headers=delivery.headers)
        response = connection.getresponse()
        return response.status, response.read()
    except ConnectionRefusedError as error:
        raise RunnerUnreachableError(
            f"No local runner is listening at {url} ({error.strerror}). Fix: start it with `make local` "
            f"in another terminal, with the same PORT ({target.port}), then send again."
        ) from None
    finally:
        connection.close()


def stored_items(endpoint_url: str, region: str, table_name: str) -> list[dict[str, Any]]:
    """Scan the whole table and return its items as plain Python values, oldest event first.

    Raises `RunnerUnreachableError` when nothing listens at `endpoint_url`.
    """
    client = dynamodb_client(endpoint_url, region)
    deserializer = TypeDeserializer()
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table_name, "ConsistentRead": True}
    while True:
        try:
            page = client.scan(**request)
        except EndpointConnectionError:
            raise RunnerUnreachableError(
                f"No DynamoDB endpoint is listening at {endpoint_url}, so the stored items cannot be "
                "listed. Fix: set DYNAMODB_PORT to the port of the DynamoDB endpoint that `make local` "
                "printed."
            ) from None
        for item in page["Items"]:
            items.append({name: deserializer.deserialize(value) for name, value in item.items()})
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(
        items, key=lambda item: (item.get(contract.TABLE_SORT_KEY, 0), item[contract.TABLE_PARTITION_KEY])
    )


def send_all(
    url: str,
    deliveries: list[Delivery],
    write: Callable[[str], None] = print,
) -> int:
    """Send each delivery in order, print each response, and return how many got an unexpected status."""
    unexpected = 0
    for delivery in deliveries:
        status, body = post(url, delivery)
        verdict = "ok" if status == delivery.expected_status else "UNEXPECTED"
        if status != delivery.expected_status:
            unexpected += 1
        shown = body.decode("utf-8", errors="replace")
        expected = delivery.expected_status
        write(f"{delivery.name:<40} expected {expected}, got {status} {verdict:<10} {_shorten(shown)}")
    return unexpected


def print_items(items: list[dict[str, Any]], write: Callable[[str], None] = print) -> None:
    """Print each stored item as one JSON line, long values cut to keep lines readable."""
    write(f"{len(items)} item(s) stored:")
    for item in items:
        shown = {}
        for name, value in item.items():
            plain = _plain(value)
            shown[name] = _shorten(plain) if isinstance(plain, str) else plain
        write(json.dumps(shown, sort_keys=True))


def _plain(value: Any) -> Any:
    # DynamoDB numbers come back as Decimal, which json cannot encode, and a string keeps every digit.
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shorten(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return f"{text[:MAX_SHOWN_CHARS]}... ({len(text)} characters)"


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()
