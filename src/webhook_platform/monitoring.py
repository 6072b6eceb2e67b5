"""Monitoring component: the alarm topic, alarms, log metric filters and a dashboard of them all."""

import json
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from webhook_platform import naming as names
from webhook_platform.compute import FUNCTION_TIMEOUT_SECONDS
from webhook_platform.encryption import EncryptionProvider
from webhook_platform.naming import AwsService, NamingProvider
from webhook_platform.settings import StackSettings
from webhook_platform.tagging import TaggingProvider

# Namespace of the metrics that the log metric filters publish.
LOG_METRIC_NAMESPACE: Final = "WebhookPlatform"

# The `outcome` field of the handler's one JSON line per request (functions/webhook/src/responses.mjs):
# every 401 is logged as "unauthorized" and every 409 as "conflict".
SIGNATURE_FAILURE_OUTCOME: Final = "unauthorized"
CONFLICT_OUTCOME: Final = "conflict"

# The function only ever calls PutItem, and DynamoDB publishes SystemErrors and ThrottledRequests
# per TableName and Operation (Amazon DynamoDB Developer Guide, "DynamoDB metrics and dimensions").
TABLE_OPERATION: Final = "PutItem"

# Seconds per data point. Error counts alarm on one breaching minute; rates and latency alarm on
# 3 of 5 minutes, so one slow request does not page anyone.
PERIOD_SECONDS: Final = 60
LOG_METRIC_PERIOD_SECONDS: Final = 300


def log_filter_pattern(outcome: str) -> str:
    """Build the CloudWatch Logs JSON filter pattern that matches one `outcome` of the handler's log line.

    Syntax from the CloudWatch Logs User Guide, "Filter pattern syntax for metric filters" (JSON
    log events: `{ $.field = "value" }`).
    """
    return f'{{ $.outcome = "{outcome}" }}'


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: the metric it watches, when it fires, and what to look at first when it does."""

    key: str
    title: str
    namespace: str
    metric_name: str
    dimensions: dict[str, pulumi.Input[str]]
    threshold: float
    description: str
    statistic: str | None = "Sum"
    extended_statistic: str | None = None
    period: int = PERIOD_SECONDS
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    comparison_operator: str = "GreaterThanOrEqualToThreshold"


@dataclass(frozen=True)
class MonitoredNames:
    """Physical names of the monitored resources, as the metrics' dimensions need them."""

    function_name: pulumi.Input[str]
    api_name: pulumi.Input[str]
    stage_name: pulumi.Input[str]
    table_name: pulumi.Input[str]
    signature_failures_metric: str
    conflicts_metric: str


def alarm_specs(settings: StackSettings, monitored: MonitoredNames) -> list[AlarmSpec]:
    """Describe every alarm of the stack from its settings.

    Sources of the metric names and dimensions:
    - Lambda Developer Guide, "Types of metrics for Lambda functions": Errors, Throttles, Duration
      and ConcurrentExecutions by FunctionName.
    - API Gateway Developer Guide, "Amazon API Gateway dimensions and metrics": 4XXError, 5XXError
      and Latency by ApiName and Stage. The Average statistic of 4XXError is the error rate.
    - DynamoDB Developer Guide, "DynamoDB metrics and dimensions".

    The concurrency alarm is left out when `reservedConcurrency` is off, because it measures
    against the reserved limit.
    """
    function = {"FunctionName": monitored.function_name}
    api = {"ApiName": monitored.api_name, "Stage": monitored.stage_name}
    table = {"TableName": monitored.table_name, "Operation": TABLE_OPERATION}
    timeout_ms = FUNCTION_TIMEOUT_SECONDS * 1000

    specs = [
        AlarmSpec(
            key="function-errors",
            title="Function errors",
            namespace="AWS/Lambda",
            metric_name="Errors",
            dimensions=function,
            threshold=settings.alarm_function_errors,
            description=(
                "The webhook function failed or timed out; the handler answers every request itself, "
                "so this means a crash, a timeout or an init error. Look first at ERROR lines and "
                "'Task timed out' in the function's log group, then at X-Ray traces."
            ),
        ),
        AlarmSpec(
            key="function-throttles",
            title="Function throttles",
            namespace="AWS/Lambda",
            metric_name="Throttles",
            dimensions=function,
            threshold=settings.alarm_function_throttles,
            description=(
                "Lambda rejected invocations because every reserved instance was busy, and the "
                "gateway got 5XX for them. Look first at ConcurrentExecutions and Duration on the "
                "dashboard, then raise reservedConcurrency or find what slows each request."
            ),
        ),
        AlarmSpec(
            key="function-duration",
            title="Function duration (max)",
            namespace="AWS/Lambda",
            metric_name="Duration",
            dimensions=function,
            statistic="Maximum",
            threshold=timeout_ms * settings.alarm_duration_percent / 100,
            description=(
                f"A request took more than {settings.alarm_duration_percent}% of the "
                f"{FUNCTION_TIMEOUT_SECONDS} s timeout, after which gateways give up. Look first at "
                "DynamoDB latency and throttling on the dashboard, then at slow X-Ray segments."
            ),
        ),
    ]

    if settings.reserved_concurrency is not None:
        specs.append(
            AlarmSpec(
                key="function-concurrency",
                title="Function concurrency (max)",
                namespace="AWS/Lambda",
                metric_name="ConcurrentExecutions",
                dimensions=function,
                statistic="Maximum",
                threshold=settings.reserved_concurrency * settings.alarm_concurrency_percent / 100,
                description=(
                    f"Concurrent executions reached {settings.alarm_concurrency_percent}% of the "
                    f"reserved {settings.reserved_concurrency}; throttling follows at 100%. Look "
                    "first at request Count and Duration: a traffic peak needs more reserved "
                    "concurrency, slower requests need their cause found."
                ),
            )
        )

    specs += [
        AlarmSpec(
            key="api-5xx",
            title="API 5XX responses",
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions=api,
            threshold=settings.alarm_api_5xx_errors,
            description=(
                "The API answered 5XX, so the gateway will redeliver. Look first at the function's "
                "log lines with outcome storage_unavailable, storage_failed or internal_error, then "
                "at the function and DynamoDB alarms."
            ),
        ),
        AlarmSpec(
            key="api-4xx-rate",
            title="API 4XX rate",
            namespace="AWS/ApiGateway",
            metric_name="4XXError",
            dimensions=api,
            statistic="Average",
            threshold=settings.alarm_api_4xx_rate_percent / 100,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            description=(
                f"More than {settings.alarm_api_4xx_rate_percent}% of requests were rejected with "
                "4XX. Look first at the access log's status and errorMessage fields: 401 means "
                "a signing secret mismatch, 400 a contract change, 429 the rate limit."
            ),
        ),
        AlarmSpec(
            key="api-latency-p99",
            title="API latency p99",
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions=api,
            statistic=None,
            extended_statistic="p99",
            threshold=settings.alarm_api_latency_p99_ms,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            description=(
                f"The slowest 1% of requests took over {settings.alarm_api_latency_p99_ms} ms. Look "
                "first at function Duration and cold starts, then at DynamoDB on the dashboard."
            ),
        ),
        AlarmSpec(
            key="table-system-errors",
            title="DynamoDB system errors (PutItem)",
            namespace="AWS/DynamoDB",
            metric_name="SystemErrors",
            dimensions=table,
            threshold=settings.alarm_table_system_errors,
            description=(
                "DynamoDB answered PutItem with HTTP 500; the function returned 503 and the gateway "
                "retries. Look first at the AWS Health Dashboard for DynamoDB in this region."
            ),
        ),
        AlarmSpec(
            key="table-throttled-requests",
            title="DynamoDB throttled requests (PutItem)",
            namespace="AWS/DynamoDB",
            metric_name="ThrottledRequests",
            dimensions=table,
            threshold=settings.alarm_table_throttled_requests,
            description=(
                "DynamoDB throttled PutItem although the table is on-demand, which happens when "
                "traffic more than doubles its previous peak or one key is hot. Look first at "
                "ConsumedWriteCapacityUnits and at repeated transactionIds in the function's logs."
            ),
        ),
        AlarmSpec(
            key="signature-failures",
            title="Signature failures (401)",
            namespace=LOG_METRIC_NAMESPACE,
            metric_name=monitored.signature_failures_metric,
            dimensions={},
            period=LOG_METRIC_PERIOD_SECONDS,
            threshold=settings.alarm_signature_failures,
            description=(
                "Requests failed signature verification. Look first at whether the gateway rotated "
                "its secret (set webhookSigningSecret and webhookPreviousSigningSecret), then at "
                "clock skew against signatureToleranceSeconds, then at the caller's source IP."
            ),
        ),
        AlarmSpec(
            key="conflicts",
            title="Conflicting redeliveries (409)",
            namespace=LOG_METRIC_NAMESPACE,
            metric_name=monitored.conflicts_metric,
            dimensions={},
            period=LOG_METRIC_PERIOD_SECONDS,
            threshold=settings.alarm_conflicts,
            description=(
                "The gateway sent a different body for a transactionId and timestamp that is "
                "already stored; nothing was overwritten. Look first at the WARN lines with outcome "
                "conflict for the transactionId, and ask the gateway which body is right."
            ),
        ),
    ]
    return specs


def dashboard_body(specs: list[AlarmSpec], region: str) -> pulumi.Output[str]:
    """Build the dashboard's JSON: one graph per alarm, with the alarm's threshold drawn on it.

    Widget fields follow the CloudWatch API Reference, "Dashboard Body Structure and Syntax".
    """
    values = [pulumi.Output.from_input(value) for spec in specs for value in spec.dimensions.values()]

    def build(resolved: list[Any]) -> str:
        remaining = iter(resolved)
        widgets = []
        for index, spec in enumerate(specs):
            metric: list[Any] = [spec.namespace, spec.metric_name]
            for dimension in spec.dimensions:
                metric += [dimension, next(remaining)]
            properties: dict[str, Any] = {
                "title": spec.title,
                "view": "timeSeries",
                "region": region,
                "period": spec.period,
                "stat": spec.extended_statistic or spec.statistic,
                "metrics": [metric],
                "annotations": {"horizontal": [{"label": "alarm", "value": spec.threshold}]},
            }
            widgets.append(
                {
                    "type": "metric",
                    "x": (index % 3) * 8,
                    "y": (index // 3) * 6,
                    "width": 8,
                    "height": 6,
                    "properties": properties,
                }
            )
        return json.dumps({"widgets": widgets})

    return pulumi.Output.all(*values).apply(build)


class Monitoring(pulumi.ComponentResource):
    """Alarms on the function, the API and the table, sent to an SNS topic encrypted with the stack's key.

    `alarmEmail` adds an email subscription, which AWS confirms by mail before it delivers. Without
    it the topic has no subscriber, so alarms only show in the console. Thresholds are the
    `alarm*` settings.
    """

    def __init__(
        self,
        name: str,
        *,
        function: aws.lambda_.Function,
        function_log_group: aws.cloudwatch.LogGroup,
        table: aws.dynamodb.Table,
        api_name: pulumi.Input[str],
        stage_name: pulumi.Input[str],
        settings: StackSettings,
        naming: NamingProvider,
        tagging: TaggingProvider,
        encryption: EncryptionProvider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:monitoring:Monitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        monitored = MonitoredNames(
            function_name=function.name,
            api_name=api_name,
            stage_name=stage_name,
            table_name=table.name,
            signature_failures_metric=naming.name(
                names.SIGNATURE_FAILURES_METRIC, AwsService.CLOUDWATCH_ALARM
            ),
            conflicts_metric=naming.name(names.CONFLICTS_METRIC, AwsService.CLOUDWATCH_ALARM),
        )
        specs = alarm_specs(settings, monitored)

        self.topic = aws.sns.Topic(
            f"{name}-alarm-topic",
            name=naming.name(names.ALARM_TOPIC, AwsService.SNS_TOPIC),
            display_name="Webhook platform alarms",
            kms_master_key_id=encryption.key_arn,
            tags=tagging.tags(),
            opts=child,
        )

        self.email_subscription: aws.sns.TopicSubscription | None = None
        if settings.alarm_email is not None:
            self.email_subscription = aws.sns.TopicSubscription(
                f"{name}-alarm-email",
                topic=self.topic.arn,
                protocol="email",
                endpoint=settings.alarm_email,
                opts=child,
            )

        self.metric_filters = [
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{metric_key}-filter",
                name=metric_name,
                log_group_name=function_log_group.name,
                pattern=log_filter_pattern(outcome),
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=metric_name,
                    namespace=LOG_METRIC_NAMESPACE,
                    value="1",
                    # A zero for every other line keeps the graph continuous between failures.
                    default_value="0",
                ),
                opts=child,
            )
            for metric_key, metric_name, outcome in (
                ("signature-failures", monitored.signature_failures_metric, SIGNATURE_FAILURE_OUTCOME),
                ("conflicts", monitored.conflicts_metric, CONFLICT_OUTCOME),
            )
        ]

        self.alarms = {
            spec.key: aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.key}-alarm",
                name=naming.name(f"{names.ALARM_PREFIX}-{spec.key}", AwsService.CLOUDWATCH_ALARM),
                alarm_description=spec.description,
                namespace=spec.namespace,
                metric_name=spec.metric_name,
                dimensions=spec.dimensions or None,
                statistic=spec.statistic,
                extended_statistic=spec.extended_statistic,
                period=spec.period,
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.datapoints_to_alarm,
                threshold=spec.threshold,
                comparison_operator=spec.comparison_operator,
                # No traffic is no failure: a quiet night must not raise an alarm.
                treat_missing_data="notBreaching",
                alarm_actions=[self.topic.arn],
                ok_actions=[self.topic.arn],
                tags=tagging.tags(),
                opts=child,
            )
            for spec in specs
        }

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=naming.name(names.DASHBOARD, AwsService.CLOUDWATCH_DASHBOARD),
            dashboard_body=dashboard_body(specs, settings.region),
            opts=child,
        )

        self.register_outputs(
            {"alarm_topic_arn": self.topic.arn, "dashboard_name": self.dashboard.dashboard_name}
        )
