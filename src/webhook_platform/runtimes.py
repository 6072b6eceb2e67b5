"""Lifecycle dates of the Node.js Lambda runtimes, and the check that the chosen one is deployable."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pulumi

from webhook_platform.errors import ConfigurationError

Clock = Callable[[], datetime.date]


@dataclass(frozen=True)
class RuntimeLifecycle:
    """Dates on which AWS deprecates a runtime, then blocks creating and updating functions on it."""

    identifier: str
    node_major: int
    deprecation: datetime.date
    block_create: datetime.date
    block_update: datetime.date


# Source: AWS Lambda Developer Guide, "Lambda runtimes", supported and deprecated runtime tables
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
# NOTE: the nodejs18.x block dates are as AWS last published them before this table was written and
# could not be rechecked against a stored copy of that page. Review the table when AWS adds a runtime.
NODEJS_RUNTIMES: Final = {
    lifecycle.identifier: lifecycle
    for lifecycle in (
        RuntimeLifecycle(
            "nodejs18.x",
            18,
            deprecation=datetime.date(2025, 9, 1),
            block_create=datetime.date(2026, 2, 3),
            block_update=datetime.date(2026, 3, 9),
        ),
        RuntimeLifecycle(
            "nodejs20.x",
            20,
            deprecation=datetime.date(2026, 4, 30),
            block_create=datetime.date(2026, 6, 1),
            block_update=datetime.date(2026, 7, 1),
        ),
        RuntimeLifecycle(
            "nodejs22.x",
            22,
            deprecation=datetime.date(2027, 4, 30),
            block_create=datetime.date(2027, 6, 1),
            block_update=datetime.date(2027, 7, 1),
        ),
        RuntimeLifecycle(
            "nodejs24.x",
            24,
            deprecation=datetime.date(2028, 4, 30),
            block_create=datetime.date(2028, 6, 1),
            block_update=datetime.date(2028, 7, 1),
        ),
    )
}

DEFAULT_RUNTIME: Final = "nodejs24.x"


def today_utc() -> datetime.date:
    """Return today's date in UTC, the clock AWS's runtime dates are given in."""
    return datetime.datetime.now(datetime.UTC).date()


def accepted_runtimes(today: datetime.date) -> list[str]:
    """Return the runtimes on which AWS still creates functions on `today`."""
    return [runtime.identifier for runtime in NODEJS_RUNTIMES.values() if runtime.block_create > today]


def blocked_runtime_problem(identifier: str, today: datetime.date) -> str | None:
    """Describe why AWS rejects new functions on `identifier` on `today`, or return None if it accepts them.

    From the block-create date a first `pulumi up` fails at the AWS API, so preview reports the fix
    instead.
    """
    lifecycle = NODEJS_RUNTIMES[identifier]
    if today < lifecycle.block_create:
        return None
    return (
        f"webhook-platform:lambdaRuntime = {identifier}: AWS has rejected new functions on this "
        f"runtime since {lifecycle.block_create.isoformat()} and updates to existing ones since "
        f"{lifecycle.block_update.isoformat()}. Runtimes AWS still accepts: "
        f"{', '.join(accepted_runtimes(today))}. Fix: pulumi config set lambdaRuntime {DEFAULT_RUNTIME}"
    )


def check_runtime(identifier: str, clock: Clock = today_utc) -> RuntimeLifecycle:
    """Return the lifecycle of `identifier`, warning when AWS has deprecated it.

    Raises `ConfigurationError` when AWS no longer lets a function be created on the runtime.
    """
    lifecycle = NODEJS_RUNTIMES[identifier]
    today = clock()

    problem = blocked_runtime_problem(identifier, today)
    if problem is not None:
        raise ConfigurationError(problem)

    if today >= lifecycle.deprecation:
        pulumi.log.warn(
            f"lambdaRuntime {identifier} has been deprecated by AWS since "
            f"{lifecycle.deprecation.isoformat()}: it gets no security patches, and AWS blocks new "
            f"functions on it from {lifecycle.block_create.isoformat()}. "
            f"Move to {DEFAULT_RUNTIME}: pulumi config set lambdaRuntime {DEFAULT_RUNTIME}"
        )

    return lifecycle
