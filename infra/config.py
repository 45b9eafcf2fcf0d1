"""The stack's settings, read from CDK context into a frozen value once, in app.py.

Every setting has a documented default in cdk.json; `cdk deploy -c key=value` overrides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_logs as logs

from durations.schema import (
    DEFAULT_PRICE_ARM64_GB_SECOND,
    DEFAULT_PRICE_PER_MILLION_REQUESTS,
    DEFAULT_PRICE_X86_64_GB_SECOND,
)

CAPTURE_ACCOUNT = "account"

# CloudWatch Logs accepts only fixed retention periods; these are the ones offered here.
_LOG_RETENTION_DAYS = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
}


class ConfigError(ValueError):
    """A context value that cannot be used; the message names the key and what it accepts."""


@dataclass(frozen=True)
class Prices:
    """Lambda list prices used for estimated cost; us-east-1 first tier by default."""

    x86_64_gb_second: float = DEFAULT_PRICE_X86_64_GB_SECOND
    arm64_gb_second: float = DEFAULT_PRICE_ARM64_GB_SECOND
    per_million_requests: float = DEFAULT_PRICE_PER_MILLION_REQUESTS


@dataclass(frozen=True)
class StackConfig:
    stack_name: str = "LambdaDurations"
    # "account" for the account-level subscription filter policy, or a tuple of log
    # group names that each get their own subscription filter.
    capture: str | tuple[str, ...] = CAPTURE_ACCOUNT
    record_retention_days: int = 30
    retain_data: bool = True
    log_retention_days: int = 30
    alarm_email: str | None = None
    prices: Prices = Prices()

    @property
    def capture_log_groups(self) -> tuple[str, ...]:
        return () if self.capture == CAPTURE_ACCOUNT else tuple(self.capture)

    @property
    def log_retention(self) -> logs.RetentionDays:
        return _LOG_RETENTION_DAYS[self.log_retention_days]

    @classmethod
    def from_context(cls, get: Any) -> StackConfig:
        """``get`` is ``app.node.try_get_context``: values from cdk.json or ``-c key=value``."""
        defaults = cls()
        config = cls(
            stack_name=_string(get("stack_name"), "stack_name", defaults.stack_name),
            capture=_capture(get("capture")),
            record_retention_days=_positive_int(get("record_retention_days"), "record_retention_days", 30),
            retain_data=_bool(get("retain_data"), "retain_data", True),
            log_retention_days=_positive_int(get("log_retention_days"), "log_retention_days", 30),
            alarm_email=_string(get("alarm_email"), "alarm_email", None) or None,
            prices=Prices(
                x86_64_gb_second=_price(
                    get("price_x86_64_gb_second"), "price_x86_64_gb_second", Prices.x86_64_gb_second
                ),
                arm64_gb_second=_price(get("price_arm64_gb_second"), "price_arm64_gb_second", Prices.arm64_gb_second),
                per_million_requests=_price(
                    get("price_per_million_requests"), "price_per_million_requests", Prices.per_million_requests
                ),
            ),
        )
        if config.log_retention_days not in _LOG_RETENTION_DAYS:
            allowed = ", ".join(str(days) for days in sorted(_LOG_RETENTION_DAYS))
            raise ConfigError(f"log_retention_days must be one of {allowed}; got {config.log_retention_days}")
        return config


def _string(value: Any, key: str, default: str | None) -> Any:
    if value is None:
        return default
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string; got {value!r}")
    return value.strip()


def _positive_int(value: Any, key: str, default: int) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a positive whole number; got {value!r}") from None
    if number <= 0 or isinstance(value, bool):
        raise ConfigError(f"{key} must be a positive whole number; got {value!r}")
    return number


def _price(value: Any, key: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a price in USD (a number); got {value!r}") from None
    if isinstance(value, bool) or not number >= 0:
        raise ConfigError(f"{key} must be a price in USD (a non-negative number); got {value!r}")
    return number


def _bool(value: Any, key: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ConfigError(f"{key} must be true or false; got {value!r}")


def _capture(value: Any) -> str | tuple[str, ...]:
    """``"account"``, a JSON list of log group names, or names separated by commas."""
    if value is None or value == CAPTURE_ACCOUNT:
        return CAPTURE_ACCOUNT
    if isinstance(value, str):
        text = value.strip()
        names = json.loads(text) if text.startswith("[") else [part.strip() for part in text.split(",")]
    elif isinstance(value, list):
        names = value
    else:
        raise ConfigError(f'capture must be "account" or a list of log group names; got {value!r}')
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ConfigError(f'capture must be "account" or a non-empty list of log group names; got {value!r}')
    if len(set(names)) != len(names):
        raise ConfigError("capture lists a log group twice")
    return tuple(names)
