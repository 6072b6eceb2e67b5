"""Start and stop the whole local path: moto's DynamoDB, the function worker and the HTTP server."""

import base64
import logging
import os
import secrets
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from webhook_platform import contract
from webhook_platform.compute import FUNCTION_TIMEOUT_SECONDS
from webhook_platform.local.dynamodb import FAKE_CREDENTIALS, create_table, dynamodb_client, start_dynamodb
from webhook_platform.local.gateway import ModelCheck
from webhook_platform.local.server import LocalApiServer, WebhookGateway
from webhook_platform.local.stack_file import naming_for, table_name_for
from webhook_platform.local.throttle import TokenBucket
from webhook_platform.local.worker import NodeWorker
from webhook_platform.naming import FUNCTION, AwsService
from webhook_platform.settings import StackSettings

REPO_ROOT: Final = Path(__file__).resolve().parents[3]
FUNCTION_DIR: Final = REPO_ROOT / "functions" / "webhook"
BUNDLE_PATH: Final = FUNCTION_DIR / "dist" / "index.js"
# Node.js binaries that `make install` puts into node_modules, by major version.
NODE_BINARIES: Final = {
    "nodejs18.x": FUNCTION_DIR / "node_modules" / "node18" / "bin" / "node",
    "nodejs24.x": FUNCTION_DIR / "node_modules" / "node24" / "bin" / "node",
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunnerOptions:
    """Settings of `serve`: ports (0 picks a free one), the signing secret and the Node.js binary."""

    settings: StackSettings
    stack_file: Path
    port: int
    dynamodb_port: int
    signing_secret: str
    secret_generated: bool
    node_path: Path | None = None


def generate_signing_secret() -> str:
    """Return a new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def node_for_runtime(runtime: str) -> Path:
    """Return the installed Node.js binary for a Lambda runtime, falling back to Node.js 24."""
    node_path = NODE_BINARIES.get(runtime)
    if node_path is None:
        logger.warning("No local Node.js binary for %s; running the function on Node.js 24", runtime)
        node_path = NODE_BINARIES["nodejs24.x"]
    return node_path


def function_environment(
    settings: StackSettings, table_name: str, endpoint_url: str, signing_secret: str
) -> dict[str, str]:
    """Return the function's environment: the stack's variables plus a local DynamoDB endpoint.

    Fake credentials come from the environment and the shared config files point nowhere, so the
    AWS SDK never looks for credentials on the network or in the user's ~/.aws.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **contract.function_variables(
            table_name=table_name,
            signing_secrets=signing_secret,
            signature_scheme=settings.signature_scheme,
            signature_tolerance_seconds=settings.signature_tolerance_seconds,
        ),
        "AWS_REGION": settings.region,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def serve(options: RunnerOptions) -> int:
    """Run until SIGINT or SIGTERM, then stop the server, the worker and moto; return the exit code."""
    settings = options.settings
    table_name = table_name_for(settings)
    function_name = naming_for(settings).name(FUNCTION, AwsService.LAMBDA_FUNCTION)
    stop_requested = threading.Event()

    def request_stop(signal_number: int, _frame: object) -> None:
        logger.info("Received %s; stopping", signal.Signals(signal_number).name)
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    moto_server, endpoint_url = start_dynamodb(options.dynamodb_port)
    worker: NodeWorker | None = None
    http_server: LocalApiServer | None = None
    try:
        create_table(dynamodb_client(endpoint_url, settings.region), table_name)

        worker = NodeWorker(
            node_path=options.node_path or node_for_runtime(settings.lambda_runtime),
            bundle_path=BUNDLE_PATH,
            environment=function_environment(settings, table_name, endpoint_url, options.signing_secret),
            function_name=function_name,
            function_timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
        )
        worker.start()

        throttle = TokenBucket(settings.rate_limit_per_second, settings.burst_limit)
        try:
            http_server = LocalApiServer(options.port, WebhookGateway(throttle, ModelCheck(), worker))
        except OSError as error:
            raise OSError(
                f"PORT {options.port} on 127.0.0.1 is in use ({error.strerror}). "
                "Fix: stop the other process, or set PORT to a free port (0 picks one)."
            ) from error
        server_thread = threading.Thread(target=http_server.serve_forever, name="http-server", daemon=True)
        server_thread.start()

        _print_banner(options, http_server.url, endpoint_url, table_name, worker.node_version)
        stop_requested.wait()
    finally:
        if http_server is not None:
            http_server.shutdown()
            http_server.server_close()
        if worker is not None:
            worker.stop()
        moto_server.stop()
        logger.info("Stopped the HTTP server, the function worker and DynamoDB")
    return 0


def _print_banner(
    options: RunnerOptions, webhook_url: str, endpoint_url: str, table_name: str, node_version: str
) -> None:
    settings = options.settings
    origin = (
        "generated; set LOCAL_SIGNING_SECRET to keep one"
        if options.secret_generated
        else "LOCAL_SIGNING_SECRET"
    )
    port = webhook_url.rsplit(":", 1)[1].split("/", 1)[0]
    dynamodb_port = endpoint_url.rsplit(":", 1)[1]
    lines = [
        "webhook-platform local runner",
        f"  Webhook URL:      {webhook_url}",
        f"  Signing secret:   {options.signing_secret} ({origin})",
        f"  Signature scheme: {settings.signature_scheme}, "
        f"tolerance {settings.signature_tolerance_seconds} s",
        f"  Rate limit:       {settings.rate_limit_per_minute} requests per minute "
        f"({settings.rate_limit_per_second:.2f} per second), burst {settings.burst_limit}",
        f"  DynamoDB (moto):  {endpoint_url}, table {table_name}",
        f"  Function:         {BUNDLE_PATH.relative_to(REPO_ROOT)} on Node.js {node_version}, "
        "one worker process",
        "Send samples from another terminal:",
        f"  make send-sample PORT={port} DYNAMODB_PORT={dynamodb_port} STACK_FILE={options.stack_file} "
        f"LOCAL_SIGNING_SECRET={options.signing_secret}",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
