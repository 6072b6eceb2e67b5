"""Runs the real Pulumi program under Pulumi's mocks, with no AWS account, and records what it declares."""

import runpy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pulumi

from webhook_platform.settings import PROJECT

REPOSITORY_ROOT: Final = Path(__file__).resolve().parents[2]
PROGRAM: Final = REPOSITORY_ROOT / "__main__.py"
# The account and region that the mocks report. Every computed ARN contains them.
ACCOUNT_ID: Final = "123456789012"
REGION: Final = "us-east-1"


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
        state.update(computed_state(args.typ, args.name, resource_id, args.inputs))
        self.resources.append(RecordedResource(args.typ, args.name, dict(args.inputs), state, resource_id))
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list]:
        self.calls.append(args.token)
        function = args.token
        if function == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/test",
                "userId": "AIDATEST",
                "id": ACCOUNT_ID,
            }, []
        if function == "aws:index/getPartition:getPartition":
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


def computed_state(
    resource_type: str, name: str, resource_id: str, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the attributes AWS computes for the resource types whose outputs the program reads."""
    prefix = f"arn:aws:%s:{REGION}:{ACCOUNT_ID}:%s"
    physical = inputs.get("name", resource_id)
    if resource_type == "aws:dynamodb/table:Table":
        return {"arn": prefix % ("dynamodb", f"table/{physical}")}
    if resource_type == "aws:cloudwatch/logGroup:LogGroup":
        return {"arn": prefix % ("logs", f"log-group:{physical}:*")}
    if resource_type == "aws:iam/role:Role":
        return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{physical}"}
    if resource_type == "aws:sns/topic:Topic":
        return {"arn": prefix % ("sns", physical)}
    if resource_type == "aws:kms/key:Key":
        return {"arn": prefix % ("kms", f"key/{resource_id}"), "keyId": resource_id}
    if resource_type == "aws:lambda/function:Function":
        arn = prefix % ("lambda", f"function:{physical}")
        return {
            "arn": arn,
            "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations",
        }
    if resource_type == "aws:apigateway/restApi:RestApi":
        return {
            "rootResourceId": f"{resource_id}-root",
            "executionArn": prefix % ("execute-api", resource_id),
        }
    if resource_type == "aws:apigateway/stage:Stage":
        return {
            "invokeUrl": f"https://{inputs['restApi']}.execute-api.{REGION}.amazonaws.com/"
            f"{inputs['stageName']}"
        }
    if resource_type == "random:index/randomBytes:RandomBytes":
        return {"base64": "c2lnbmluZy1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMzJi", "hex": "00"}
    return {}


def set_stack_config(config: Mapping[str, str]) -> None:
    """Set the config that the next program run reads, with `aws:region` defaulting to us-east-1.

    Keys without a namespace belong to the project (`environmentSuffix` becomes
    `webhook-platform:environmentSuffix`). The signing secrets are marked secret, as `pulumi config
    set --secret` stores them, because the program rejects them in plain text.
    """
    full: dict[str, str] = {"aws:region": REGION}
    for key, value in config.items():
        full[key if ":" in key else f"{PROJECT}:{key}"] = value
    secret_keys = [key for key in full if key.endswith("SigningSecret")]
    pulumi.runtime.set_all_config(full, secret_keys)


@dataclass
class OfflineRun:
    """Resources and exports of one offline run of the program."""

    resources: list[RecordedResource]
    exports: dict[str, Any]


Inspect = Callable[[RecordingMocks, dict[str, Any]], None]


def run_under_mocks(
    config: Mapping[str, str],
    declare: Callable[[], None],
    inspect: Inspect | None = None,
    stack: str = "offline",
) -> tuple[RecordingMocks, dict[str, Any]]:
    """Call `declare` with `config` under fresh mocks, and return the recorded resources and exports.

    `inspect`, when given, runs inside an Output that waits on the URN of every registered
    resource and on every export, so it receives the complete program. The `pulumi.runtime.test`
    wrapper awaits that Output, so an exception raised in `inspect` fails the run.
    """
    # `__main__.py` imports `container` from the repository root, as `pulumi up` does from its cwd.
    if str(REPOSITORY_ROOT) not in sys.path:
        sys.path.insert(0, str(REPOSITORY_ROOT))

    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False)
    set_stack_config(config)

    registered: list[pulumi.Resource] = []

    def record(args: pulumi.ResourceTransformationArgs) -> None:
        registered.append(args.resource)

    pulumi.runtime.register_stack_transformation(record)
    exports: dict[str, Any] = {}

    @pulumi.runtime.test
    def declare_and_wait() -> pulumi.Output[None]:
        declare()
        stack_outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]

        # Waiting on every URN as well as the exports makes the run end only after the mocks
        # have recorded every resource, including those no export depends on.
        urns = [resource.urn for resource in registered]
        exported = list(stack_outputs.values())

        def finish(resolved: list[Any]) -> None:
            exports.update(dict(zip(stack_outputs.keys(), resolved[len(urns) :], strict=True)))
            if inspect is not None:
                inspect(mocks, exports)

        return pulumi.Output.all(*urns, *exported).apply(finish)

    declare_and_wait()
    return mocks, exports


def run_main() -> None:
    """Run `__main__.py` as `pulumi up` would."""
    runpy.run_path(str(PROGRAM), run_name="__main__")


def run_offline(config: Mapping[str, str], stack: str = "offline") -> OfflineRun:
    """Run `__main__.py` with `config` under fresh mocks and return every resource and export.

    Nothing reaches AWS, because the mocks return the state of each resource registration and the
    results of the two data-source calls the program makes.
    Exceptions the program raises, such as `ConfigurationError`, propagate.
    """
    mocks, exports = run_under_mocks(config, run_main, stack=stack)
    return OfflineRun(resources=list(mocks.resources), exports=exports)
