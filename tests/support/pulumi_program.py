"""Runs the real program under Pulumi's mocks and records every resource and its inputs."""

import datetime
import json
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from webhook_platform.settings import PROJECT

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

BASE_CONFIG: dict[str, str] = {
    "environmentSuffix": "pr42",
    "environment": "dev",
    "team": "payments-platform",
    "costCenter": "cc-1234",
}


@dataclass
class RecordedResource:
    """One resource the program declared: its type token, logical name, inputs and final state."""

    type: str
    name: str
    inputs: dict[str, Any]
    state: dict[str, Any]
    resource_id: str


@dataclass
class RecordingMocks(pulumi.runtime.Mocks):
    """Pulumi mocks that keep every resource and give it the ids and ARNs AWS would compute."""

    resources: list[RecordedResource] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id = f"{args.name}-id"
        state = dict(args.inputs)
        state.update(_computed_state(args.typ, args.name, resource_id, args.inputs))
        self.resources.append(RecordedResource(args.typ, args.name, dict(args.inputs), state, resource_id))
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list]:
        self.calls.append(args.token)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/test",
                "userId": "AIDATEST",
                "id": ACCOUNT_ID,
            }, []
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        raise NotImplementedError(f"The program called {args.token}, which the mocks do not know")

    def of_type(self, type_token: str) -> list[RecordedResource]:
        """Return the recorded resources of one type, such as `aws:dynamodb/table:Table`."""
        return [resource for resource in self.resources if resource.type == type_token]

    def one(self, type_token: str) -> RecordedResource:
        """Return the only recorded resource of a type, failing when there are none or several."""
        found = self.of_type(type_token)
        assert len(found) == 1, f"expected one {type_token}, found {len(found)}"
        return found[0]


def _computed_state(
    type_token: str, name: str, resource_id: str, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the attributes AWS computes for the resource types whose outputs the program reads."""
    prefix = f"arn:aws:%s:{REGION}:{ACCOUNT_ID}:%s"
    physical = inputs.get("name", resource_id)
    if type_token == "aws:dynamodb/table:Table":
        return {"arn": prefix % ("dynamodb", f"table/{physical}")}
    if type_token == "aws:cloudwatch/logGroup:LogGroup":
        return {"arn": prefix % ("logs", f"log-group:{physical}:*")}
    if type_token == "aws:iam/role:Role":
        return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{physical}"}
    if type_token == "aws:sns/topic:Topic":
        return {"arn": prefix % ("sns", physical)}
    if type_token == "aws:kms/key:Key":
        return {"arn": prefix % ("kms", f"key/{resource_id}"), "keyId": resource_id}
    if type_token == "aws:lambda/function:Function":
        arn = prefix % ("lambda", f"function:{physical}")
        return {
            "arn": arn,
            "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations",
        }
    if type_token == "aws:apigateway/restApi:RestApi":
        return {
            "rootResourceId": f"{resource_id}-root",
            "executionArn": prefix % ("execute-api", resource_id),
        }
    if type_token == "aws:apigateway/stage:Stage":
        return {
            "invokeUrl": f"https://{inputs['restApi']}.execute-api.{REGION}.amazonaws.com/"
            f"{inputs['stageName']}"
        }
    if type_token == "random:index/randomBytes:RandomBytes":
        return {"base64": "c2lnbmluZy1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMzJi", "hex": "00"}
    return {}


@dataclass
class ProgramRun:
    """What one run of the program declared, and the values it exported."""

    mocks: RecordingMocks
    exports: dict[str, Any]


def fixed_clock(day: datetime.date) -> Callable[[], datetime.date]:
    """Return a clock that always reads `day`, so runtime checks do not depend on today."""
    return lambda: day


def _set_config(config: Mapping[str, str]) -> None:
    full: dict[str, str] = {"aws:region": REGION}
    for key, value in config.items():
        full[key if ":" in key else f"{PROJECT}:{key}"] = value
    secret_keys = [key for key in full if key.endswith("SigningSecret")]
    pulumi.runtime.set_all_config(full, secret_keys)


def run_program(
    check: Callable[[ProgramRun], None],
    config: Mapping[str, str] | None = None,
    configure_container: Callable[[Any], None] | None = None,
    declare: Callable[[], None] | None = None,
) -> None:
    """Run the program with `config` under fresh mocks, then call `check` on what it declared.

    `check` runs inside an Output that depends on the URN of every resource the program
    registered, so it sees the complete program; the `pulumi.runtime.test` wrapper awaits that
    Output, and an assertion that fails inside it fails the test. With `configure_container`
    unset the real `__main__.py` runs; otherwise the container is built here and handed to
    `configure_container` for overrides before the stack is declared. With `declare` set, only
    what it declares runs (unit tests of one component); `config` still applies.
    """
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False)
    _set_config({**BASE_CONFIG, **(config or {})})

    registered: list[pulumi.Resource] = []

    def record(args: pulumi.ResourceTransformationArgs) -> None:
        registered.append(args.resource)

    pulumi.runtime.register_stack_transformation(record)
    exports: dict[str, Any] = {}

    @pulumi.runtime.test
    def declare_and_check() -> pulumi.Output[None]:
        if declare is not None:
            declare()
        elif configure_container is None:
            namespace = runpy.run_path(str(REPOSITORY_ROOT / "__main__.py"), run_name="__main__")
            del namespace
        else:
            from container import Container
            from webhook_platform.settings import load_settings

            container = Container(settings=load_settings())
            configure_container(container)
            container.platform().deploy().export()

        stack_outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
        exports.update(stack_outputs)
        urns = [resource.urn for resource in registered]
        exported = list(stack_outputs.values())

        def run_check(resolved: list[Any]) -> None:
            values = resolved[len(urns) :]
            exports.update(dict(zip(stack_outputs.keys(), values, strict=True)))
            assert mocks.resources, "the program declared no resources"
            check(ProgramRun(mocks=mocks, exports=exports))

        return pulumi.Output.all(*urns, *exported).apply(run_check)

    declare_and_check()


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
