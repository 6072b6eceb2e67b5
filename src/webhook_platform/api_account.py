"""API Gateway account settings: the CloudWatch role that API Gateway writes logs with."""

import json

import pulumi
import pulumi_aws as aws

from webhook_platform import iam
from webhook_platform import naming as names
from webhook_platform.aws_environment import AwsEnvironment
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.tagging import TaggingProvider


class ApiGatewayAccount(pulumi.ComponentResource):
    """The region's API Gateway account setting and the role it names.

    An AWS account has one such setting per region, shared by every REST API there. The first
    stack in an account and region creates it (`manageApiGatewayAccount`, default true); further
    stacks set it to false and rely on the existing role. Destroying this component leaves the
    setting pointing at a deleted role, which breaks access logging for other stacks, so destroy
    the owning stack last.
    """

    def __init__(
        self,
        name: str,
        *,
        naming: NamingProvider,
        tagging: TaggingProvider,
        aws_environment: AwsEnvironment,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:api:ApiGatewayAccount", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.role = aws.iam.Role(
            f"{name}-cloudwatch-role",
            name=naming.name(names.API_GATEWAY_CLOUDWATCH_ROLE, AwsService.IAM_ROLE),
            description="Lets API Gateway write execution and access logs in this region",
            assume_role_policy=json.dumps(iam.assume_role_policy("apigateway.amazonaws.com")),
            tags=tagging.tags(),
            opts=child,
        )

        policy = pulumi.Output.all(aws_environment.account_id, aws_environment.partition).apply(
            lambda parts: json.dumps(
                iam.api_gateway_logging_policy(
                    account_id=parts[0], partition=parts[1], region=aws_environment.region
                )
            )
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-cloudwatch-role-policy",
            name=naming.name(names.API_GATEWAY_LOGGING_POLICY, AwsService.IAM_POLICY),
            role=self.role.id,
            policy=policy,
            opts=child,
        )

        self.account = aws.apigateway.Account(
            f"{name}-settings",
            cloudwatch_role_arn=self.role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.role_policy]),
        )

        self.register_outputs({"cloudwatch_role_arn": self.role.arn})
