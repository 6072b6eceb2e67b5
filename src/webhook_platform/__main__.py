"""Command line of the program's offline tools: `python -m webhook_platform inventory`."""

import argparse
import sys
from pathlib import Path

from webhook_platform.errors import BundleMissingError, ConfigurationError
from webhook_platform.inventory import build_inventory, to_json, to_table
from webhook_platform.local.stack_file import DEFAULT_STACK_FILE

# Exit codes: 1 when a policy fails, 2 for a bad argument or stack file, as argparse uses 2.
EXIT_POLICY_VIOLATION = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webhook_platform",
        description="Offline tools for the webhook platform's Pulumi program; none of them calls AWS.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    inventory = commands.add_parser(
        "inventory",
        help="list every resource the stack would create, with the policy pack's verdicts",
        description="Run the program under Pulumi's mocks with a stack file's configuration and list "
        "each resource's type, names, tags, encryption, retention and IAM actions. Exits with 1 when "
        "a policy of policies/compliance.py fails. Encrypted (secure:) values are skipped, so the "
        "signing secret is generated as for a stack without one.",
    )
    inventory.add_argument(
        "--stack-file",
        type=Path,
        default=DEFAULT_STACK_FILE,
        help="Pulumi stack file whose config the program runs with (default: %(default)s)",
    )
    inventory.add_argument("--json", action="store_true", help="print a JSON document instead of a table")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command in `argv` and return the process exit code."""
    arguments = _parser().parse_args(argv)

    try:
        inventory = build_inventory(arguments.stack_file)
    except (ConfigurationError, BundleMissingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    print(to_json(inventory) if arguments.json else to_table(inventory))
    return EXIT_POLICY_VIOLATION if inventory.violation_count else 0


if __name__ == "__main__":
    sys.exit(main())
