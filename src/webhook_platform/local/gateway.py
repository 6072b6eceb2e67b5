"""API Gateway's steps in front of the function: the model check, the proxy event, its own responses.

The JSON Schema, the 400 template and the path come from the modules the Pulumi program deploys, so
the local check cannot drift from the deployed one.
"""

import json
import logging
import re
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
# Values of the `$context` variables that the 400 template may use, as API Gateway sets them.
TEMPLATE_VALUES: Final = {"$context.error.message": INVALID_BODY_MESSAGE}
CONTEXT_VARIABLE: Final = re.compile(r"\$context(?:\.[A-Za-z]+)+")
# Path logged for a body that is not UTF-8 JSON, which has no fields to point at.
NOT_JSON_PATH: Final = "(not JSON)"
# Path logged when the document itself fails, such as an array in place of an object. RFC 6901's
# pointer for it is the empty string, which would not show in a log line.
ROOT_PATH: Final = "(body)"

logger = logging.getLogger(__name__)


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

    The model checks only the body's shape, and its 400 body is constant, so no value from the
    request reaches the response. jsonschema's messages quote the rejected value, so they are
    never used here; only the JSON Pointer paths of the failing fields are logged.

    NOTE: API Gateway validates a body only when a model is mapped to its content type, and treats a
    request without Content-Type as application/json. This check does the same and ignores
    media type parameters such as charset. A body under any other content type goes to the
    function, which returns 415.
    """

    def __init__(self) -> None:
        self._validator = Draft4Validator(contract.transaction_json_schema())
        self._rejection = _bad_request_response()

    def check(self, request: IncomingRequest, request_id: str = "-") -> HttpResponse | None:
        """Return API Gateway's 400 response when the body fails the model, or None when it passes."""
        content_type = _header(request.headers, "content-type")
        if content_type is not None:
            media_type = content_type.split(";", 1)[0].strip().lower()
            if media_type != JSON_CONTENT_TYPE:
                return None

        failing_paths = self.failing_paths(request.body)
        if not failing_paths:
            return None
        logger.info("Request %s failed the model at %s", request_id, ", ".join(failing_paths))
        return self._rejection

    def failing_paths(self, body: bytes) -> list[str]:
        """List the JSON Pointer of each part of `body` that fails the model; empty when it passes.

        A body that is not UTF-8 JSON fails as a whole, reported as `(not JSON)`. A missing field is
        reported at the pointer where it belongs, such as `/currency`.
        """
        try:
            document = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError):
            return [NOT_JSON_PATH]

        paths: set[str] = set()
        for error in self._validator.iter_errors(document):
            parts = [str(part) for part in error.absolute_path]
            if error.validator == "required" and isinstance(error.instance, dict):
                # The error sits on the object, so the missing names come from the schema's list.
                missing = [name for name in error.validator_value if name not in error.instance]
                paths.update(_json_pointer([*parts, name]) for name in missing)
            else:
                paths.add(_json_pointer(parts))
        return sorted(paths)


def _bad_request_response() -> HttpResponse:
    """Render the deployed 400 template with the variables API Gateway fills in.

    Raises `ValueError` when the template uses a `$context` variable that is not filled here, so a
    change to the template cannot leave a placeholder in the local body unnoticed.
    """
    used = set(CONTEXT_VARIABLE.findall(BAD_REQUEST_BODY_TEMPLATE))
    unknown = used - TEMPLATE_VALUES.keys()
    if unknown:
        raise ValueError(
            f"BAD_REQUEST_BODY_TEMPLATE uses {sorted(unknown)}, which the local gateway does not fill"
        )

    # API Gateway substitutes variables as text, so each value is JSON-escaped to keep the body valid.
    body = CONTEXT_VARIABLE.sub(
        lambda match: json.dumps(TEMPLATE_VALUES[match.group(0)])[1:-1], BAD_REQUEST_BODY_TEMPLATE
    )
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


def _json_pointer(parts: list[str]) -> str:
    if not parts:
        return ROOT_PATH
    # RFC 6901 escapes "~" and "/" inside a name.
    escaped = [part.replace("~", "~0").replace("/", "~1") for part in parts]
    return "/" + "/".join(escaped)


def _reject_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity, which are not JSON; API Gateway rejects them.
    raise ValueError(f"{name} is not a JSON value")
