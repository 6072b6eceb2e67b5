"""IAM documents: scoped to this stack's ARNs, the X-Ray exception the only `*` resource."""

from webhook_platform import iam

ARNS = {
    "table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/transactions-t",
    "log_group_arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/webhook-processor-t",
    "key_arn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:webhook-processor-t",
    "region": "us-east-1",
}


def test_function_policy_scopes_every_statement():
    statements = iam.function_policy(**ARNS)["Statement"]
    star = [s for s in statements if s["Resource"] == "*"]
    assert [s["Sid"] for s in star] == ["WriteXRayTraces"]
    assert star[0]["Action"] == list(iam.XRAY_WRITE_ACTIONS)


def test_function_policy_has_no_wildcard_action():
    for statement in iam.function_policy(**ARNS)["Statement"]:
        for action in statement["Action"]:
            assert "*" not in action, statement["Sid"]


def test_log_streams_scoped_below_group():
    statements = {s["Sid"]: s for s in iam.function_policy(**ARNS)["Statement"]}
    assert statements["WriteOwnLogStreams"]["Resource"] == [ARNS["log_group_arn"] + ":*"]


def test_api_gateway_policy_scoped_to_region():
    document = iam.api_gateway_logging_policy(account_id="123456789012", partition="aws", region="us-east-1")
    for statement in document["Statement"]:
        for resource in statement["Resource"]:
            assert resource.startswith("arn:aws:logs:us-east-1:123456789012:log-group:")
        for action in statement["Action"]:
            assert action.startswith("logs:")
            assert "*" not in action


def test_assume_role_policy_names_one_service():
    statement = iam.assume_role_policy("lambda.amazonaws.com")["Statement"][0]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
