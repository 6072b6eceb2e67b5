"""The bundled webhook handler on real Node.js 18 and 24 against moto's DynamoDB server.

Each test loads functions/webhook/dist/index.js from a folder that holds only that file, under
both Node.js binaries, with its own table on a moto server bound to 127.0.0.1. API Gateway,
not the function, returns 429 over the rate limit, so that status is not covered here.
"""

import base64
import hashlib
import json
import secrets
import time
import uuid

import pytest

from webhook_platform.local.dynamodb import create_table, dynamodb_client, start_dynamodb

from .handler_support.harness import (
    REGION,
    HandlerProcess,
    SilentServer,
    closed_port_url,
    handler_environment,
    load_failure,
    proxy_event,
    require_build,
    sign_stripe,
    standard_event,
    transaction_body,
)

CURRENT_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
PREVIOUS_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
STRIPE_SECRET = "whsec_" + secrets.token_hex(16)
VISA = "4111111111111111"
# The handler's worst case must leave API Gateway's roughly 10 s wait with room to spare.
TIME_BUDGET_SECONDS = 10


@pytest.fixture(scope="module")
def moto_endpoint():
    server, endpoint_url = start_dynamodb(0)
    yield endpoint_url
    server.stop()


@pytest.fixture(scope="module")
def dynamodb(moto_endpoint):
    return dynamodb_client(moto_endpoint, REGION)


@pytest.fixture
def table_name(dynamodb):
    name = f"transactions-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb, name)
    return name


@pytest.fixture(params=["node18", "node24"])
def node_name(request):
    return request.param


@pytest.fixture
def start_handler(node_name, tmp_path):
    """Return a function that starts the bundle with an environment; stops every process after the test."""
    bundle_path, node_path = require_build(node_name)
    started = []

    def start(environment):
        work_dir = tmp_path / f"bundle-{len(started)}"
        work_dir.mkdir()
        handler = HandlerProcess(node_path, bundle_path, work_dir, environment)
        started.append(handler)
        assert handler.startup["type"] == "ready", f"bundle failed to load: {handler.startup}"
        return handler

    yield start
    for handler in started:
        handler.close()


@pytest.fixture
def handler(start_handler, table_name, moto_endpoint):
    return start_handler(handler_environment(table_name, moto_endpoint, [CURRENT_SECRET, PREVIOUS_SECRET]))


def key_of(body: bytes) -> dict:
    parsed = json.loads(body)
    return {"transactionId": {"S": parsed["transactionId"]}, "timestamp": {"N": str(parsed["timestamp"])}}


def read_item(dynamodb, table_name: str, body: bytes) -> dict:
    return dynamodb.get_item(TableName=table_name, Key=key_of(body), ConsistentRead=True).get("Item")


def item_count(dynamodb, table_name: str) -> int:
    return dynamodb.scan(TableName=table_name, Select="COUNT")["Count"]


def parse_result(result: dict) -> tuple[int, dict]:
    assert result["type"] == "result", f"handler threw instead of returning a response: {result}"
    response = result["response"]
    assert response["headers"]["Content-Type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_bundle_runs_expected_node(handler, node_name):
    expected_major = {"node18": "v18.", "node24": "v24."}[node_name]

    assert handler.startup["nodeVersion"].startswith(expected_major)


def test_valid_event_read_back_exactly(handler, dynamodb, table_name):
    body = transaction_body(merchant={"name": "Corner Shop"})
    event = standard_event(CURRENT_SECRET, body, message_id="msg_read_back")

    status, payload = parse_result(handler.invoke(event))

    parsed = json.loads(body)
    assert status == 200
    assert payload == {
        "status": "stored",
        "transactionId": parsed["transactionId"],
        "timestamp": parsed["timestamp"],
    }
    item = read_item(dynamodb, table_name, body)
    assert item["transactionId"] == {"S": parsed["transactionId"]}
    assert item["timestamp"] == {"N": str(parsed["timestamp"])}
    assert item["amount"] == {"N": "19.99"}
    assert item["currency"] == {"S": "USD"}
    assert item["status"] == {"S": "captured"}
    assert item["deliveryId"] == {"S": "msg_read_back"}
    assert item["apiRequestId"] == {"S": event["requestContext"]["requestId"]}
    assert item["bodySha256"] == {"S": hashlib.sha256(body).hexdigest()}
    assert item["payload"] == {"S": body.decode()}
    assert item["receivedAt"]["S"].endswith("Z")


def test_eighteen_digit_amount_exact(handler, dynamodb, table_name):
    body = transaction_body(amount="123456789012345678.123456")

    status, _ = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))

    assert status == 200
    assert read_item(dynamodb, table_name, body)["amount"] == {"N": "123456789012345678.123456"}


def test_redelivery_returns_duplicate(handler, dynamodb, table_name):
    body = transaction_body()
    first_event = standard_event(CURRENT_SECRET, body, message_id="msg_first")
    first_status, _ = parse_result(handler.invoke(first_event))
    original = read_item(dynamodb, table_name, body)

    status, payload = parse_result(
        handler.invoke(standard_event(CURRENT_SECRET, body, message_id="msg_retry"))
    )

    assert first_status == 200
    assert status == 200
    assert payload["status"] == "duplicate"
    assert item_count(dynamodb, table_name) == 1
    assert read_item(dynamodb, table_name, body) == original


def test_conflicting_body_returns_409(handler, dynamodb, table_name):
    body = transaction_body()
    parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))
    original = read_item(dynamodb, table_name, body)
    changed = json.dumps({**json.loads(body), "amount": "20.00"}).encode()

    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, changed)))

    assert status == 409
    assert payload["status"] == "conflict"
    assert read_item(dynamodb, table_name, body) == original
    assert item_count(dynamodb, table_name) == 1
    assert handler.request_log_entries(2)[-1]["level"] == "WARN"


def test_concurrent_deliveries_store_once(handler, dynamodb, table_name):
    body = transaction_body()
    events = [standard_event(CURRENT_SECRET, body, message_id=f"msg_{n}") for n in range(5)]

    results = handler.invoke_many(events)

    responses = [parse_result(result) for result in results]
    assert [status for status, _ in responses] == [200] * 5
    assert sorted(payload["status"] for _, payload in responses) == ["duplicate"] * 4 + ["stored"]
    assert item_count(dynamodb, table_name) == 1


def test_invalid_fields_return_400(handler, dynamodb, table_name):
    body = json.dumps(
        {
            "transactionId": "has space",
            "timestamp": "yesterday",
            "amount": 19.99,
            "currency": "usd",
            "status": "ok",
        }
    ).encode()

    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))

    assert status == 400
    assert payload["status"] == "invalid"
    assert [error["field"] for error in payload["errors"]] == [
        "transactionId",
        "timestamp",
        "amount",
        "currency",
        "status",
    ]
    assert item_count(dynamodb, table_name) == 0


def test_non_json_body_returns_400(handler):
    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, b"{not json")))

    assert status == 400
    assert payload["errors"][0]["field"] == "body"
    assert "not json" not in json.dumps(payload)


@pytest.mark.parametrize(
    "case",
    ["unknown secret", "changed body", "stale timestamp", "future timestamp", "missing signature"],
)
def test_bad_signature_returns_401(handler, dynamodb, table_name, case):
    body = transaction_body()
    now = int(time.time())
    if case == "unknown secret":
        event = standard_event("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(), body)
    elif case == "changed body":
        event = standard_event(CURRENT_SECRET, body)
        event["body"] = event["body"].replace("19.99", "91.99")
    elif case == "stale timestamp":
        event = standard_event(CURRENT_SECRET, body, timestamp=now - 400)
    elif case == "future timestamp":
        event = standard_event(CURRENT_SECRET, body, timestamp=now + 400)
    else:
        event = standard_event(CURRENT_SECRET, body)
        del event["headers"]["webhook-signature"]
        del event["multiValueHeaders"]["webhook-signature"]

    status, payload = parse_result(handler.invoke(event))

    assert status == 401
    assert payload["status"] == "unauthorized"
    assert item_count(dynamodb, table_name) == 0


def test_previous_secret_accepted(handler):
    status, payload = parse_result(handler.invoke(standard_event(PREVIOUS_SECRET, transaction_body())))

    assert status == 200
    assert payload["status"] == "stored"


def test_wrong_content_type_returns_415(handler):
    event = standard_event(CURRENT_SECRET, transaction_body(), headers={"Content-Type": "text/plain"})
    event["multiValueHeaders"]["Content-Type"] = ["text/plain"]

    status, payload = parse_result(handler.invoke(event))

    assert status == 415
    assert payload["status"] == "unsupported_media_type"


def test_oversized_body_returns_413(handler):
    body = transaction_body(padding="x" * 262144)

    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))

    assert status == 413
    assert payload["status"] == "payload_too_large"


def test_base64_body_hashed_as_bytes(handler, dynamodb, table_name):
    body = transaction_body(note="caf\u00e9")

    status, _ = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body, base64_encoded=True)))

    assert status == 200
    assert read_item(dynamodb, table_name, body)["bodySha256"] == {"S": hashlib.sha256(body).hexdigest()}


def test_card_number_masked(handler, dynamodb, table_name):
    body = transaction_body(card={"number": VISA}, transactionId=f"txn{VISA}")

    status, _ = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))

    stored_payload = read_item(dynamodb, table_name, body)["payload"]["S"]
    assert status == 200
    assert '"number": "411111******1111"' in stored_payload
    assert f'"transactionId": "txn{VISA}"' in stored_payload
    assert json.loads(stored_payload)["card"]["number"] == "411111******1111"
    entries = handler.request_log_entries(1)
    assert len(entries) == 1
    assert "card" not in entries[0]
    assert json.dumps(entries[0]).count(VISA) == 1, "only the exempt transactionId may contain the digits"


def test_spaced_card_number_masked(handler, dynamodb, table_name):
    body = transaction_body(card={"number": "4111 1111 1111 1111"}, note="paid by 5555-5555-5555-4444")

    status, _ = parse_result(handler.invoke(standard_event(CURRENT_SECRET, body)))

    stored_payload = read_item(dynamodb, table_name, body)["payload"]["S"]
    stored = json.loads(stored_payload)
    assert status == 200
    assert stored["card"]["number"] == "4111 11** **** 1111"
    assert stored["note"] == "paid by 5555-55**-****-4444"
    assert stored["amount"] == "19.99"
    assert read_item(dynamodb, table_name, body)["bodySha256"] == {"S": hashlib.sha256(body).hexdigest()}
    entries = handler.request_log_entries(1)
    digits_in_log = "\n".join(handler.log_lines).replace(" ", "").replace("-", "")
    assert len(entries) == 1
    assert VISA not in digits_in_log
    assert "5555555555554444" not in digits_in_log


def test_request_log_line_fields(handler):
    body = transaction_body()
    event = standard_event(CURRENT_SECRET, body)

    parse_result(handler.invoke(event))

    entries = handler.request_log_entries(1)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["level"] == "INFO"
    assert entry["message"] == "webhook request handled"
    assert entry["service"] == "webhook-processor"
    assert entry["requestId"] == event["requestContext"]["requestId"]
    assert entry["transactionId"] == json.loads(body)["transactionId"]
    assert entry["outcome"] == "stored"
    assert entry["statusCode"] == 200
    assert isinstance(entry["durationMs"], (int, float))
    assert CURRENT_SECRET.removeprefix("whsec_") not in "\n".join(handler.log_lines)


def test_stripe_scheme_stores_event(start_handler, table_name, moto_endpoint, dynamodb):
    handler = start_handler(
        handler_environment(table_name, moto_endpoint, [STRIPE_SECRET], SIGNATURE_SCHEME="stripe")
    )
    body = transaction_body(id="evt_1NG8Du2eZvKYlo2CUI79vXWy")
    headers = {
        "Content-Type": "application/json",
        "Stripe-Signature": sign_stripe(STRIPE_SECRET, int(time.time()), body),
    }

    status, payload = parse_result(handler.invoke(proxy_event(body, headers)))

    assert status == 200
    assert payload["status"] == "stored"
    assert read_item(dynamodb, table_name, body)["deliveryId"] == {"S": "evt_1NG8Du2eZvKYlo2CUI79vXWy"}


def test_missing_table_returns_500(start_handler, moto_endpoint):
    handler = start_handler(handler_environment("transactions-absent", moto_endpoint, [CURRENT_SECRET]))

    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, transaction_body())))

    assert status == 500
    assert payload["retryable"] is True
    assert "transactions-absent" not in json.dumps(payload)


def test_endpoint_down_returns_503_in_time(start_handler, table_name):
    handler = start_handler(handler_environment(table_name, closed_port_url(), [CURRENT_SECRET]))
    started_at = time.monotonic()

    status, payload = parse_result(handler.invoke(standard_event(CURRENT_SECRET, transaction_body())))

    elapsed = time.monotonic() - started_at
    assert status == 503
    assert payload["retryable"] is True
    assert elapsed < TIME_BUDGET_SECONDS


def test_hung_endpoint_returns_503_in_time(start_handler, table_name):
    silent = SilentServer()
    try:
        handler = start_handler(handler_environment(table_name, silent.url, [CURRENT_SECRET]))
        started_at = time.monotonic()

        status, _ = parse_result(
            handler.invoke(standard_event(CURRENT_SECRET, transaction_body()), remaining_ms=10000)
        )

        elapsed = time.monotonic() - started_at
    finally:
        silent.close()
    assert status == 503
    assert elapsed < TIME_BUDGET_SECONDS - 1


def test_hung_endpoint_respects_remaining_time(start_handler, table_name):
    silent = SilentServer()
    try:
        handler = start_handler(handler_environment(table_name, silent.url, [CURRENT_SECRET]))
        started_at = time.monotonic()

        status, _ = parse_result(
            handler.invoke(standard_event(CURRENT_SECRET, transaction_body()), remaining_ms=2000)
        )

        elapsed = time.monotonic() - started_at
    finally:
        silent.close()
    assert status == 503
    assert elapsed < 2.0


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TABLE_NAME", "", "TABLE_NAME is missing"),
        ("WEBHOOK_SIGNING_SECRETS", "not-a-secret", "must start with 'whsec_'"),
        ("SIGNATURE_SCHEME", "github", 'SIGNATURE_SCHEME is invalid: "github"'),
        ("MAX_BODY_BYTES", "-1", 'MAX_BODY_BYTES is invalid: "-1"'),
    ],
)
def test_invalid_setting_fails_load(node_name, tmp_path, moto_endpoint, variable, value, expected):
    bundle_path, node_path = require_build(node_name)
    environment = handler_environment("transactions-x", moto_endpoint, [CURRENT_SECRET])
    environment[variable] = value

    startup = load_failure(node_path, bundle_path, tmp_path, environment)

    assert startup["type"] == "load_error"
    assert startup["name"] == "ConfigurationError"
    assert expected in startup["message"]
