"""The real `__main__.py` under Pulumi's mocks: every resource and setting the product promises."""

import json
import re

import pytest

from tests.support.pulumi_program import (
    ACCOUNT_ID,
    REGION,
    ProgramRun,
    is_secret,
    policy_document,
    reveal,
    run_program,
)
from webhook_platform import contract, outputs
from webhook_platform.settings import REQUIRED_TAG_KEYS

TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KMS_KEY = "aws:kms/key:Key"
REST_API = "aws:apigateway/restApi:RestApi"
STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
PERMISSION = "aws:lambda/permission:Permission"
TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"

# Resource types that accept tags in pulumi-aws v7; every one the stack declares must carry them.
TAGGABLE = {TABLE, FUNCTION, LOG_GROUP, ROLE, KMS_KEY, REST_API, STAGE, USAGE_PLAN, TOPIC, ALARM}

# Inputs that hold a physical name, by resource type.
NAME_INPUTS = {
    TABLE: "name",
    FUNCTION: "name",
    LOG_GROUP: "name",
    ROLE: "name",
    REST_API: "name",
    USAGE_PLAN: "name",
    STAGE: "stageName",
    "aws:kms/alias:Alias": "name",
    ROLE_POLICY: "name",
    TOPIC: "name",
    ALARM: "name",
    DASHBOARD: "dashboardName",
    METRIC_FILTER: "name",
}


def _run(check, **config):
    run_program(check, config={key: str(value) for key, value in config.items()})


def test_program_declares_every_component():
    def check(run: ProgramRun) -> None:
        types = {resource.type for resource in run.mocks.resources}
        for expected in (TABLE, FUNCTION, KMS_KEY, REST_API, STAGE, USAGE_PLAN, DEPLOYMENT):
            assert expected in types, f"the program declared no {expected}"
        assert len(run.mocks.of_type(LOG_GROUP)) == 3, "expected function, access and execution logs"

    _run(check)


def test_every_physical_name_carries_suffix():
    def check(run: ProgramRun) -> None:
        checked = 0
        for resource in run.mocks.resources:
            key = NAME_INPUTS.get(resource.type)
            if key is None:
                continue
            checked += 1
            assert "pr42" in resource.inputs[key], f"{resource.name}: {resource.inputs[key]!r}"
        assert checked >= 10, f"only {checked} named resources were checked"

    _run(check)


def test_names_follow_type_then_suffix():
    def check(run: ProgramRun) -> None:
        assert run.mocks.one(TABLE).inputs["name"] == "transactions-pr42"
        assert run.mocks.one(FUNCTION).inputs["name"] == "webhook-processor-pr42"
        assert run.mocks.one(REST_API).inputs["name"] == "webhook-api-pr42"
        assert run.mocks.one(STAGE).inputs["stageName"] == "v1-pr42"

    _run(check)


def test_every_taggable_resource_has_required_tags():
    def check(run: ProgramRun) -> None:
        taggable = [resource for resource in run.mocks.resources if resource.type in TAGGABLE]
        assert len(taggable) >= 10
        for resource in taggable:
            tags = resource.inputs.get("tags", {})
            for key in REQUIRED_TAG_KEYS:
                assert key in tags, f"{resource.name} has no {key} tag"
            assert tags["Environment"] == "dev", resource.name
            assert tags["Team"] == "payments-platform", resource.name
            assert tags["CostCenter"] == "cc-1234", resource.name

    _run(check)


def test_log_groups_30_days_encrypted():
    def check(run: ProgramRun) -> None:
        key_arn = run.exports[outputs.KMS_KEY_ARN]
        for group in run.mocks.of_type(LOG_GROUP):
            assert group.inputs["retentionInDays"] == 30, group.name
            assert group.inputs["kmsKeyId"] == key_arn, group.name

    _run(check)


def test_log_groups_use_names_their_services_write_to():
    def check(run: ProgramRun) -> None:
        names = sorted(group.inputs["name"] for group in run.mocks.of_type(LOG_GROUP))
        assert names == [
            "/aws/apigateway/webhook-api-access-pr42",
            "/aws/lambda/webhook-processor-pr42",
            "API-Gateway-Execution-Logs_api-rest-api-id/v1-pr42",
        ]

    _run(check)


def _statements(run: ProgramRun) -> list[dict]:
    statements = []
    for policy in run.mocks.of_type(ROLE_POLICY):
        statements.extend(policy_document(policy)["Statement"])
    return statements


def test_no_iam_wildcard_except_xray():
    def check(run: ProgramRun) -> None:
        statements = _statements(run)
        assert len(statements) >= 5
        for statement in statements:
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            for action in actions:
                assert "*" not in action, f"wildcard action {action} in {statement.get('Sid')}"
            if statement["Resource"] == "*" or "*" in statement["Resource"]:
                assert sorted(actions) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], (
                    f"Resource '*' outside the X-Ray exception: {statement.get('Sid')}"
                )

    _run(check)


def test_no_managed_policy_is_attached():
    def check(run: ProgramRun) -> None:
        attachments = run.mocks.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        assert attachments == []
        for role in run.mocks.of_type(ROLE):
            assert not role.inputs.get("managedPolicyArns"), role.name

    _run(check)


def test_function_role_puts_only_into_its_table():
    def check(run: ProgramRun) -> None:
        policy = next(p for p in run.mocks.of_type(ROLE_POLICY) if p.name == "compute-role-policy")
        statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
        table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/transactions-pr42"
        assert statements["PutTransactionsIntoThisTable"]["Action"] == ["dynamodb:PutItem"]
        assert statements["PutTransactionsIntoThisTable"]["Resource"] == [table_arn]
        log_arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/lambda/webhook-processor-pr42:*"
        assert statements["WriteOwnLogStreams"]["Resource"] == [log_arn]
        via = statements["UseKeyThroughDynamoDb"]["Condition"]["StringEquals"]["kms:ViaService"]
        assert via == f"dynamodb.{REGION}.amazonaws.com"
        context = statements["DecryptOwnEnvironmentVariables"]["Condition"]["StringEquals"]
        function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:webhook-processor-pr42"
        assert context["kms:EncryptionContext:aws:lambda:FunctionArn"] == function_arn

    _run(check)


def test_kms_key_rotates_and_admits_cloudwatch_logs():
    def check(run: ProgramRun) -> None:
        key = run.mocks.one(KMS_KEY)
        assert key.inputs["enableKeyRotation"] is True
        assert key.inputs["deletionWindowInDays"] == 7
        statements = {s["Sid"]: s for s in policy_document(key)["Statement"]}
        logs = statements["AllowCloudWatchLogsForThisAccountsLogGroups"]
        assert logs["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
        condition = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
        assert condition == f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:*"

    _run(check)


def test_table_keys_billing_recovery_and_encryption():
    def check(run: ProgramRun) -> None:
        table = run.mocks.one(TABLE).inputs
        assert table["hashKey"] == contract.TABLE_PARTITION_KEY
        assert table["rangeKey"] == contract.TABLE_SORT_KEY
        attributes = {a["name"]: a["type"] for a in table["attributes"]}
        assert attributes == {"transactionId": "S", "timestamp": "N"}
        assert table["billingMode"] == "PAY_PER_REQUEST"
        assert table["pointInTimeRecovery"]["enabled"] is True
        assert table["deletionProtectionEnabled"] is False
        assert table["serverSideEncryption"]["enabled"] is True
        assert table["serverSideEncryption"]["kmsKeyArn"] == run.exports[outputs.KMS_KEY_ARN]

    _run(check)


def test_function_runtime_memory_concurrency_tracing_key_timeout():
    def check(run: ProgramRun) -> None:
        function = run.mocks.one(FUNCTION).inputs
        assert function["runtime"] == "nodejs24.x"
        assert function["memorySize"] == 1024
        assert function["reservedConcurrentExecutions"] == 100
        assert function["tracingConfig"]["mode"] == "Active"
        assert function["kmsKeyArn"] == run.exports[outputs.KMS_KEY_ARN]
        assert function["timeout"] == 10
        assert function["handler"] == "index.handler"
        assert function["loggingConfig"]["logGroup"] == "/aws/lambda/webhook-processor-pr42"

    _run(check)


def test_function_environment_names_table_and_scheme():
    def check(run: ProgramRun) -> None:
        environment = run.mocks.one(FUNCTION).inputs["environment"]
        assert is_secret(environment), "the variables hold the signing secret and must be secret"
        variables = reveal(environment)["variables"]
        assert variables[contract.ENV_TABLE_NAME] == "transactions-pr42"
        assert variables[contract.ENV_SIGNATURE_SCHEME] == "standard-webhooks"
        assert variables[contract.ENV_SIGNATURE_TOLERANCE_SECONDS] == "300"
        assert variables[contract.ENV_MAX_BODY_BYTES] == "262144"
        assert variables[contract.ENV_SIGNING_SECRETS].startswith("whsec_")

    _run(check)


def test_stage_has_xray_and_json_access_log():
    def check(run: ProgramRun) -> None:
        stage = run.mocks.one(STAGE).inputs
        assert stage["xrayTracingEnabled"] is True
        access = stage["accessLogSettings"]
        assert access["destinationArn"].endswith(":log-group:/aws/apigateway/webhook-api-access-pr42:*")
        log_format = json.loads(access["format"])
        assert log_format["requestId"] == "$context.requestId"
        assert log_format["status"] == "$context.status"

    _run(check)


def test_rate_limit_binds_usage_plan_and_stage():
    def check(run: ProgramRun) -> None:
        plan = run.mocks.one(USAGE_PLAN).inputs
        assert plan["throttleSettings"]["rateLimit"] == pytest.approx(1000 / 60)
        assert plan["throttleSettings"]["burstLimit"] == 50
        assert plan["apiStages"][0]["stage"] == "v1-pr42"
        settings = run.mocks.one(METHOD_SETTINGS).inputs
        assert settings["methodPath"] == "*/*"
        assert settings["settings"]["throttlingRateLimit"] == pytest.approx(1000 / 60)
        assert settings["settings"]["throttlingBurstLimit"] == 50
        assert settings["stageName"] == "v1-pr42"

    _run(check)


def test_execution_logging_without_data_trace():
    def check(run: ProgramRun) -> None:
        settings = run.mocks.one(METHOD_SETTINGS).inputs["settings"]
        assert settings["loggingLevel"] in ("ERROR", "INFO")
        assert settings["dataTraceEnabled"] is False

    _run(check)


def test_rest_api_is_regional_without_json_binary():
    def check(run: ProgramRun) -> None:
        api = run.mocks.one(REST_API).inputs
        assert api["endpointConfiguration"]["types"] == "REGIONAL"
        assert "application/json" not in api.get("binaryMediaTypes", [])

    _run(check)


def test_post_webhook_validates_body_against_model():
    def check(run: ProgramRun) -> None:
        method = run.mocks.one("aws:apigateway/method:Method").inputs
        assert method["httpMethod"] == "POST"
        assert method["requestValidatorId"] == "api-body-validator-id"
        assert method["requestModels"] == {"application/json": "TransactionWebhook"}
        validator = run.mocks.one("aws:apigateway/requestValidator:RequestValidator").inputs
        assert validator["validateRequestBody"] is True
        model = run.mocks.one("aws:apigateway/model:Model").inputs
        assert json.loads(model["schema"]) == contract.transaction_json_schema()
        resource = run.mocks.one("aws:apigateway/resource:Resource").inputs
        assert resource["pathPart"] == "webhook"
        integration = run.mocks.one("aws:apigateway/integration:Integration").inputs
        assert integration["type"] == "AWS_PROXY"
        assert integration["integrationHttpMethod"] == "POST"

    _run(check)


def test_permission_allows_only_stage_post_webhook():
    def check(run: ProgramRun) -> None:
        permission = run.mocks.one(PERMISSION).inputs
        expected = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:api-rest-api-id/v1-pr42/POST/webhook"
        assert permission["sourceArn"] == expected
        assert permission["principal"] == "apigateway.amazonaws.com"
        assert permission["action"] == "lambda:InvokeFunction"

    _run(check)


def test_deployment_has_trigger():
    def check(run: ProgramRun) -> None:
        trigger = run.mocks.one(DEPLOYMENT).inputs["triggers"]["redeployment"]
        assert re.fullmatch(r"[0-9a-f]{64}", trigger)

    _run(check)


def test_api_gateway_account_role_is_created_by_default():
    def check(run: ProgramRun) -> None:
        account = run.mocks.one("aws:apigateway/account:Account").inputs
        assert account["cloudwatchRoleArn"].endswith(":role/apigateway-cloudwatch-role-pr42")

    _run(check)


def test_api_gateway_account_can_be_left_alone():
    def check(run: ProgramRun) -> None:
        assert run.mocks.of_type("aws:apigateway/account:Account") == []
        roles = [role.inputs["name"] for role in run.mocks.of_type(ROLE)]
        assert roles == ["webhook-processor-role-pr42"]

    _run(check, manageApiGatewayAccount="false")


def test_outputs_are_exported():
    def check(run: ProgramRun) -> None:
        assert run.exports[outputs.WEBHOOK_URL].endswith("/webhook")
        assert run.exports[outputs.WEBHOOK_URL].startswith("https://")
        assert run.exports[outputs.TABLE_NAME] == "transactions-pr42"
        assert run.exports[outputs.FUNCTION_NAME] == "webhook-processor-pr42"
        assert run.exports[outputs.KMS_KEY_ARN].startswith("arn:aws:kms:")
        assert run.exports[outputs.USAGE_PLAN_ID] == "api-usage-plan-id"
        assert run.exports[outputs.SIGNING_SECRET].startswith("whsec_")

    _run(check)


def test_nothing_is_protected_or_retained():
    def check(run: ProgramRun) -> None:
        # The mocks see no resource options, so this checks the inputs that block a destroy.
        table = run.mocks.one(TABLE).inputs
        assert table["deletionProtectionEnabled"] is False
        for resource in run.mocks.resources:
            assert resource.inputs.get("retainOnDelete") is None, resource.name

    _run(check)


def test_alarms_publish_to_topic_encrypted_with_stack_key():
    def check(run: ProgramRun) -> None:
        topic = run.mocks.one(TOPIC).inputs
        assert topic["name"] == "webhook-alarms-pr42"
        assert topic["kmsMasterKeyId"] == run.exports[outputs.KMS_KEY_ARN]
        topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:webhook-alarms-pr42"
        alarms = run.mocks.of_type(ALARM)
        assert len(alarms) == 11
        for alarm in alarms:
            assert alarm.inputs["alarmActions"] == [topic_arn], alarm.name
        assert run.mocks.of_type("aws:sns/topicSubscription:TopicSubscription") == []
        assert run.mocks.one(DASHBOARD).inputs["dashboardName"] == "webhook-platform-pr42"
        assert len(run.mocks.of_type(METRIC_FILTER)) == 2

    _run(check)


def test_kms_key_admits_cloudwatch_alarms_of_this_account():
    def check(run: ProgramRun) -> None:
        statements = {s["Sid"]: s for s in policy_document(run.mocks.one(KMS_KEY))["Statement"]}
        alarms = statements["AllowCloudWatchAlarmsOfThisAccountToPublish"]
        assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        assert sorted(alarms["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
        assert alarms["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT_ID

    _run(check)


def test_alarm_email_and_no_concurrency_alarm_without_reservation():
    def check(run: ProgramRun) -> None:
        subscription = run.mocks.one("aws:sns/topicSubscription:TopicSubscription").inputs
        assert subscription["endpoint"] == "oncall@example.com"
        names = [alarm.inputs["name"] for alarm in run.mocks.of_type(ALARM)]
        assert "webhook-function-concurrency-pr42" not in names
        assert len(names) == 10

    _run(check, alarmEmail="oncall@example.com", reservedConcurrency="off")
