"""The local API: an HTTP server on 127.0.0.1 that serves `POST /webhook` as the deployed stage does.

Order of the checks follows API Gateway: route, throttle (429), request validator (400), then the
Lambda proxy integration, whose statusCode, headers and body are returned as they are.
"""

import base64
import json
import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import urlsplit

from webhook_platform.api import INTEGRATION_TIMEOUT_MS
from webhook_platform.local.gateway import (
    RESOURCE_PATH,
    HttpResponse,
    IncomingRequest,
    ModelCheck,
    gateway_error,
    new_request_id,
    proxy_event,
)
from webhook_platform.local.throttle import TokenBucket
from webhook_platform.local.worker import InvocationTimeoutError, NodeWorker, WorkerError

# API Gateway REST APIs reject payloads above 10 MB before anything else runs.
MAX_PAYLOAD_BYTES: Final = 10 * 1024 * 1024
LISTEN_HOST: Final = "127.0.0.1"

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("webhook_platform.local.access")


class WebhookGateway:
    """Request pipeline of the deployed stage: throttle, model check, then the function."""

    def __init__(self, throttle: TokenBucket, model_check: ModelCheck, worker: NodeWorker) -> None:
        self.throttle = throttle
        self.model_check = model_check
        self.worker = worker
        self.integration_timeout_seconds = INTEGRATION_TIMEOUT_MS / 1000

    def handle(self, request: IncomingRequest, request_id: str) -> HttpResponse:
        """Return the response to `request`. Nothing the caller sends makes it raise."""
        if request.method != "POST" or request.path != RESOURCE_PATH:
            # API Gateway's response for a method or resource that the API does not define.
            return gateway_error(403, "Missing Authentication Token")

        if not self.throttle.try_acquire():
            return gateway_error(429, "Too Many Requests")

        rejection = self.model_check.check(request, request_id)
        if rejection is not None:
            return rejection

        return self._invoke(proxy_event(request, request_id), request_id)

    def _invoke(self, event: dict[str, Any], request_id: str) -> HttpResponse:
        try:
            message = self.worker.invoke(event, self.integration_timeout_seconds)
        except InvocationTimeoutError:
            logger.error("Function timed out: request %s", request_id)
            return gateway_error(504, "Endpoint request timed out")
        except WorkerError as error:
            logger.error("Function worker failed: request %s: %s", request_id, error)
            return gateway_error(502, "Internal server error")

        if message.get("type") != "result":
            logger.error(
                "Function raised an error: request %s: %s: %s",
                request_id,
                message.get("name"),
                message.get("message"),
            )
            return gateway_error(502, "Internal server error")

        try:
            return _proxy_result(message["response"])
        except (KeyError, TypeError, ValueError) as error:
            logger.error("Function returned a malformed proxy result: request %s: %s", request_id, error)
            return gateway_error(502, "Internal server error")


def _proxy_result(result: dict[str, Any]) -> HttpResponse:
    """Turn a Lambda proxy result into an HTTP response as API Gateway does, raising on a malformed one."""
    status = int(result["statusCode"])
    body_text = result.get("body") or ""
    body = base64.b64decode(body_text) if result.get("isBase64Encoded") else str(body_text).encode()

    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    named = {name.lower() for name, _ in headers}
    for name, value in (result.get("headers") or {}).items():
        if name.lower() not in named:
            headers.append((name, str(value)))
    return HttpResponse(status, body, headers)


class _RequestHandler(BaseHTTPRequestHandler):
    server: "LocalApiServer"
    server_version = "webhook-platform-local"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        started = time.monotonic()
        request_id = new_request_id()
        response = self._answer(request_id)
        try:
            self._write(response, request_id)
        except (BrokenPipeError, ConnectionResetError) as error:
            # The caller hung up first; the function has run all the same, as behind API Gateway.
            self.close_connection = True
            logger.warning(
                "Client closed the connection before the response: request %s: %s", request_id, error
            )
        access_logger.info(
            "%s %s %s %s %.1f ms request_id=%s outcome=%s",
            self.client_address[0],
            self.command,
            self.path,
            response.status,
            (time.monotonic() - started) * 1000,
            request_id,
            _outcome(response),
        )

    def _answer(self, request_id: str) -> HttpResponse:
        if self.headers.get("Transfer-Encoding") is not None:
            # Only bodies framed by Content-Length are read, so a chunked one is rejected.
            self.close_connection = True
            return gateway_error(411, "Length Required")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return gateway_error(400, "Invalid Content-Length")
        if length > MAX_PAYLOAD_BYTES:
            self.close_connection = True
            return gateway_error(413, "Request Too Long")

        body = self.rfile.read(length) if length > 0 else b""
        return self.server.gateway.handle(self._incoming(body), request_id)

    def _incoming(self, body: bytes) -> IncomingRequest:
        target = urlsplit(self.path)
        return IncomingRequest(
            method=self.command,
            path=target.path,
            query=target.query,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
        )

    def _write(self, response: HttpResponse, request_id: str) -> None:
        self.send_response_only(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        # The access line in `_serve` replaces http.server's own line, so each request logs once.
        return


def _outcome(response: HttpResponse) -> str:
    """Pick the `status` or `message` of a JSON response, such as `stored`, for the access line."""
    try:
        document = json.loads(response.body)
    except ValueError:
        return "-"
    if not isinstance(document, dict):
        return "-"
    outcome = document.get("status", document.get("message", "-"))
    return str(outcome).replace(" ", "_")[:40]


class LocalApiServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 that passes each request to a `WebhookGateway`."""

    daemon_threads = True
    # Room for a burst of simultaneous connections before the kernel refuses new ones.
    request_queue_size = 128

    def __init__(self, port: int, gateway: WebhookGateway) -> None:
        self.gateway = gateway
        super().__init__((LISTEN_HOST, port), _RequestHandler)

    @property
    def url(self) -> str:
        """The webhook URL, with the port actually bound."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{RESOURCE_PATH}"
