"""The local runner through HTTP: every response of the webhook contract, the throttle, the sender.

The runner is started as a user starts it, `python -m webhook_platform.local serve`, with a test
stack file and free ports on 127.0.0.1, and it runs the built bundle on Node.js. The storage
failure row needs a DynamoDB endpoint that is down, so that test builds the server in-process.
"""

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import yaml

from webhook_platform.api import BAD_REQUEST_BODY_TEMPLATE
from webhook_platform.local.__main__ import main
from webhook_platform.local.dynamodb import create_table, dynamodb_client, start_dynamodb
from webhook_platform.local.gateway import ModelCheck
from webhook_platform.local.runner import BUNDLE_PATH, function_environment
from webhook_platform.local.sender import Signer, build_deliveries, send_all, stored_items
from webhook_platform.local.server import LocalApiServer, WebhookGateway
from webhook_platform.local.stack_file import load_stack_settings
from webhook_platform.local.throttle import TokenBucket
from webhook_platform.local.worker import NodeWorker

from .handler_support.harness import REGION, closed_port_url, require_build, standard_event
from .handler_support.harness import transaction_body as harness_transaction_body

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_STACK_FILE = REPO_ROOT / "Pulumi.dev.yaml"
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
# Maximum wait for the runner to print its banner or to exit after a signal.
RUNNER_TIMEOUT_SECONDS = 30
# The throttle runner's limits: small, so the test offers three times the burst in about a second.
THROTTLE_RATE_PER_MINUTE = 60
THROTTLE_BURST = 5
THROTTLE_OFFERED = 3 * THROTTLE_BURST + 5
# API Gateway's 400 for a body that fails the model, built here from the deployed template so
# that the test does not reuse the local gateway's rendering.
MODEL_REJECTION = json.loads(
    BAD_REQUEST_BODY_TEMPLATE.replace("$context.error.message", "Invalid request body")
)
# A test card number (Visa) that must never come back in a response or a runner log line.
CARD_NUMBER = "4111111111111111"


class LocalRunner:
    """`python -m webhook_platform.local serve` in a subprocess, with the values its banner prints."""

    def __init__(self, stack_file: Path) -> None:
        environment = {
            **os.environ,
            "PORT": "0",
            "DYNAMODB_PORT": "0",
            "LOCAL_SIGNING_SECRET": SECRET,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        }
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "webhook_platform.local", "--stack-file", str(stack_file), "serve"],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner: list[str] = []
        self.log_lines: list[str] = []
        banner_done = threading.Event()
        self._threads = [
            threading.Thread(target=self._read_banner, args=(banner_done,), daemon=True),
            threading.Thread(target=self._read_logs, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

        if not banner_done.wait(RUNNER_TIMEOUT_SECONDS) or self.process.poll() is not None:
            self.stop()
            raise AssertionError(f"the runner did not start; banner {self.banner}, log {self.log_lines}")

        text = "\n".join(self.banner)
        self.url = re.search(r"Webhook URL:\s+(\S+)", text).group(1)
        endpoint = re.search(r"DynamoDB \(moto\):\s+(\S+), table (\S+)", text)
        self.dynamodb_endpoint, self.table_name = endpoint.group(1), endpoint.group(2)

    def _read_banner(self, done: threading.Event) -> None:
        for line in self.process.stdout:
            self.banner.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                done.set()
        done.set()

    def _read_logs(self) -> None:
        for line in self.process.stderr:
            self.log_lines.append(line.rstrip("\n"))

    def worker_pid(self) -> int:
        """Return the process id of the most recently started function worker."""
        started = [re.search(r"Function worker started: pid (\d+)", line) for line in self.log_lines]
        pids = [int(found.group(1)) for found in started if found]
        assert pids, f"no worker start line in {self.log_lines}"
        return pids[-1]

    def stop(self, signal_number: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
            try:
                self.process.wait(timeout=RUNNER_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        return self.process.returncode


def write_stack_file(path: Path, **overrides: str) -> Path:
    """Write a copy of the sample stack file with some `webhook-platform:` keys replaced."""
    document = yaml.safe_load(SAMPLE_STACK_FILE.read_text())
    for key, value in overrides.items():
        document["config"][f"webhook-platform:{key}"] = value
    path.write_text(yaml.safe_dump(document))
    return path


def post(url: str, body: bytes, headers: dict[str, str], method: str = "POST") -> tuple[int, dict, dict]:
    """Send one request and return the status, the headers (lower-case names) and the JSON body."""
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=20)
    try:
        connection.request(method, target.path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, answer_headers, json.loads(payload)
    finally:
        connection.close()


def transaction_body(**overrides) -> bytes:
    return harness_transaction_body(**{"amount": "125.50", "currency": "EUR", **overrides})


def signed_headers(body: bytes, secret: str = SECRET, **options) -> dict[str, str]:
    """Standard Webhooks headers from the handler tests' signer, independent of the runner's sender."""
    return standard_event(secret, body, **options)["headers"]


def items_by_transaction(runner: LocalRunner) -> dict[str, list[dict]]:
    client = boto3.client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=runner.dynamodb_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    items: dict[str, list[dict]] = {}
    for page in client.get_paginator("scan").paginate(TableName=runner.table_name, ConsistentRead=True):
        for item in page["Items"]:
            items.setdefault(item["transactionId"]["S"], []).append(item)
    return items


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    require_build("node24")
    stack_file = write_stack_file(
        tmp_path_factory.mktemp("stack") / "Pulumi.local.yaml", rateLimitPerMinute="600000", burstLimit="5000"
    )
    started = LocalRunner(stack_file)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def throttled_runner(tmp_path_factory):
    require_build("node24")
    stack_file = write_stack_file(
        tmp_path_factory.mktemp("throttled") / "Pulumi.throttled.yaml",
        rateLimitPerMinute=str(THROTTLE_RATE_PER_MINUTE),
        burstLimit=str(THROTTLE_BURST),
    )
    started = LocalRunner(stack_file)
    yield started
    started.stop()


def test_banner_shows_url_secret_and_limits(runner):
    text = "\n".join(runner.banner)

    assert runner.url.startswith("http://127.0.0.1:")
    assert runner.url.endswith("/webhook")
    assert runner.dynamodb_endpoint.startswith("http://127.0.0.1:")
    assert runner.table_name == "transactions-dev"
    assert SECRET in text
    assert "600000 requests per minute" in text
    assert "burst 5000" in text


def test_valid_webhook_stored(runner):
    body = transaction_body()

    status, headers, answer = post(runner.url, body, signed_headers(body))

    assert status == 200
    assert answer["status"] == "stored"
    stored = items_by_transaction(runner)[answer["transactionId"]]
    assert len(stored) == 1
    assert Decimal(stored[0]["amount"]["N"]) == Decimal("125.50")
    assert stored[0]["apiRequestId"] == {"S": headers["x-amzn-requestid"]}


def test_each_request_logs_one_line(runner):
    body = transaction_body()

    _, headers, _ = post(runner.url, body, signed_headers(body))

    request_id = headers["x-amzn-requestid"]
    deadline = time.monotonic() + 5
    matching: list[str] = []
    while time.monotonic() < deadline and not matching:
        matching = [line for line in runner.log_lines if f"request_id={request_id}" in line]
        time.sleep(0.05)
    assert len(matching) == 1, runner.log_lines
    assert " 200 " in matching[0]
    assert "outcome=stored" in matching[0]
    assert body.decode() not in "\n".join(runner.log_lines)


def test_redelivery_answers_duplicate(runner):
    body = transaction_body()
    message_id = f"msg_{uuid.uuid4().hex}"
    post(runner.url, body, signed_headers(body, message_id=message_id))
    first = items_by_transaction(runner)[json.loads(body)["transactionId"]][0]

    status, _, answer = post(runner.url, body, signed_headers(body, message_id=message_id))

    assert status == 200
    assert answer["status"] == "duplicate"
    stored = items_by_transaction(runner)[answer["transactionId"]]
    assert stored == [first]


def test_same_key_other_body_conflicts(runner):
    body = transaction_body()
    post(runner.url, body, signed_headers(body))
    changed = json.dumps({**json.loads(body), "amount": "999.99"}).encode()

    status, _, answer = post(runner.url, changed, signed_headers(changed))

    assert status == 409
    assert answer["status"] == "conflict"
    stored = items_by_transaction(runner)[json.loads(body)["transactionId"]]
    assert len(stored) == 1
    assert Decimal(stored[0]["amount"]["N"]) == Decimal("125.50")


def without_field(name: str) -> bytes:
    transaction = json.loads(transaction_body())
    del transaction[name]
    return json.dumps(transaction).encode()


# Bodies that fail the model: not JSON, not an object, a missing field, a field of the wrong JSON type.
MODEL_FAILURES = {
    "not JSON": b'{"transactionId": "txn_1", "amount": ',
    "NaN amount": transaction_body(amount="NaN").replace(b'"NaN"', b"NaN"),
    "array body": b"[]",
    "missing currency": without_field("currency"),
    "amount as number": transaction_body(amount=125.5),
    "timestamp as string": transaction_body(timestamp="1700000000000"),
    "status as null": transaction_body(status=None),
}


@pytest.mark.parametrize("case", list(MODEL_FAILURES))
def test_model_failure_gives_constant_400(runner, case):
    body = MODEL_FAILURES[case]

    status, headers, answer = post(runner.url, body, signed_headers(body))

    assert status == 400
    assert headers["content-type"] == "application/json"
    assert answer == MODEL_REJECTION


def test_model_failure_logs_pointer_only(runner):
    body = transaction_body(amount=int(CARD_NUMBER))

    _, headers, _ = post(runner.url, body, {"Content-Type": "application/json"})

    request_id = headers["x-amzn-requestid"]
    deadline = time.monotonic() + 5
    matching: list[str] = []
    while time.monotonic() < deadline and not matching:
        matching = [line for line in runner.log_lines if f"Request {request_id} failed the model" in line]
        time.sleep(0.05)
    assert len(matching) == 1, runner.log_lines[-5:]
    assert matching[0].endswith("failed the model at /amount")
    assert CARD_NUMBER not in "\n".join(runner.log_lines)


# Bodies that pass the model but break a value rule, with the field the function names.
VALUE_RULE_FAILURES = {
    "lower-case currency": ("currency", {"currency": "eur"}),
    "unknown status": ("status", {"status": "lost"}),
    "empty transactionId": ("transactionId", {"transactionId": ""}),
    "transactionId with spaces": ("transactionId", {"transactionId": "txn 1"}),
    "amount with letters": ("amount", {"amount": "12,50 EUR"}),
    "negative timestamp": ("timestamp", {"timestamp": -1}),
}


@pytest.mark.parametrize("case", list(VALUE_RULE_FAILURES))
def test_value_rule_reaches_function(runner, case):
    field, overrides = VALUE_RULE_FAILURES[case]
    body = transaction_body(**overrides)

    status, _, answer = post(runner.url, body, signed_headers(body))

    assert status == 400
    assert answer["status"] == "invalid"
    assert [error["field"] for error in answer["errors"]] == [field]
    assert answer != MODEL_REJECTION


@pytest.mark.parametrize("case", list(VALUE_RULE_FAILURES))
def test_value_rule_unsigned_answers_401(runner, case):
    _, overrides = VALUE_RULE_FAILURES[case]
    body = transaction_body(**overrides)

    status, _, answer = post(runner.url, body, {"Content-Type": "application/json"})

    assert status == 401
    assert answer["status"] == "unauthorized"


# A card number in each kind of failing place: value rules (function) and JSON types (model).
CARD_PLACEMENTS = {
    "currency": {"currency": CARD_NUMBER},
    "status": {"status": CARD_NUMBER},
    "transactionId": {"transactionId": f"card {CARD_NUMBER}"},
    "amount as number": {"amount": int(CARD_NUMBER)},
    "amount with text": {"amount": f"{CARD_NUMBER} EUR"},
    "currency as number": {"currency": int(CARD_NUMBER)},
    "timestamp": {"timestamp": int(CARD_NUMBER)},
}


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("placement", list(CARD_PLACEMENTS))
def test_card_number_never_echoed(runner, placement, signed):
    body = transaction_body(**CARD_PLACEMENTS[placement])
    headers = signed_headers(body) if signed else {"Content-Type": "application/json"}

    status, _, answer = post(runner.url, body, headers)

    assert status in (400, 401)
    assert CARD_NUMBER not in json.dumps(answer)


def test_card_number_in_broken_json_not_echoed(runner):
    body = f'{{"transactionId": "{CARD_NUMBER}", "amount": '.encode()

    status, _, answer = post(runner.url, body, signed_headers(body))

    assert status == 400
    assert answer == MODEL_REJECTION
    assert CARD_NUMBER not in json.dumps(answer)


def test_model_check_lists_failing_pointers():
    model_check = ModelCheck()
    transaction = json.loads(transaction_body(amount=125.5, status=None))
    del transaction["currency"]

    paths = model_check.failing_paths(json.dumps(transaction).encode())

    assert paths == ["/amount", "/currency", "/status"]
    assert model_check.failing_paths(b"[]") == ["(body)"]
    assert model_check.failing_paths(b"\xff") == ["(not JSON)"]
    assert model_check.failing_paths(transaction_body(currency="eur")) == []


def test_future_timestamp_rejected_by_function(runner):
    body = transaction_body(timestamp=int(time.time() * 1000) + 2 * 86_400_000)

    status, _, answer = post(runner.url, body, signed_headers(body))

    assert status == 400
    assert [error["field"] for error in answer["errors"]] == ["timestamp"]


@pytest.mark.parametrize("case", ["missing", "wrong secret", "stale timestamp"])
def test_bad_signature_answers_401(runner, case):
    body = transaction_body()
    other_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    headers = {
        "missing": {"Content-Type": "application/json"},
        "wrong secret": signed_headers(body, secret=other_secret),
        "stale timestamp": signed_headers(body, timestamp=int(time.time()) - 301 - 60),
    }[case]

    status, _, answer = post(runner.url, body, headers)

    assert status == 401
    assert answer["status"] == "unauthorized"
    assert json.loads(body)["transactionId"] not in items_by_transaction(runner)


def test_wrong_content_type_answers_415(runner):
    body = transaction_body()
    headers = {**signed_headers(body), "Content-Type": "text/plain"}

    status, _, answer = post(runner.url, body, headers)

    assert status == 415
    assert answer["status"] == "unsupported_media_type"


def test_too_large_body_answers_413(runner):
    body = transaction_body(padding="x" * 262_144)

    status, _, answer = post(runner.url, body, signed_headers(body))

    assert status == 413
    assert answer["status"] == "payload_too_large"


def test_undefined_route_answers_403(runner):
    status, _, answer = post(runner.url, b"", {}, method="GET")

    assert status == 403
    assert answer == {"message": "Missing Authentication Token"}


def test_one_worker_serves_every_request(runner):
    for _ in range(3):
        body = transaction_body()
        post(runner.url, body, signed_headers(body))

    children = set()
    for task in Path(f"/proc/{runner.process.pid}/task").iterdir():
        # The server starts a thread per request, so a task listed here may be gone when read.
        try:
            children.update((task / "children").read_text().split())
        except FileNotFoundError:
            continue

    assert children == {str(runner.worker_pid())}


def test_crashed_worker_is_replaced(runner):
    crashed_pid = runner.worker_pid()
    os.kill(crashed_pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while not any(f"Function worker {crashed_pid} exited" in line for line in runner.log_lines):
        assert time.monotonic() < deadline, f"no exit line for worker {crashed_pid}: {runner.log_lines[-3:]}"
        time.sleep(0.05)
    body = transaction_body()

    status, _, answer = post(runner.url, body, signed_headers(body))

    assert status == 200, runner.log_lines[-5:]
    assert answer["status"] == "stored"
    assert runner.worker_pid() != crashed_pid
    assert any("starting a new one" in line for line in runner.log_lines)


def test_sender_gets_expected_answers(runner):
    port = urlsplit(runner.url).port
    dynamodb_port = urlsplit(runner.dynamodb_endpoint).port
    environment = {
        **os.environ,
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "LOCAL_SIGNING_SECRET": SECRET,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
    }

    result = subprocess.run(
        [sys.executable, "-m", "webhook_platform.local", "send"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" ok ") == 11, result.stdout
    assert "UNEXPECTED" not in result.stdout
    assert re.search(r"^\d+ item\(s\) stored:$", result.stdout, re.MULTILINE)
    assert '"status": "captured"' in result.stdout


def test_throttle_admits_rate_and_burst(throttled_runner):
    bodies = [transaction_body() for _ in range(THROTTLE_OFFERED)]
    barrier = threading.Barrier(THROTTLE_OFFERED)

    def offer(body: bytes) -> tuple[int, dict]:
        headers = signed_headers(body)
        barrier.wait(timeout=10)
        status, _, answer = post(throttled_runner.url, body, headers)
        return status, answer

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THROTTLE_OFFERED) as pool:
        outcomes = list(pool.map(offer, bodies))
    elapsed = time.monotonic() - started

    accepted = [
        json.loads(body)["transactionId"]
        for body, (status, _) in zip(bodies, outcomes, strict=True)
        if status == 200
    ]
    throttled = [answer for status, answer in outcomes if status == 429]
    allowed = THROTTLE_BURST + THROTTLE_RATE_PER_MINUTE / 60 * elapsed
    statuses = sorted(status for status, _ in outcomes)
    assert len(accepted) >= THROTTLE_BURST, f"only {len(accepted)} accepted; statuses {statuses}"
    assert len(accepted) <= allowed, f"{len(accepted)} accepted in {elapsed:.2f} s; at most {allowed:.1f} fit"
    assert len(accepted) + len(throttled) == THROTTLE_OFFERED, f"statuses {statuses}: {outcomes}"
    assert all(answer == {"message": "Too Many Requests"} for answer in throttled)

    stored = items_by_transaction(throttled_runner)
    assert sorted(stored) == sorted(accepted)
    assert all(len(items) == 1 for items in stored.values())


def test_interrupt_stops_worker_and_runner(throttled_runner):
    worker_pid = throttled_runner.worker_pid()

    returncode = throttled_runner.stop(signal.SIGINT)

    assert returncode == 0, throttled_runner.log_lines
    assert not Path(f"/proc/{worker_pid}").exists()
    assert any("Stopped the HTTP server" in line for line in throttled_runner.log_lines)
    assert any(
        "Function worker stopped" in line and "exit code 0" in line for line in throttled_runner.log_lines
    )


def test_storage_down_answers_5xx(tmp_path):
    bundle_path, node_path = require_build("node24")
    settings = load_stack_settings(SAMPLE_STACK_FILE)
    worker = NodeWorker(
        node_path=node_path,
        bundle_path=bundle_path,
        environment=function_environment(settings, "transactions-down", closed_port_url(), SECRET),
        function_name="webhook-processor-test",
        function_timeout_seconds=10,
    )
    worker.start()
    server = LocalApiServer(0, WebhookGateway(TokenBucket(100, 100), ModelCheck(), worker))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    body = transaction_body()

    try:
        started = time.monotonic()
        status, _, answer = post(server.url, body, signed_headers(body))
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
        worker.stop()

    assert status in (500, 503)
    assert "stored" not in json.dumps(answer)
    assert elapsed < 10
    assert bundle_path == BUNDLE_PATH


def test_token_bucket_refills_at_rate():
    now = [0.0]
    bucket = TokenBucket(rate_per_second=2, burst=3, clock=lambda: now[0])

    admitted_at_start = sum(bucket.try_acquire() for _ in range(5))
    now[0] = 1.0
    admitted_after_one_second = sum(bucket.try_acquire() for _ in range(5))
    now[0] = 100.0
    admitted_after_long_idle = sum(bucket.try_acquire() for _ in range(5))

    assert admitted_at_start == 3
    assert admitted_after_one_second == 2
    assert admitted_after_long_idle == 3


def test_sender_signs_stripe_scheme(tmp_path):
    bundle_path, node_path = require_build("node24")
    settings = load_stack_settings(
        write_stack_file(tmp_path / "Pulumi.stripe.yaml", signatureScheme="stripe")
    )
    moto_server, endpoint_url = start_dynamodb(0)
    create_table(dynamodb_client(endpoint_url, settings.region), "transactions-stripe")
    worker = NodeWorker(
        node_path=node_path,
        bundle_path=bundle_path,
        environment=function_environment(settings, "transactions-stripe", endpoint_url, SECRET),
        function_name="webhook-processor-test",
        function_timeout_seconds=10,
    )
    worker.start()
    server = LocalApiServer(0, WebhookGateway(TokenBucket(100, 100), ModelCheck(), worker))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    printed: list[str] = []

    try:
        deliveries = build_deliveries(settings, Signer("stripe", SECRET))
        unexpected = send_all(server.url, deliveries, write=printed.append)
        items = stored_items(endpoint_url, settings.region, "transactions-stripe")
    finally:
        server.shutdown()
        server.server_close()
        worker.stop()
        moto_server.stop()

    assert unexpected == 0, printed
    assert "Stripe-Signature" in deliveries[0].headers
    assert len(items) == 1
    assert items[0]["deliveryId"].startswith("evt_")


def test_missing_stack_file_fails_clearly(tmp_path, capsys):
    missing = tmp_path / "Pulumi.missing.yaml"

    exit_code = main(["--stack-file", str(missing), "serve"])

    assert exit_code == 2
    assert f"Stack file {missing} cannot be read" in capsys.readouterr().err


def test_yaml_syntax_error_names_file_and_line(tmp_path, capsys):
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text(
        "config:\n  webhook-platform:environmentSuffix: dev\n  webhook-platform:burstLimit: [10\n"
    )

    exit_code = main(["--stack-file", str(broken), "send"])

    error = capsys.readouterr().err
    assert exit_code == 2
    assert f"Stack file {broken}:4:" in error
    assert "is not valid YAML" in error
    assert "<unicode string>" not in error


def local_command(command: str, **variables: str) -> subprocess.CompletedProcess:
    """Run `python -m webhook_platform.local <command>` as `make` does, with some variables set."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        **variables,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "webhook_platform.local", command],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUNNER_TIMEOUT_SECONDS,
        check=False,
    )


@pytest.mark.parametrize("command", ["send", "serve"])
@pytest.mark.parametrize("secret", ["whsec_abc", "whsec_YWJjZA==", "abc", "whsec_"])
def test_malformed_secret_fails_clearly(command, secret):
    result = local_command(command, PORT="0", DYNAMODB_PORT="0", LOCAL_SIGNING_SECRET=secret)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: LOCAL_SIGNING_SECRET is invalid:"), result.stderr
    assert "Fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Sending to" not in result.stdout
    if secret != "whsec_":
        assert secret not in result.stderr


def test_sender_without_runner_fails_clearly():
    port = str(urlsplit(closed_port_url()).port)

    result = local_command("send", PORT=port, LOCAL_SIGNING_SECRET=SECRET)

    assert result.returncode == 1, result.stderr
    assert f"No local runner is listening at http://127.0.0.1:{port}/webhook" in result.stderr
    assert "start it with `make local`" in result.stderr
    assert f"same PORT ({port})" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable", ["PORT", "DYNAMODB_PORT"])
def test_busy_port_fails_clearly(variable):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy_port = taken.getsockname()[1]
        environment = {
            **os.environ,
            "PORT": "0",
            "DYNAMODB_PORT": "0",
            variable: str(busy_port),
            "LOCAL_SIGNING_SECRET": SECRET,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        }

        result = subprocess.run(
            [sys.executable, "-m", "webhook_platform.local", "serve"],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=RUNNER_TIMEOUT_SECONDS,
            check=False,
        )

    assert result.returncode == 1, result.stderr
    assert f"{variable} {busy_port} on 127.0.0.1 is in use" in result.stderr
