"""Tagging providers: the tags every taggable resource carries."""

from abc import ABC, abstractmethod
from collections.abc import Mapping

from webhook_platform.settings import PROJECT


class TaggingProvider(ABC):
    """Builds the tag set of a resource; factories pass the result as `tags=`."""

    @abstractmethod
    def tags(self, resource_tags: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the stack's tags merged with tags specific to one resource."""


class StandardTagging(TaggingProvider):
    """Environment, Team, CostCenter, ManagedBy and Project, plus the stack's `extraTags`.

    Resource-specific tags may add keys but never replace the required ones, so a cost report or
    an access policy keyed on them always finds the stack's values.
    """

    def __init__(
        self,
        environment: str,
        team: str,
        cost_center: str,
        extra_tags: Mapping[str, str] | None = None,
    ) -> None:
        self._required = {
            "Environment": environment,
            "Team": team,
            "CostCenter": cost_center,
            "ManagedBy": "pulumi",
            "Project": PROJECT,
        }
        self._extra = dict(extra_tags or {})

    def tags(self, resource_tags: Mapping[str, str] | None = None) -> dict[str, str]:
        return {**self._extra, **(resource_tags or {}), **self._required}
