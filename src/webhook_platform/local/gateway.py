"""What API Gateway does in front of the function: the model check, the proxy event, its own responses.

The JSON Schema, the 400 template and the path come from the modules the Pulumi program deploys, so
the local check cannot drift from the deployed one.
"""

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qs

from jsonschema import Draft4Validator

from webhook_platform import contract
from webhook_platform.api import BAD_REQUEST_BODY_TEMPLATE, JSON_CONTENT_TYPE, WEBHOOK_PATH

RESOURCE_PATH: Final = f"/{WEBHOOK_PATH}"
# Stage name shown in the events' requestContext; the deployed stage is named `v1-<suffix>`.
LOCAL_STAGE: Final = "local"
# API Gateway's own message for a body that fails the model ($context.error.message).
INVALID_BODY_MESSAGE: Final = "Invalid request body"


@dataclass(frozen=True)
class HttpResponse:
    """A status, headers (a name may repeat) and body bytes, ready to write to the client."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def gateway_error(status: int, message: str) -> HttpResponse:
    """Return one of API Gateway's own JSON responses, such as 429 `{"message":"Too Many Requests"}`."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return HttpResponse(status, body, [("Content-Type", JSON_CONTENT_TYPE)])


@dataclass(frozen=True)
class IncomingRequest:
    """The parts of an HTTP request that API Gateway passes on: headers keep the caller's spelling."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


class ModelCheck:
    """The method's request validator: checks `application/json` bodies against the model.

    NOTE: API Gateway validates a body only when a model is mapped to its content type, and treats a
    request without Content-Type as application/json. This check does the same and ignores
    media type parameters such as charset. A body under any other content type goes to the
    function, which returns 415.
    """

    def __init__(self) -> None:
        self._validator = Draft4Validator(contract.transaction_json_schema())

    def check(self, request: IncomingRequest) -> HttpResponse | None:
        """Return API Gateway's 400 answer when the body fails the model, or None when it passes."""
        content_type = _header(request.headers, "content-type")
        if content_type is not None:
            media_type = content_type.split(";", 1)[0].strip().lower()
            if media_type != JSON_CONTENT_TYPE:
                return None

        errors = self.validation_errors(request.body)
        if not errors:
            return None
        return self._bad_request_body(errors)

    def validation_errors(self, body: bytes) -> list[str]:
        """List every way `body` fails the model, one sentence per failing field; empty when it passes."""
        try:
            document = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as error:
            return [f"the body is not valid JSON: {error}"]

        messages = []
        for error in sorted(self._validator.iter_errors(document), key=lambda item: list(item.path)):
            location = "/".join(str(part) for part in error.path) or "(body)"
            messages.append(f"{location}: {error.message}")
        return messages

    @staticmethod
    def _bad_request_body(errors: list[str]) -> HttpResponse:
        # API Gateway renders the template with its variables as text; JSON-escaping them keeps the
        # body valid JSON even when a message quotes the caller's value.
        variables = {
            "$context.error.validationErrorString": "[" + ", ".join(errors) + "]",
            "$context.error.message": INVALID_BODY_MESSAGE,
        }
        body = BAD_REQUEST_BODY_TEMPLATE
        for name, value in variables.items():
            body = body.replace(name, json.dumps(value)[1:-1])
        return HttpResponse(400, body.encode(), [("Content-Type", JSON_CONTENT_TYPE)])


def proxy_event(request: IncomingRequest, request_id: str) -> dict[str, Any]:
    """Build the REST API Lambda proxy event API Gateway sends for `request`.

    `headers` keeps the last value of a repeated header and `multiValueHeaders` keeps them all.
    Without binary media types API Gateway passes every body as text, so `isBase64Encoded` is
    false; bytes that are not UTF-8 become U+FFFD here.
    """
    headers: dict[str, str] = {}
    multi_value_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_value_headers.setdefault(name, []).append(value)

    query = parse_qs(request.query, keep_blank_values=True)
    now = time.time()

    return {
        "resource": RESOURCE_PATH,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_value_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": request_id,
            "extendedRequestId": request_id,
            "resourcePath": RESOURCE_PATH,
            "httpMethod": request.method,
            "path": f"/{LOCAL_STAGE}{request.path}",
            "stage": LOCAL_STAGE,
            "protocol": "HTTP/1.1",
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": _header(request.headers, "user-agent"),
            },
        },
        "body": request.body.decode("utf-8", errors="replace") if request.body else None,
        "isBase64Encoded": False,
    }


def new_request_id() -> str:
    """Return a request id in API Gateway's format, a random UUID."""
    return str(uuid.uuid4())


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    found = None
    for header_name, value in headers:
        if header_name.lower() == name:
            found = value
    return found


def _reject_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity, which are not JSON; API Gateway rejects them.
    raise ValueError(f"{name} is not a JSON value")
