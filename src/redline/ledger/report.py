"""Reports from the ledger: the storage annual report's figures, and a per-institution HTML
compliance report with the findings, their legal basis and the entries behind them."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from redline.ledger.config import LedgerConfig
from redline.ledger.entry import Entry
from redline.ledger.rules import Finding
from redline.ledger.state import State

ANNUAL_FIGURES = {
    "collected": "collect",
    "stored": "store",
    "used": "use",
    "destroyed": "destroy",
    "aliquoted": "aliquot",
    "derived": "derive",
    "pooled": "pool",
    "dispatched": "dispatch",
    "received": "receive",
}


def annual_figures(state: State, year: int, inst_id: str | None = None) -> dict[str, Any]:
    """Per institution: specimens touched by each kind of activity in `year`, exports cleared,
    data released, and the specimens it holds now."""
    counts: dict[str, Counter[str]] = {}
    for activity in state.activities:
        if activity.at.year != year or (inst_id and activity.inst_id != inst_id):
            continue
        counts.setdefault(activity.inst_id, Counter())[activity.kind] += len(activity.specimen_ids)
    for transfer in state.transfers.values():
        cleared = transfer.cleared_at is not None and transfer.cleared_at.year == year
        if cleared and (not inst_id or transfer.from_inst == inst_id):
            counts.setdefault(transfer.from_inst, Counter())["exported"] += len(transfer.items)
    for release in state.releases.values():
        if release.released_at.year == year and (not inst_id or release.inst_id == inst_id):
            counts.setdefault(release.inst_id, Counter())["data_released"] += 1
    held = Counter(s.holder for s in state.specimens.values() if s.remaining > 0)
    result = {}
    for inst in sorted(counts):
        figures = {name: counts[inst][kind] for name, kind in ANNUAL_FIGURES.items()}
        figures["exported"] = counts[inst]["exported"]
        figures["data_released"] = counts[inst]["data_released"]
        figures["held_now"] = held[inst]
        result[inst] = figures
    return {"year": year, "institutions": result}


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.critical{color:#a00;font-weight:bold}.high{color:#c40}
.warning,.medium{color:#a70}code{font-size:.85em;word-break:break-all}
"""


def compliance_html(
    inst_id: str,
    state: State,
    findings: Iterable[Finding],
    entries: dict[int, Entry],
    config: LedgerConfig,
    *,
    as_of: datetime,
    root_hash: str,
    tree_size: int,
) -> str:
    """A self-contained HTML page: who, as of when, which ledger root, and every finding."""
    esc = html.escape
    institution = state.institutions.get(inst_id)
    name = institution.name if institution else inst_id
    mine = [f for f in findings if f.inst_id == inst_id]
    rows = []
    for finding in mine:
        cited = "".join(_entry_row(entries[seq]) for seq in finding.evidence_seqs if seq in entries)
        rows.append(
            f"<tr><td>{esc(finding.rule_id)}</td>"
            f"<td class='{esc(finding.severity)}'>{esc(finding.severity)}</td>"
            f"<td>{esc(config.rules[finding.rule_id].title)}<br>{esc(finding.message)}</td>"
            f"<td>{esc(finding.legal_basis)}</td>"
            f"<td><table>{cited}</table></td></tr>"
        )
    body = (
        "".join(rows)
        if rows
        else "<tr><td colspan=5>No findings: every recorded activity had what it needed.</td></tr>"
    )
    return (
        f"<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>Compliance report: {esc(name)}</title><style>{_STYLE}</style>"
        f"<h1>Human genetic resources: compliance report</h1>"
        f"<p><b>Institution:</b> {esc(name)} ({esc(inst_id)})<br>"
        f"<b>Competent authority:</b> {esc(config.authority)}<br>"
        f"<b>As of:</b> {esc(as_of.isoformat())}<br>"
        f"<b>Ledger:</b> {tree_size} entries, Merkle root <code>{esc(root_hash)}</code></p>"
        f"<h2>Findings ({len(mine)})</h2>"
        "<table><tr><th>rule</th><th>severity</th><th>what</th><th>legal basis</th>"
        f"<th>entries (seq, type, time, entry hash)</th></tr>{body}</table>"
        "<p>Each entry can be checked against a signed checkpoint with "
        "<code>redline ledger proof</code> and <code>redline ledger verify</code>.</p></html>"
    )


def _entry_row(entry: Entry) -> str:
    esc = html.escape
    return (
        f"<tr><td>{entry.seq}</td><td>{esc(entry.event_type)}</td><td>{esc(entry.event_time)}</td>"
        f"<td><code>{entry.entry_hash.hex()[:16]}…</code>"
        f"<details><summary>payload</summary><code>{esc(entry.payload)}</code></details></td></tr>"
    )
