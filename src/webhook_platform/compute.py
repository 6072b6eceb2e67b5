"""Compute component: the webhook function, its role, its policy and its pre-created log group."""

import json
from pathlib import Path
from typing import Final

import pulumi
import pulumi_aws as aws

from webhook_platform import contract, iam
from webhook_platform import naming as names
from webhook_platform.aws_environment import AwsEnvironment
from webhook_platform.encryption import EncryptionProvider
from webhook_platform.errors import BundleMissingError
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.settings import StackSettings
from webhook_platform.tagging import TaggingProvider

REPOSITORY_ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_BUNDLE_DIR: Final = REPOSITORY_ROOT / "functions" / "webhook" / "dist"
BUNDLE_FILE: Final = "index.js"
HANDLER: Final = "index.handler"

# Payment gateways give up on a delivery after about 10 seconds, so the handler bounds its SDK
# timeouts and retries to respond within this.
FUNCTION_TIMEOUT_SECONDS: Final = 10


def bundle_archive(bundle_dir: Path) -> pulumi.AssetArchive:
    """Package the built handler bundle, failing at preview with the build command when it is missing."""
    bundle = bundle_dir / BUNDLE_FILE
    if not bundle.is_file():
        raise BundleMissingError(
            f"The webhook handler bundle {bundle} does not exist, so there is nothing to deploy. "
            f"Build it first: make build"
        )
    return pulumi.AssetArchive({BUNDLE_FILE: pulumi.FileAsset(str(bundle))})


class Compute(pulumi.ComponentResource):
    """The webhook function with X-Ray, its KMS-encrypted variables and a least-privilege role."""

    def __init__(
        self,
        name: str,
        *,
        table: aws.dynamodb.Table,
        signing_secrets: pulumi.Output[str],
        settings: StackSettings,
        naming: NamingProvider,
        tagging: TaggingProvider,
        encryption: EncryptionProvider,
        aws_environment: AwsEnvironment,
        bundle_dir: Path = DEFAULT_BUNDLE_DIR,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:compute:Compute", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        code = bundle_archive(bundle_dir)
        function_name = naming.name(names.FUNCTION, AwsService.LAMBDA_FUNCTION)
        role_name = naming.name(names.FUNCTION_ROLE, AwsService.IAM_ROLE)
        log_group_name = f"/aws/lambda/{function_name}"

        # Lambda would create this group on first invocation, unencrypted and kept forever;
        # creating it first keeps retention and encryption under the stack's control.
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=log_group_name,
            retention_in_days=settings.log_retention_days,
            kms_key_id=encryption.key_arn,
            tags=tagging.tags(),
            opts=child,
        )

        self.role = aws.iam.Role(
            f"{name}-role",
            name=role_name,
            description=f"Execution role of {function_name}",
            assume_role_policy=json.dumps(iam.assume_role_policy("lambda.amazonaws.com")),
            tags=tagging.tags(),
            opts=child,
        )

        function_arn = aws_environment.arn("lambda", f"function:{function_name}")
        policy_document = pulumi.Output.all(
            table.arn, self.log_group.arn, encryption.key_arn, function_arn
        ).apply(
            lambda arns: json.dumps(
                iam.function_policy(
                    table_arn=arns[0],
                    log_group_arn=arns[1].removesuffix(":*"),
                    key_arn=arns[2],
                    function_arn=arns[3],
                    region=aws_environment.region,
                )
            )
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-role-policy",
            name=naming.name(names.FUNCTION_POLICY, AwsService.IAM_POLICY),
            role=self.role.id,
            policy=policy_document,
            opts=child,
        )

        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description="Verifies, validates and stores payment-gateway transaction webhooks",
            runtime=settings.lambda_runtime,
            handler=HANDLER,
            code=code,
            role=self.role.arn,
            memory_size=settings.lambda_memory_mb,
            timeout=FUNCTION_TIMEOUT_SECONDS,
            # -1 is the provider's value for "no reserved concurrency".
            reserved_concurrent_executions=(
                settings.reserved_concurrency if settings.reserved_concurrency is not None else -1
            ),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            kms_key_arn=encryption.key_arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables=contract.function_variables(
                    table_name=table.name,
                    signing_secrets=signing_secrets,
                    signature_scheme=settings.signature_scheme,
                    signature_tolerance_seconds=settings.signature_tolerance_seconds,
                )
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="Text",
                log_group=self.log_group.name,
            ),
            tags=tagging.tags(),
            # The policy must exist before the first invocation writes logs or items.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.log_group, self.role_policy]),
        )

        self.register_outputs({"function_name": self.function.name, "function_arn": self.function.arn})
