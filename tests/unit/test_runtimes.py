"""Runtime lifecycle: warn past deprecation, fail once AWS blocks new functions."""

import datetime
from unittest.mock import patch

import pytest

from webhook_platform.errors import ConfigurationError
from webhook_platform.runtimes import NODEJS_RUNTIMES, check_runtime


def _on(year: int, month: int, day: int):
    return lambda: datetime.date(year, month, day)


def test_current_runtime_passes_quietly():
    with patch("pulumi.log.warn") as warn:
        lifecycle = check_runtime("nodejs24.x", _on(2026, 12, 4))
    assert lifecycle.node_major == 24
    warn.assert_not_called()


def test_deprecated_runtime_warns_with_fix():
    with patch("pulumi.log.warn") as warn:
        check_runtime("nodejs22.x", _on(2027, 5, 1))
    message = warn.call_args.args[0]
    assert "deprecated by AWS since 2027-04-30" in message
    assert "pulumi config set lambdaRuntime nodejs24.x" in message


def test_blocked_runtime_fails_with_supported_list():
    with pytest.raises(ConfigurationError) as raised:
        check_runtime("nodejs20.x", _on(2026, 12, 4))
    message = str(raised.value)
    assert "since 2026-06-01" in message
    assert "Runtimes AWS still accepts: nodejs22.x, nodejs24.x" in message


def test_day_before_block_only_warns():
    with patch("pulumi.log.warn") as warn:
        check_runtime("nodejs20.x", _on(2026, 5, 31))
    warn.assert_called_once()


def test_dates_are_in_order():
    for lifecycle in NODEJS_RUNTIMES.values():
        assert lifecycle.deprecation < lifecycle.block_create < lifecycle.block_update
