"""R8: genetic data to a foreign party without prior report and backup, or without a review."""

from __future__ import annotations

from redline.ledger.rules.base import Context, Finding
from redline.ledger.state import DataRelease, Filing


def r8_genetic_data_abroad(ctx: Context) -> list[Finding]:
    findings = []
    for release in ctx.state.releases.values():
        asset = ctx.state.assets.get(release.asset_id)
        if not release.recipient_foreign or asset is None:
            continue
        if asset.data_type not in ctx.config.genetic_data_types:
            continue  # clinical, imaging, protein, metabolic data are not "genetic information"
        filings = [f for f in _filings(ctx, release) if f.filed_at <= release.released_at]
        problems = []
        if not filings:
            problems.append("no prior report (INFO_PRIOR_REPORT filing)")
        backed_up = any(at <= release.released_at for at, _, _ in asset.backups) or any(
            f.backup_ref for f in filings
        )
        if not backed_up:
            problems.append("no data backup")
        needs_review = asset.persons > ctx.config.genetic_data_review_persons or any(
            f.security_review == "required" for f in filings
        )
        reviewed = any(
            f.security_review == "passed"
            or (f.review_outcome == "passed" and f.review_at and f.review_at <= release.released_at)
            for f in filings
        )
        if needs_review and not reviewed:
            problems.append("no passed security review")
        if not problems:
            continue
        seqs = [release.seq, asset.seq] + [f.seq for f in filings]
        entities = [f"release:{release.id}", f"asset:{asset.id}"]
        message = f"{asset.data_type} data of {asset.persons} persons to {release.recipient}: "
        message += "; ".join(problems)
        findings.append(ctx.finding("R8", release.inst_id, message, entities, seqs))
    return findings


def _filings(ctx: Context, release: DataRelease) -> list[Filing]:
    if release.filing_id:
        named = ctx.state.filings.get(release.filing_id)
        return [named] if named and named.kind == "INFO_PRIOR_REPORT" else []
    asset = ctx.state.assets[release.asset_id]
    return [
        f
        for f in ctx.state.filings.values()
        if f.kind == "INFO_PRIOR_REPORT"
        and f.inst_id == release.inst_id
        and (
            f.asset_id == asset.id
            or (f.asset_id is None and f.project_id and f.project_id == asset.project_id)
        )
    ]
