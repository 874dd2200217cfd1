"""Ledger in, findings out: verify, project, and run the rules over one source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger.config import LedgerConfig, load_config
from redline.ledger.projection import project
from redline.ledger.rules import Finding, evaluate
from redline.ledger.sources import EntrySource
from redline.ledger.state import State
from redline.ledger.verify import VerifyReport, verify


def project_source(source: EntrySource) -> State:
    """The state of a ledger, rebuilt from its entries (corrections read first: they are few)."""
    return project(source.entries(), source.entries(event_types=["CORRECTION"]))


@dataclass
class Analysis:
    state: State
    findings: list[Finding]
    verification: VerifyReport | None


def analyse(
    source: EntrySource,
    config: LedgerConfig | None = None,
    *,
    as_of: datetime | None = None,
    check_integrity: bool = True,
    trusted_key: Ed25519PublicKey | None = None,
) -> Analysis:
    """Verify (for R13), project and evaluate every rule."""
    report = verify(source, trusted_key=trusted_key) if check_integrity else None
    state = project_source(source)
    issues = report.issues if report else []
    findings = evaluate(state, config or load_config(), as_of=as_of, issues=issues)
    return Analysis(state, findings, report)
