"""IAM policy documents, each scoped to this stack's ARNs."""

from typing import Any, Final

# X-Ray's write actions support no resource-level permissions, so AWS only accepts them with
# "Resource": "*" (Service Authorization Reference, "Actions, resources, and condition keys for AWS
# X-Ray": PutTraceSegments and PutTelemetryRecords list no resource type). This is the one
# statement in the stack that is not scoped to an ARN.
XRAY_WRITE_ACTIONS: Final = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


def assume_role_policy(service: str) -> dict[str, Any]:
    """Build a trust policy that lets one AWS service principal assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def function_policy(
    *,
    table_arn: str,
    log_group_arn: str,
    key_arn: str,
    function_arn: str,
    region: str,
) -> dict[str, Any]:
    """Build the webhook function's permissions: write to its table and log group, use its key.

    `log_group_arn` is the group's ARN without the trailing `:*`; streams are scoped below it.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutTransactionsIntoThisTable",
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem"],
                "Resource": [table_arn],
            },
            {
                "Sid": "WriteOwnLogStreams",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{log_group_arn}:*"],
            },
            {
                # DynamoDB calls KMS with the caller's credentials to encrypt items under the
                # table's customer-managed key; ViaService stops the role using the key directly.
                "Sid": "UseKeyThroughDynamoDb",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [key_arn],
                "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
            },
            {
                # Lambda decrypts the function's environment variables at start with the execution
                # role, under an encryption context that names the function.
                "Sid": "DecryptOwnEnvironmentVariables",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [key_arn],
                "Condition": {"StringEquals": {"kms:EncryptionContext:aws:lambda:FunctionArn": function_arn}},
            },
            {
                "Sid": "WriteXRayTraces",
                "Effect": "Allow",
                "Action": list(XRAY_WRITE_ACTIONS),
                "Resource": "*",
            },
        ],
    }


def api_gateway_logging_policy(*, account_id: str, partition: str, region: str) -> dict[str, Any]:
    """Build the account-level API Gateway role's permissions to write execution and access logs.

    The role serves every REST API of the account in this region. It is scoped to the log group
    names API Gateway uses for execution logs and to the `/aws/apigateway/` prefix for access logs.
    The AWS managed policy for this role would grant the same actions on every resource.
    """
    groups = f"arn:{partition}:logs:{region}:{account_id}:log-group"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListLogGroupsOfThisAccountAndRegion",
                "Effect": "Allow",
                "Action": ["logs:DescribeLogGroups"],
                "Resource": [f"{groups}:*"],
            },
            {
                "Sid": "WriteApiGatewayLogGroups",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                "Resource": [
                    f"{groups}:API-Gateway-Execution-Logs_*",
                    f"{groups}:/aws/apigateway/*",
                ],
            },
        ],
    }
