"""Stack settings for the local runner, read from a `Pulumi.<stack>.yaml` file like a deployed stack's."""

import logging
from pathlib import Path
from typing import Final

import yaml

from webhook_platform.errors import ConfigurationError
from webhook_platform.naming import TABLE, AwsService, NamingProvider, PrefixedNaming, StandardNaming
from webhook_platform.settings import PROJECT, StackSettings, settings_from_mapping

DEFAULT_STACK_FILE: Final = Path("Pulumi.dev.yaml")

logger = logging.getLogger(__name__)


def load_stack_settings(path: Path) -> StackSettings:
    """Validate the `config:` section of a stack file with the same rules `pulumi preview` applies.

    Encrypted values (`secure:` entries, such as the signing secrets) cannot be read without the
    stack's passphrase, so they are skipped. The local runner brings its own signing secret.
    Raises `ConfigurationError` naming the file when it is missing or not a stack file.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError(
            f"Stack file {path} cannot be read: {error.strerror}. Fix: pass --stack-file Pulumi.<stack>.yaml"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigurationError(_yaml_error_message(path, error)) from None

    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise ConfigurationError(
            f"Stack file {path} has no `config:` mapping; see Pulumi.dev.yaml for the layout"
        )

    mapping: dict[str, str] = {}
    for full_key, value in config.items():
        key = _setting_key(str(full_key))
        if key is None:
            continue
        if isinstance(value, dict):
            logger.info("Skipped %s from %s: encrypted values are not read locally", full_key, path)
            continue
        mapping[key] = _config_text(value)

    return settings_from_mapping(mapping)


def naming_for(settings: StackSettings) -> NamingProvider:
    """Return the naming provider the stack's `namingStrategy` selects, as the container does."""
    if settings.naming_strategy == "prefixed" and settings.name_prefix is not None:
        return PrefixedNaming(settings.environment_suffix, settings.name_prefix)
    return StandardNaming(settings.environment_suffix)


def table_name_for(settings: StackSettings) -> str:
    """Return the physical table name the stack deploys, such as `transactions-dev`."""
    return naming_for(settings).name(TABLE, AwsService.DYNAMODB_TABLE)


def _yaml_error_message(path: Path, error: yaml.YAMLError) -> str:
    """Describe a YAML error by the stack file's path and line, not PyYAML's `<unicode string>`."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    reason = f"{context}, {problem}" if context else problem
    # PyYAML counts lines and columns from 0.
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    return f"Stack file {where} is not valid YAML: {reason}. Fix: correct the YAML at that line."


def _setting_key(full_key: str) -> str | None:
    if full_key.startswith(f"{PROJECT}:"):
        return full_key.removeprefix(f"{PROJECT}:")
    if full_key == "aws:region":
        return full_key
    return None


def _config_text(value: object) -> str:
    # Pulumi stores every config value as text; YAML turns unquoted ones into numbers and booleans.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
