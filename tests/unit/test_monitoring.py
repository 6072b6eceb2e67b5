"""The monitoring component in isolation: topic, alarms, log metric filters and dashboard."""

import json
import re

import pulumi_aws as aws
import pytest

from tests.support.pulumi_program import REPOSITORY_ROOT, ProgramRun, run_program
from tests.unit.conftest import KEY_ARN, UNIT_TAGS
from tests.unit.test_factories import _function, _table
from webhook_platform import naming as names
from webhook_platform.errors import ConfigurationError
from webhook_platform.monitoring import (
    CONFLICT_OUTCOME,
    SIGNATURE_FAILURE_OUTCOME,
    MonitoredNames,
    Monitoring,
    alarm_specs,
    log_filter_pattern,
)
from webhook_platform.naming import AwsService
from webhook_platform.settings import settings_from_mapping

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:webhook-alarms-unit"

REQUIRED = {"environmentSuffix": "unit", "environment": "staging", "team": "payments", "costCenter": "cc-9"}


def _declare(settings, naming, tagging, encryption):
    def declare() -> None:
        log_group = aws.cloudwatch.LogGroup("log-group", name="/aws/lambda/webhook-processor-unit")
        Monitoring(
            "monitoring",
            function=_function(),
            function_log_group=log_group,
            table=_table(),
            api_name="webhook-api-unit",
            stage_name="v1-unit",
            settings=settings,
            naming=naming,
            tagging=tagging,
            encryption=encryption,
        )

    return declare


def _alarms(run: ProgramRun) -> dict[str, dict]:
    return {alarm.inputs["name"]: alarm.inputs for alarm in run.mocks.of_type(ALARM)}


def test_topic_is_encrypted_named_and_tagged(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        topic = run.mocks.one(TOPIC).inputs
        assert topic["name"] == "webhook-alarms-unit"
        assert topic["kmsMasterKeyId"] == KEY_ARN
        assert topic["tags"] == UNIT_TAGS
        naming.name.assert_any_call(names.ALARM_TOPIC, AwsService.SNS_TOPIC)
        assert run.mocks.of_type(SUBSCRIPTION) == [], "no alarmEmail, so no subscription"

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_alarm_email_subscribes_to_topic(naming, tagging, encryption):
    settings = settings_from_mapping({**REQUIRED, "alarmEmail": "oncall@example.com"})

    def check(run: ProgramRun) -> None:
        subscription = run.mocks.one(SUBSCRIPTION).inputs
        assert subscription["protocol"] == "email"
        assert subscription["endpoint"] == "oncall@example.com"
        assert subscription["topic"] == TOPIC_ARN

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_every_alarm_notifies_topic_and_is_tagged(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        alarms = _alarms(run)
        assert alarms, "no alarm was declared"
        for name, alarm in alarms.items():
            assert name.endswith("-unit"), name
            assert alarm["alarmActions"] == [TOPIC_ARN], name
            assert alarm["okActions"] == [TOPIC_ARN], name
            assert alarm["tags"] == UNIT_TAGS, name
            assert alarm["treatMissingData"] == "notBreaching", name
            assert "Look first at" in alarm["alarmDescription"], name

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_alarms_watch_documented_metrics(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        alarms = _alarms(run)
        assert len(alarms) == 11
        watched = {name: (a["namespace"], a["metricName"]) for name, a in alarms.items()}
        assert watched == {
            "webhook-function-errors-unit": ("AWS/Lambda", "Errors"),
            "webhook-function-throttles-unit": ("AWS/Lambda", "Throttles"),
            "webhook-function-duration-unit": ("AWS/Lambda", "Duration"),
            "webhook-function-concurrency-unit": ("AWS/Lambda", "ConcurrentExecutions"),
            "webhook-api-5xx-unit": ("AWS/ApiGateway", "5XXError"),
            "webhook-api-4xx-rate-unit": ("AWS/ApiGateway", "4XXError"),
            "webhook-api-latency-p99-unit": ("AWS/ApiGateway", "Latency"),
            "webhook-table-system-errors-unit": ("AWS/DynamoDB", "SystemErrors"),
            "webhook-table-throttled-requests-unit": ("AWS/DynamoDB", "ThrottledRequests"),
            "webhook-signature-failures-unit": ("WebhookPlatform", "webhook-signature-failures-unit"),
            "webhook-conflicts-unit": ("WebhookPlatform", "webhook-conflicts-unit"),
        }

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_alarm_dimensions_name_monitored_resources(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        alarms = _alarms(run)
        assert alarms["webhook-function-errors-unit"]["dimensions"] == {
            "FunctionName": "webhook-processor-unit"
        }
        assert alarms["webhook-api-5xx-unit"]["dimensions"] == {
            "ApiName": "webhook-api-unit",
            "Stage": "v1-unit",
        }
        assert alarms["webhook-table-system-errors-unit"]["dimensions"] == {
            "TableName": "transactions-unit",
            "Operation": "PutItem",
        }
        assert alarms["webhook-table-throttled-requests-unit"]["metricName"] == "ThrottledRequests"
        assert "dimensions" not in alarms["webhook-conflicts-unit"]

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_default_thresholds(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        alarms = _alarms(run)
        duration = alarms["webhook-function-duration-unit"]
        assert duration["threshold"] == 8000
        assert duration["statistic"] == "Maximum"
        concurrency = alarms["webhook-function-concurrency-unit"]
        assert concurrency["threshold"] == 80
        rate = alarms["webhook-api-4xx-rate-unit"]
        assert rate["statistic"] == "Average"
        assert rate["threshold"] == pytest.approx(0.10)
        assert rate["evaluationPeriods"] == 5
        assert rate["datapointsToAlarm"] == 3
        latency = alarms["webhook-api-latency-p99-unit"]
        assert latency["extendedStatistic"] == "p99"
        assert "statistic" not in latency
        assert latency["threshold"] == 3000
        assert alarms["webhook-signature-failures-unit"]["threshold"] == 10
        assert alarms["webhook-signature-failures-unit"]["period"] == 300
        assert alarms["webhook-conflicts-unit"]["threshold"] == 1

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_thresholds_follow_settings():
    settings = settings_from_mapping(
        {
            **REQUIRED,
            "alarmDurationPercent": "50",
            "reservedConcurrency": "40",
            "alarmConcurrencyPercent": "90",
            "alarmApi4xxRatePercent": "25",
            "alarmApiLatencyP99Ms": "1500",
            "alarmSignatureFailures": "3",
        }
    )
    monitored = MonitoredNames("f", "a", "s", "t", "sig", "con")
    thresholds = {spec.key: spec.threshold for spec in alarm_specs(settings, monitored)}
    assert thresholds["function-duration"] == 5000
    assert thresholds["function-concurrency"] == 36
    assert thresholds["api-4xx-rate"] == pytest.approx(0.25)
    assert thresholds["api-latency-p99"] == 1500
    assert thresholds["signature-failures"] == 3


def test_concurrency_alarm_skipped_without_reservation():
    settings = settings_from_mapping({**REQUIRED, "reservedConcurrency": "off"})
    monitored = MonitoredNames("f", "a", "s", "t", "sig", "con")
    keys = [spec.key for spec in alarm_specs(settings, monitored)]
    assert "function-concurrency" not in keys
    assert "function-throttles" in keys


def test_metric_filters_count_handler_outcomes(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        filters = {f.inputs["name"]: f.inputs for f in run.mocks.of_type(FILTER)}
        signature = filters["webhook-signature-failures-unit"]
        assert signature["pattern"] == '{ $.outcome = "unauthorized" }'
        assert signature["logGroupName"] == "/aws/lambda/webhook-processor-unit"
        assert signature["metricTransformation"]["namespace"] == "WebhookPlatform"
        assert signature["metricTransformation"]["value"] == "1"
        conflict = filters["webhook-conflicts-unit"]
        assert conflict["pattern"] == '{ $.outcome = "conflict" }'

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_filtered_outcomes_exist_in_handler():
    # The filters only count when the handler logs these exact outcome values.
    responses = (REPOSITORY_ROOT / "functions/webhook/src/responses.mjs").read_text()
    assert re.search(rf'rejected\(401, "{SIGNATURE_FAILURE_OUTCOME}"', responses)
    assert f'outcome: "{CONFLICT_OUTCOME}"' in responses
    assert log_filter_pattern("x") == '{ $.outcome = "x" }'


def test_dashboard_graphs_every_alarm(settings, naming, tagging, encryption):
    def check(run: ProgramRun) -> None:
        dashboard = run.mocks.one(DASHBOARD).inputs
        assert dashboard["dashboardName"] == "webhook-platform-unit"
        widgets = json.loads(dashboard["dashboardBody"])["widgets"]
        assert len(widgets) == len(run.mocks.of_type(ALARM))
        metrics = [widget["properties"]["metrics"][0] for widget in widgets]
        assert ["AWS/Lambda", "Errors", "FunctionName", "webhook-processor-unit"] in metrics
        assert [
            "AWS/DynamoDB", "SystemErrors", "TableName", "transactions-unit", "Operation", "PutItem"
        ] in metrics  # fmt: skip
        assert ["WebhookPlatform", "webhook-conflicts-unit"] in metrics
        latency = next(w for w in widgets if w["properties"]["title"] == "API latency p99")
        assert latency["properties"]["stat"] == "p99"
        assert latency["properties"]["annotations"]["horizontal"][0]["value"] == 3000

    run_program(check, declare=_declare(settings, naming, tagging, encryption))


def test_invalid_alarm_settings_name_key_and_fix():
    with pytest.raises(ConfigurationError) as raised:
        settings_from_mapping({**REQUIRED, "alarmEmail": "oncall", "alarmDurationPercent": "150"})
    message = str(raised.value)
    assert "webhook-platform:alarmEmail = 'oncall' is invalid" in message
    assert "Fix: pulumi config set alarmEmail oncall@example.com" in message
    assert "alarmDurationPercent = '150'" in message
    assert "percent of the 10 s function timeout" in message
