"""Rule configuration: shipped defaults, overridden key by key, bad files named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from redline.ledger.config import RULE_IDS, ConfigError, load_config, normalize_contact


def test_defaults_cover_every_rule_and_the_authority() -> None:
    config = load_config()
    assert set(config.rules) == set(RULE_IDS)
    assert "National Health Commission" in config.authority
    assert config.population_persons == 3000
    assert config.annual_report_due(2024) == date(2025, 3, 31)


def test_a_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[authority]\nname = "Provincial Health Commission"\n'
        '[thresholds]\nmax_price_per_specimen = "250.5"\n'
        '[rules.R3]\nseverity = "high"\n'
        '[trading]\nwatchlist = ["WX: Courier-01"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.authority == "Provincial Health Commission"
    assert config.max_price_per_specimen == Decimal("250.5")
    assert config.rules["R3"].severity == "high"
    assert config.rules["R3"].legal_basis == load_config().rules["R3"].legal_basis
    assert normalize_contact("wx:courier01") in config.watchlist


@pytest.mark.parametrize(
    "text",
    [
        "[thresholds\n",
        '[thresholds]\npopulation_persons = "many"\n',
        '[deadlines]\nannual_report = "March"\n',
    ],
)
def test_bad_configuration_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
