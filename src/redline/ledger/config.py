"""Rule configuration: the shipped defaults (`defaults.toml`) overlaid with a user's TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from redline.ledger.watchlist import WatchlistError, read_watchlist, watch_keys
from redline.ledger.watchlist import normalize_contact as normalize_contact  # re-exported

RULE_IDS = tuple(f"R{n}" for n in range(1, 15))


class ConfigError(ValueError):
    """A configuration file that cannot be read or has a value of the wrong kind."""


@dataclass(frozen=True)
class RuleInfo:
    severity: str
    legal_basis: str
    title: str


@dataclass(frozen=True)
class LedgerConfig:
    authority: str
    authority_before_2024: str
    population_persons: int
    genetic_data_review_persons: int
    max_price_per_specimen: Decimal
    backdate_max_days: int
    annual_report_month_day: tuple[int, int]
    intl_coop_report_months: int
    transfer_receipt_days: int
    mainland: frozenset[str]
    genetic_data_types: frozenset[str]
    collection_scope: str
    storage_scope: str
    watchlist: frozenset[str]
    rules: dict[str, RuleInfo]

    def annual_report_due(self, year: int) -> date:
        """When the storage report for `year` is due (in the following year)."""
        month, day = self.annual_report_month_day
        return date(year + 1, month, day)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def load_config(path: Path | None = None, **overrides: Any) -> LedgerConfig:
    """The defaults, overlaid with `path` (a TOML file) and then `overrides` (section dicts)."""
    raw = tomllib.loads(resources.files("redline.ledger").joinpath("defaults.toml").read_text())
    if path is not None:
        try:
            raw = _merge(raw, tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    raw = _merge(raw, overrides)
    try:
        month, day = (int(x) for x in raw["deadlines"]["annual_report"].split("-"))
        rules = {rid: RuleInfo(**raw["rules"][rid]) for rid in RULE_IDS}
        return LedgerConfig(
            authority=str(raw["authority"]["name"]),
            authority_before_2024=str(raw["authority"]["before_2024"]),
            population_persons=int(raw["thresholds"]["population_persons"]),
            genetic_data_review_persons=int(raw["thresholds"]["genetic_data_review_persons"]),
            max_price_per_specimen=Decimal(str(raw["thresholds"]["max_price_per_specimen"])),
            backdate_max_days=int(raw["thresholds"]["backdate_max_days"]),
            annual_report_month_day=(month, day),
            intl_coop_report_months=int(raw["deadlines"]["intl_coop_report_months"]),
            transfer_receipt_days=int(raw["deadlines"]["transfer_receipt_days"]),
            mainland=frozenset(raw["scope"]["mainland"]),
            genetic_data_types=frozenset(raw["scope"]["genetic_data_types"]),
            collection_scope=str(raw["scope"]["collection_scope"]),
            storage_scope=str(raw["scope"]["storage_scope"]),
            watchlist=frozenset(k for v in raw["trading"]["watchlist"] for k in watch_keys(v)),
            rules=rules,
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ConfigError(f"ledger configuration: bad or missing value ({exc!r})") from None


def rule_config(path: Path | None = None, watchlist: Path | None = None) -> LedgerConfig:
    """What the command line and the service both take: a TOML file and a watchlist file (its
    values become R12's watchlist). Either may be None; an unreadable one is a `ConfigError`."""
    overrides: dict[str, Any] = {}
    if watchlist is not None:
        try:
            overrides["trading"] = {"watchlist": read_watchlist(watchlist)}
        except WatchlistError as exc:
            raise ConfigError(str(exc)) from None
    return load_config(path, **overrides)
