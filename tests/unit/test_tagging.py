"""Tagging provider: required tags always present and never overridden."""

from webhook_platform.tagging import StandardTagging


def test_required_tags_are_set():
    tags = StandardTagging("prod", "payments", "cc-1").tags()
    assert tags == {
        "Environment": "prod",
        "Team": "payments",
        "CostCenter": "cc-1",
        "ManagedBy": "pulumi",
        "Project": "webhook-platform",
    }


def test_extra_tags_are_added():
    tags = StandardTagging("prod", "payments", "cc-1", {"Owner": "ops"}).tags()
    assert tags["Owner"] == "ops"
    assert tags["Environment"] == "prod"


def test_resource_tags_cannot_override_required():
    tags = StandardTagging("prod", "payments", "cc-1").tags({"Environment": "dev", "Role": "api"})
    assert tags["Environment"] == "prod"
    assert tags["Role"] == "api"
