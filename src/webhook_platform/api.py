"""API component: the regional REST API that serves `POST /webhook` in front of the function."""

import hashlib
import json
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from webhook_platform import contract
from webhook_platform import naming as names
from webhook_platform.encryption import EncryptionProvider
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.settings import StackSettings
from webhook_platform.tagging import TaggingProvider

WEBHOOK_PATH: Final = "webhook"
MODEL_NAME: Final = "TransactionWebhook"
JSON_CONTENT_TYPE: Final = "application/json"

# API Gateway waits for the function's 10 s timeout plus start-up, then returns 504 itself.
INTEGRATION_TIMEOUT_MS: Final = 11_000

# One JSON object per request; `$context` variables from the API Gateway Developer Guide
# ("$context variables for data models, authorizers, mapping templates, and access logging").
ACCESS_LOG_FORMAT: Final = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "requestTime": "$context.requestTime",
        "sourceIp": "$context.identity.sourceIp",
        "userAgent": "$context.identity.userAgent",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "protocol": "$context.protocol",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationStatus": "$context.integration.status",
        "integrationLatency": "$context.integration.latency",
        "errorMessage": "$context.error.message",
        "xrayTraceId": "$context.xrayTraceId",
    },
    separators=(",", ":"),
)

# API Gateway's response to a body that fails the model, in the shape of the function's own 400.
# It is constant on purpose: `$context.error.validationErrorString` can quote the rejected body and
# contains unescaped double quotes, so it would leak payload data and could break the JSON.
BAD_REQUEST_BODY_TEMPLATE: Final = json.dumps(
    {
        "status": "invalid",
        "message": "$context.error.message",
        "errors": [
            {
                "field": "body",
                "message": (
                    "body must be a JSON object with the string fields transactionId, amount, "
                    "currency and status and the integer field timestamp"
                ),
            }
        ],
    },
    separators=(",", ":"),
)


def api_definition() -> dict[str, Any]:
    """Describe every method, integration, model and validator setting of the API as data.

    The resources are built from this, and the Deployment's trigger is its hash, so any change
    here replaces the Deployment and the stage serves the new API.
    """
    return {
        "resource": {"path_part": WEBHOOK_PATH},
        "model": {
            "name": MODEL_NAME,
            "content_type": JSON_CONTENT_TYPE,
            "schema": contract.transaction_json_schema(),
        },
        "validator": {"validate_request_body": True, "validate_request_parameters": False},
        "method": {
            "http_method": "POST",
            # Gateways sign each body instead of sending credentials; the function checks that
            # signature, so API Gateway itself admits every caller.
            "authorization": "NONE",
            "api_key_required": False,
        },
        "integration": {
            "type": "AWS_PROXY",
            "integration_http_method": "POST",
            "timeout_milliseconds": INTEGRATION_TIMEOUT_MS,
        },
        "gateway_response": {
            "response_type": "BAD_REQUEST_BODY",
            "status_code": "400",
            "template": BAD_REQUEST_BODY_TEMPLATE,
        },
    }


def deployment_trigger(definition: dict[str, Any], resource_ids: list[str]) -> str:
    """Hash the API's definition and its resources' ids into the Deployment's trigger value."""
    document = json.dumps({"definition": definition, "ids": resource_ids}, sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()


class Api(pulumi.ComponentResource):
    """REST API, `/webhook` POST with model validation, stage with X-Ray, logs and throttling.

    The rate limit binds twice. The usage plan carries it as requested, but a plan applies only
    to requests with an API key bound to it. Stage method throttling carries it too and binds
    every caller, because gateways cannot send an API key. Over either limit API Gateway returns
    429.
    """

    def __init__(
        self,
        name: str,
        *,
        function: aws.lambda_.Function,
        settings: StackSettings,
        naming: NamingProvider,
        tagging: TaggingProvider,
        encryption: EncryptionProvider,
        account_settings: pulumi.Resource | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:api:Api", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        definition = api_definition()
        stage_name = naming.name(names.STAGE, AwsService.API_STAGE)

        self.rest_api = aws.apigateway.RestApi(
            f"{name}-rest-api",
            name=naming.name(names.REST_API, AwsService.API_GATEWAY),
            description="Receives payment-gateway transaction webhooks",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            # No binary media types: JSON bodies must reach the function as text.
            binary_media_types=[],
            tags=tagging.tags(),
            opts=child,
        )

        self.resource = aws.apigateway.Resource(
            f"{name}-webhook-resource",
            rest_api=self.rest_api.id,
            parent_id=self.rest_api.root_resource_id,
            path_part=definition["resource"]["path_part"],
            opts=child,
        )

        model = definition["model"]
        self.model = aws.apigateway.Model(
            f"{name}-transaction-model",
            rest_api=self.rest_api.id,
            name=model["name"],
            description="Transaction webhook body",
            content_type=model["content_type"],
            schema=json.dumps(model["schema"]),
            opts=child,
        )

        validator = definition["validator"]
        self.validator = aws.apigateway.RequestValidator(
            f"{name}-body-validator",
            rest_api=self.rest_api.id,
            name="webhook-body-validator",
            validate_request_body=validator["validate_request_body"],
            validate_request_parameters=validator["validate_request_parameters"],
            opts=child,
        )

        method = definition["method"]
        self.method = aws.apigateway.Method(
            f"{name}-post-method",
            rest_api=self.rest_api.id,
            resource_id=self.resource.id,
            http_method=method["http_method"],
            authorization=method["authorization"],
            api_key_required=method["api_key_required"],
            request_validator_id=self.validator.id,
            request_models={model["content_type"]: self.model.name},
            opts=child,
        )

        integration = definition["integration"]
        self.integration = aws.apigateway.Integration(
            f"{name}-lambda-integration",
            rest_api=self.rest_api.id,
            resource_id=self.resource.id,
            http_method=self.method.http_method,
            type=integration["type"],
            integration_http_method=integration["integration_http_method"],
            uri=function.invoke_arn,
            timeout_milliseconds=integration["timeout_milliseconds"],
            opts=child,
        )

        gateway_response = definition["gateway_response"]
        self.bad_request_body_response = aws.apigateway.Response(
            f"{name}-bad-request-body-response",
            rest_api_id=self.rest_api.id,
            response_type=gateway_response["response_type"],
            status_code=gateway_response["status_code"],
            response_templates={JSON_CONTENT_TYPE: gateway_response["template"]},
            opts=child,
        )

        trigger = pulumi.Output.all(
            self.resource.id,
            self.model.id,
            self.validator.id,
            self.method.id,
            self.integration.id,
            self.bad_request_body_response.id,
            function.invoke_arn,
        ).apply(lambda ids: deployment_trigger(definition, [str(value) for value in ids]))
        self.deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=self.rest_api.id,
            description="Webhook API; replaced whenever the API definition changes",
            triggers={"redeployment": trigger},
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    self.method,
                    self.integration,
                    self.model,
                    self.validator,
                    self.bad_request_body_response,
                ],
            ),
        )

        self.access_log_group = aws.cloudwatch.LogGroup(
            f"{name}-access-log-group",
            name="/aws/apigateway/" + naming.name(names.ACCESS_LOG_GROUP, AwsService.LOG_GROUP),
            retention_in_days=settings.log_retention_days,
            kms_key_id=encryption.key_arn,
            tags=tagging.tags(),
            opts=child,
        )

        # API Gateway creates this group for execution logs on first use, unencrypted and kept
        # forever. Creating it first, under the name API Gateway uses, keeps both under control.
        self.execution_log_group = aws.cloudwatch.LogGroup(
            f"{name}-execution-log-group",
            name=pulumi.Output.concat("API-Gateway-Execution-Logs_", self.rest_api.id, "/", stage_name),
            retention_in_days=settings.log_retention_days,
            kms_key_id=encryption.key_arn,
            tags=tagging.tags(),
            opts=child,
        )

        stage_dependencies: list[pulumi.Resource] = [self.execution_log_group]
        if account_settings is not None:
            stage_dependencies.append(account_settings)
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=self.rest_api.id,
            deployment=self.deployment.id,
            stage_name=stage_name,
            description="Live webhook endpoint",
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=self.access_log_group.arn,
                format=ACCESS_LOG_FORMAT,
            ),
            tags=tagging.tags(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=stage_dependencies),
        )

        self.method_settings = aws.apigateway.MethodSettings(
            f"{name}-method-settings",
            rest_api=self.rest_api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                metrics_enabled=True,
                logging_level=settings.api_logging_level,
                # Data tracing would write request and response bodies into the execution log.
                data_trace_enabled=False,
                throttling_rate_limit=settings.rate_limit_per_second,
                throttling_burst_limit=settings.burst_limit,
            ),
            opts=child,
        )

        self.usage_plan = aws.apigateway.UsagePlan(
            f"{name}-usage-plan",
            name=naming.name(names.USAGE_PLAN, AwsService.API_GATEWAY),
            description=(
                f"{settings.rate_limit_per_minute} requests per minute; binds API-key callers only, "
                "the stage throttle binds everyone"
            ),
            api_stages=[
                aws.apigateway.UsagePlanApiStageArgs(api_id=self.rest_api.id, stage=self.stage.stage_name)
            ],
            throttle_settings=aws.apigateway.UsagePlanThrottleSettingsArgs(
                rate_limit=settings.rate_limit_per_second,
                burst_limit=settings.burst_limit,
            ),
            tags=tagging.tags(),
            opts=child,
        )

        # Only this stage's POST /webhook may invoke the function, not any method or stage.
        self.invoke_permission = aws.lambda_.Permission(
            f"{name}-invoke-permission",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=pulumi.Output.concat(
                self.rest_api.execution_arn, "/", stage_name, "/POST/", WEBHOOK_PATH
            ),
            opts=child,
        )

        self.webhook_url = pulumi.Output.concat(self.stage.invoke_url, "/", WEBHOOK_PATH)

        self.register_outputs({"webhook_url": self.webhook_url, "usage_plan_id": self.usage_plan.id})
