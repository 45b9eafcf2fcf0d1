"""The environment contract of the Lambda functions, read once per cold start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from durations.schema import (
    DEFAULT_PRICE_ARM64_GB_SECOND,
    DEFAULT_PRICE_PER_MILLION_REQUESTS,
    DEFAULT_PRICE_X86_64_GB_SECOND,
    ENV_PRICE_ARM64_GB_SECOND,
    ENV_PRICE_PER_MILLION_REQUESTS,
    ENV_PRICE_X86_64_GB_SECOND,
    ENV_RECORD_TTL_DAYS,
    ENV_TABLE_NAME,
    ENV_WRITE_CONCURRENCY,
)
from durations.summary import Prices


class SettingsError(RuntimeError):
    """The function's environment is missing or has an unusable value."""


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}")
    return value


@dataclass(frozen=True)
class IngestSettings:
    table_name: str
    record_ttl_days: int = 30
    write_concurrency: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> IngestSettings:
        table = env.get(ENV_TABLE_NAME)
        if not table:
            raise SettingsError(f"{ENV_TABLE_NAME} is not set")
        return cls(
            table_name=table,
            record_ttl_days=_positive_int(env, ENV_RECORD_TTL_DAYS, cls.record_ttl_days),
            write_concurrency=_positive_int(env, ENV_WRITE_CONCURRENCY, cls.write_concurrency),
        )


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a non-negative number, got {raw!r}") from None
    if not value >= 0:
        raise SettingsError(f"{name} must be a non-negative number, got {raw!r}")
    return value


@dataclass(frozen=True)
class QuerySettings:
    table_name: str
    prices: Prices

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> QuerySettings:
        table = env.get(ENV_TABLE_NAME)
        if not table:
            raise SettingsError(f"{ENV_TABLE_NAME} is not set")
        prices = Prices(
            per_gb_second={
                "x86_64": _positive_float(env, ENV_PRICE_X86_64_GB_SECOND, DEFAULT_PRICE_X86_64_GB_SECOND),
                "arm64": _positive_float(env, ENV_PRICE_ARM64_GB_SECOND, DEFAULT_PRICE_ARM64_GB_SECOND),
            },
            per_request=_positive_float(env, ENV_PRICE_PER_MILLION_REQUESTS, DEFAULT_PRICE_PER_MILLION_REQUESTS)
            / 1_000_000,
        )
        return cls(table_name=table, prices=prices)
