"""The violation rules R1-R14 of LEDGER.md, each a function from the projected state to findings.

`evaluate` runs them all over one `State`; findings come back sorted by rule, then evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from redline.ledger.config import LedgerConfig, load_config
from redline.ledger.rules.approvals import (
    r1_export_without_approval,
    r4_collection_without_permit,
    r5_storage_without_permit,
    r6_cooperation_without_approval,
    r7_foreign_institution,
    r14_outside_permit_scope,
)
from redline.ledger.rules.base import Context, Finding
from redline.ledger.rules.consent import (
    r2_collection_without_consent,
    r3_use_after_withdrawal,
    r11_ethics,
)
from redline.ledger.rules.counts import r9_counts, r10_reports_overdue
from redline.ledger.rules.data import r8_genetic_data_abroad
from redline.ledger.rules.integrity import r13_integrity
from redline.ledger.rules.trading import r12_trading
from redline.ledger.state import State
from redline.ledger.verify import Issue

RULES: dict[str, Callable[[Context], list[Finding]]] = {
    "R1": r1_export_without_approval,
    "R2": r2_collection_without_consent,
    "R3": r3_use_after_withdrawal,
    "R4": r4_collection_without_permit,
    "R5": r5_storage_without_permit,
    "R6": r6_cooperation_without_approval,
    "R7": r7_foreign_institution,
    "R8": r8_genetic_data_abroad,
    "R9": r9_counts,
    "R10": r10_reports_overdue,
    "R11": r11_ethics,
    "R12": r12_trading,
    "R13": r13_integrity,
    "R14": r14_outside_permit_scope,
}


def evaluate(
    state: State,
    config: LedgerConfig | None = None,
    *,
    as_of: datetime | None = None,
    issues: Iterable[Issue] = (),
    rules: Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding of `rules` (default: all) over `state`, judged as of `as_of`.

    `as_of` defaults to the latest event time in the ledger, so the same ledger always gives
    the same findings; pass the current time to see deadlines that have passed since.
    """
    config = config or load_config()
    when = as_of or state.last_event_time or datetime.min.replace(tzinfo=UTC)
    ctx = Context(state, config, when, list(issues))
    findings: list[Finding] = []
    for rule_id in rules or RULES:
        findings.extend(RULES[rule_id](ctx))
    return sorted(findings, key=Finding.sort_key)


__all__ = ["RULES", "Finding", "evaluate"]
