"""Command line of the local runner: `python -m webhook_platform.local serve|send`."""

import argparse
import logging
import os
import sys
from pathlib import Path

from webhook_platform.errors import ConfigurationError
from webhook_platform.local.runner import RunnerOptions, generate_signing_secret, serve
from webhook_platform.local.sender import (
    RunnerUnreachableError,
    Signer,
    build_deliveries,
    check_signing_secret,
    print_items,
    send_all,
    stored_items,
)
from webhook_platform.local.stack_file import DEFAULT_STACK_FILE, load_stack_settings, table_name_for
from webhook_platform.local.worker import WorkerError

DEFAULT_PORT = 8080
DEFAULT_DYNAMODB_PORT = 8000
# Exit codes: 1 when a run fails, 2 for an invalid setting (stack file or environment variable),
# as argparse uses 2 for invalid arguments.
EXIT_FAILURE = 1
EXIT_USAGE = 2


def _port_from_environment(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > 65535:
        raise ConfigurationError(
            f"{name}={raw!r} is invalid: use a TCP port from 0 to 65535 (0 picks a free one)"
        )
    return int(raw)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webhook_platform.local",
        description="Run the webhook path on 127.0.0.1, or send signed sample webhooks to it.",
    )
    parser.add_argument(
        "--stack-file",
        type=Path,
        default=DEFAULT_STACK_FILE,
        help="Pulumi stack file that sets rate limit, burst, signature scheme and tolerance "
        "(default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve_parser = commands.add_parser(
        "serve",
        help="start DynamoDB (moto), the function worker and the HTTP server",
        description="Ports come from PORT (default 8080) and DYNAMODB_PORT (default 8000); the signing "
        "secret from LOCAL_SIGNING_SECRET, or a new one is generated and printed.",
    )
    serve_parser.add_argument(
        "--node",
        type=Path,
        help="Node.js binary for the function (default: the stack runtime's installed one)",
    )
    serve_parser.add_argument(
        "--function-logs", action="store_true", help="also print the function's own JSON log lines"
    )

    commands.add_parser(
        "send",
        help="sign and post a valid webhook and each kind of invalid one, then list the stored items",
        description="Targets http://127.0.0.1:$PORT/webhook and DynamoDB on $DYNAMODB_PORT, signing with "
        "LOCAL_SIGNING_SECRET, the secret that `serve` printed.",
    )
    return parser


def _serve(arguments: argparse.Namespace) -> int:
    settings = load_stack_settings(arguments.stack_file)
    secret = os.environ.get("LOCAL_SIGNING_SECRET") or None
    if secret is not None:
        # Checked here so that a bad secret stops the runner before moto and the worker start.
        check_signing_secret(secret, settings.signature_scheme)
    options = RunnerOptions(
        settings=settings,
        stack_file=arguments.stack_file,
        port=_port_from_environment("PORT", DEFAULT_PORT),
        dynamodb_port=_port_from_environment("DYNAMODB_PORT", DEFAULT_DYNAMODB_PORT),
        signing_secret=secret or generate_signing_secret(),
        secret_generated=secret is None,
        node_path=arguments.node,
    )
    if arguments.function_logs:
        logging.getLogger("webhook_platform.local.function").setLevel(logging.DEBUG)
    return serve(options)


def _send(arguments: argparse.Namespace) -> int:
    settings = load_stack_settings(arguments.stack_file)
    secret = os.environ.get("LOCAL_SIGNING_SECRET")
    if not secret:
        raise ConfigurationError(
            "LOCAL_SIGNING_SECRET is missing: set it to the signing secret that `serve` printed at start"
        )
    port = _port_from_environment("PORT", DEFAULT_PORT)
    dynamodb_port = _port_from_environment("DYNAMODB_PORT", DEFAULT_DYNAMODB_PORT)
    url = f"http://127.0.0.1:{port}/webhook"

    signer = Signer(settings.signature_scheme, secret)

    print(f"Sending to {url} ({settings.signature_scheme} signatures)")
    deliveries = build_deliveries(settings, signer)
    unexpected = send_all(url, deliveries)

    table_name = table_name_for(settings)
    print_items(stored_items(f"http://127.0.0.1:{dynamodb_port}", settings.region, table_name))
    if unexpected:
        print(f"{unexpected} answer(s) differ from the webhook contract", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the command, and return its exit code."""
    arguments = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # moto's web server would log every DynamoDB call; the access line per webhook is enough.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    try:
        if arguments.command == "serve":
            return _serve(arguments)
        return _send(arguments)
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (RunnerUnreachableError, WorkerError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
