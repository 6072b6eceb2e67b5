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


def read_stack_config(path: Path) -> dict[str, str]:
    """Read the plain-text `config:` values of a stack file, keyed `namespace:key` as Pulumi stores them.

    Only this project's keys and `aws:region` are kept. Encrypted values (`secure:` entries, such as
    the signing secrets) cannot be read without the stack's passphrase, so they are skipped.
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

    values: dict[str, str] = {}
    for full_key, value in config.items():
        if _setting_key(str(full_key)) is None:
            continue
        if isinstance(value, dict):
            logger.info("Skipped %s from %s: encrypted values are not read locally", full_key, path)
            continue
        values[str(full_key)] = _config_text(value)
    return values


def settings_from_stack_config(config: dict[str, str]) -> StackSettings:
    """Validate config read by `read_stack_config` with the same rules `pulumi preview` applies."""
    mapping = {_setting_key(full_key): value for full_key, value in config.items()}
    return settings_from_mapping({key: value for key, value in mapping.items() if key is not None})


def load_stack_settings(path: Path) -> StackSettings:
    """Read and validate a stack file's settings; the local runner brings its own signing secret."""
    return settings_from_stack_config(read_stack_config(path))


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
