"""Run dist/index.js under a chosen Node.js binary and exchange JSON lines with it.

The bundle is copied alone into a temporary folder before it is loaded, so a passing test also
proves that it needs nothing from node_modules.
"""

import base64
import hashlib
import hmac
import json
import os
import queue
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
FUNCTION_DIR = REPO_ROOT / "functions" / "webhook"
BUNDLE_PATH = FUNCTION_DIR / "dist" / "index.js"
# The local runner's worker, so the bundle tests also prove the process the local runner uses.
RUNNER_PATH = REPO_ROOT / "src" / "webhook_platform" / "local" / "worker.cjs"
RUNNER_FUNCTION_NAME = "webhook-processor-test"
# The deployed function's timeout, for invocations that set no remaining time of their own.
RUNNER_TIMEOUT_MS = 10_000
NODE_BINARIES = {
    "node18": FUNCTION_DIR / "node_modules" / "node18" / "bin" / "node",
    "node24": FUNCTION_DIR / "node_modules" / "node24" / "bin" / "node",
}
REGION = "us-east-1"
REQUEST_LOG_MESSAGE = "webhook request handled"
# Maximum wait for one result: above the 10 s function timeout, so a slow handler fails its
# assertion on elapsed time instead of hanging the suite.
RESULT_TIMEOUT_SECONDS = 20


def require_build(node_name: str) -> tuple[Path, Path]:
    """Return the bundle and Node.js binary paths, failing the test when either is missing."""
    node_path = NODE_BINARIES[node_name]
    missing = [str(path) for path in (BUNDLE_PATH, node_path) if not path.exists()]
    if missing:
        pytest.fail(
            f"missing build output: {', '.join(missing)}; run `make build` "
            "(npm ci and npm run build in functions/webhook) before the tests",
            pytrace=False,
        )
    return BUNDLE_PATH, node_path


def handler_environment(
    table_name: str, endpoint_url: str, secrets: list[str], **settings: str
) -> dict[str, str]:
    """Return a minimal environment for the handler, isolated from the caller's AWS setup.

    Fake credentials come from the environment and shared config files point nowhere, so the
    SDK never looks for credentials on the network (EC2 metadata is switched off as well).
    """
    environment = {
        "PATH": "/usr/bin:/bin",
        "TABLE_NAME": table_name,
        "WEBHOOK_SIGNING_SECRETS": ",".join(secrets),
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    }
    environment.update(settings)
    return environment


class HandlerProcess:
    """A Node.js process that has loaded the bundle and runs one invocation per request line."""

    def __init__(self, node_path: Path, bundle_path: Path, work_dir: Path, environment: dict[str, str]):
        isolated_bundle = work_dir / "index.js"
        shutil.copyfile(bundle_path, isolated_bundle)
        result_read, result_write = os.pipe()

        # The command is built from this repository's own paths, never from test input.
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(node_path),
                str(RUNNER_PATH),
                str(isolated_bundle),
                str(result_write),
                RUNNER_FUNCTION_NAME,
                str(RUNNER_TIMEOUT_MS),
            ],
            cwd=work_dir,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(result_write,),
            text=True,
        )
        os.close(result_write)

        self.log_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._messages: queue.Queue = queue.Queue()
        self._results: dict[str, dict] = {}
        self._threads = [
            threading.Thread(target=self._read_results, args=(os.fdopen(result_read, "r"),), daemon=True),
            threading.Thread(target=self._collect, args=(self.process.stdout, self.log_lines), daemon=True),
            threading.Thread(
                target=self._collect, args=(self.process.stderr, self.stderr_lines), daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()
        self.startup = self._messages.get(timeout=RESULT_TIMEOUT_SECONDS)

    def _read_results(self, stream) -> None:
        with stream:
            for line in stream:
                self._messages.put(json.loads(line))
        self._messages.put({"type": "closed"})

    @staticmethod
    def _collect(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))

    def invoke_many(self, events: list[dict], remaining_ms: int | None = None) -> list[dict]:
        """Send all events in one write, so the invocations run together; return results in order."""
        ids = [uuid.uuid4().hex for _ in events]
        payload = "".join(
            json.dumps({"id": request_id, "event": event, "remainingMs": remaining_ms}) + "\n"
            for request_id, event in zip(ids, events, strict=True)
        )
        self.process.stdin.write(payload)
        self.process.stdin.flush()

        deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
        while not all(request_id in self._results for request_id in ids):
            message = self._messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if message["type"] == "closed":
                raise AssertionError(f"the handler process exited; stderr: {self.stderr_lines}")
            self._results[message["id"]] = message
        return [self._results.pop(request_id) for request_id in ids]

    def invoke(self, event: dict, remaining_ms: int | None = None) -> dict:
        """Invoke the handler once and return the runner's result message."""
        return self.invoke_many([event], remaining_ms)[0]

    def request_log_entries(self, count: int) -> list[dict]:
        """Wait until `count` per-request log lines have arrived, then return all of them parsed.

        A result can arrive before the log line that the handler wrote just ahead of it, because
        separate threads read the two pipes.
        """
        deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
        while True:
            entries = [json.loads(line) for line in list(self.log_lines)]
            requests = [entry for entry in entries if entry["message"] == REQUEST_LOG_MESSAGE]
            if len(requests) >= count or time.monotonic() > deadline:
                return requests
            time.sleep(0.01)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=RESULT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()


def load_failure(node_path: Path, bundle_path: Path, work_dir: Path, environment: dict[str, str]) -> dict:
    """Load the bundle with `environment` and return the runner's first message."""
    handler = HandlerProcess(node_path, bundle_path, work_dir, environment)
    handler.close()
    return handler.startup


def sign_standard(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return a Standard Webhooks `v1,<base64>` signature, computed independently of the handler."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def sign_stripe(secret: str, timestamp: int, body: bytes) -> str:
    """Return a Stripe-Signature header value for `body`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def proxy_event(body: bytes, headers: dict[str, str], base64_encoded: bool = False) -> dict:
    """Return an API Gateway REST API proxy event for POST /webhook."""
    return {
        "resource": "/webhook",
        "path": "/webhook",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "isBase64Encoded": base64_encoded,
        "body": base64.b64encode(body).decode() if base64_encoded else body.decode(),
        "requestContext": {"requestId": f"api-{uuid.uuid4()}", "stage": "test"},
    }


def standard_event(
    secret: str, body: bytes, message_id: str | None = None, timestamp: int | None = None, **options
) -> dict:
    """Return a proxy event signed under the Standard Webhooks scheme."""
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign_standard(secret, message_id, timestamp, body),
    }
    headers.update(options.pop("headers", {}))
    return proxy_event(body, headers, **options)


def transaction_body(**overrides) -> bytes:
    """Return a valid webhook body with a fresh transaction id; `overrides` replace or add fields."""
    transaction = {
        "transactionId": f"txn_{uuid.uuid4().hex}",
        "timestamp": int(time.time() * 1000) - 5000,
        "amount": "19.99",
        "currency": "USD",
        "status": "captured",
    }
    transaction.update(overrides)
    return json.dumps(transaction).encode()


def closed_port_url() -> str:
    """Return an http URL on 127.0.0.1 whose port was just bound and closed, so nothing listens there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never responds, like a hung endpoint."""

    def __init__(self):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self._connections: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self._connections.append(connection)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        for connection in self._connections:
            connection.close()
        self._socket.close()
