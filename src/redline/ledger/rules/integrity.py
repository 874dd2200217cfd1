"""R13: ledger integrity: what verification found, backdating, and unregistered actors."""

from __future__ import annotations

from datetime import timedelta

from redline.ledger.rules.base import Context, Finding


def r13_integrity(ctx: Context) -> list[Finding]:
    findings = [
        ctx.finding(
            "R13",
            None,
            issue.message,
            [f"ledger:{issue.kind}"],
            [issue.seq] if issue.seq is not None else [],
        )
        for issue in ctx.issues
    ]
    bound = timedelta(days=ctx.config.backdate_max_days).total_seconds()
    state = ctx.state
    for seq, inst_id, delay in state.late_entries:
        if delay > bound:
            message = f"entry {seq} backdated: recorded {delay / 86400:.0f} days after its event"
            entities = [f"entry:{seq}", f"institution:{inst_id}"]
            findings.append(ctx.finding("R13", inst_id, message, entities, [seq]))
    for issue in state.actor_issues:
        if issue.kind == "before_registration":
            message = f"entry {issue.seq}: {issue.inst_id} acts before it was registered"
            entities = [f"institution:{issue.inst_id}"]
        else:
            message = (
                f"entry {issue.seq}: actor {issue.actor_id} is not registered to {issue.inst_id}"
            )
            entities = [f"actor:{issue.inst_id}/{issue.actor_id}"]
        seqs = [issue.seq, issue.registration_seq]
        findings.append(ctx.finding("R13", issue.inst_id, message, entities, seqs))
    return findings
