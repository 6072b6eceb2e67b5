"""Runs the real program under Pulumi's mocks and records every resource and its inputs."""

import datetime
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from webhook_platform.offline import (
    ACCOUNT_ID,
    REGION,
    REPOSITORY_ROOT,
    RecordedResource,
    RecordingMocks,
    run_main,
    run_under_mocks,
)

__all__ = ["ACCOUNT_ID", "REGION", "REPOSITORY_ROOT", "RecordedResource", "RecordingMocks"]

BASE_CONFIG: dict[str, str] = {
    "environmentSuffix": "pr42",
    "environment": "dev",
    "team": "payments-platform",
    "costCenter": "cc-1234",
}


@dataclass
class ProgramRun:
    """What one run of the program declared, and the values it exported."""

    mocks: RecordingMocks
    exports: dict[str, Any]


def fixed_clock(day: datetime.date) -> Callable[[], datetime.date]:
    """Return a clock that always reads `day`, so runtime checks do not depend on today."""
    return lambda: day


def run_program(
    check: Callable[[ProgramRun], None],
    config: Mapping[str, str] | None = None,
    configure_container: Callable[[Any], None] | None = None,
    declare: Callable[[], None] | None = None,
) -> None:
    """Run the program with `config` under fresh mocks, then call `check` on what it declared.

    `check` runs inside an Output that depends on the URN of every resource the program
    registered, so it receives the complete program. The `pulumi.runtime.test` wrapper awaits that
    Output, and an assertion that fails inside it fails the test. With `configure_container`
    unset the real `__main__.py` runs; otherwise the container is built here and handed to
    `configure_container` for overrides before the stack is declared. With `declare` set, only
    what it declares runs (unit tests of one component); `config` still applies.
    """

    def declare_program() -> None:
        if declare is not None:
            declare()
        elif configure_container is None:
            run_main()
        else:
            from container import Container
            from webhook_platform.settings import load_settings

            container = Container(settings=load_settings())
            configure_container(container)
            container.platform().deploy().export()

    def inspect(mocks: RecordingMocks, exports: dict[str, Any]) -> None:
        assert mocks.resources, "the program declared no resources"
        check(ProgramRun(mocks=mocks, exports=exports))

    run_under_mocks({**BASE_CONFIG, **(config or {})}, declare_program, inspect, stack="test")


def policy_document(resource: RecordedResource) -> dict[str, Any]:
    """Parse the JSON policy document of a recorded IAM or KMS resource."""
    return json.loads(resource.inputs["policy"])


# Pulumi marks a secret value in resource inputs with this signature key and value.
_SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIGNATURE_VALUE = "1b47061264138c4ac30d75fd1eb44270"


def is_secret(value: Any) -> bool:
    """Tell whether a recorded input value was passed as a Pulumi secret."""
    return isinstance(value, dict) and value.get(_SECRET_SIGNATURE_KEY) == _SECRET_SIGNATURE_VALUE


def reveal(value: Any) -> Any:
    """Return the plain value inside a recorded secret, or the value itself when it is not one."""
    return value["value"] if is_secret(value) else value
