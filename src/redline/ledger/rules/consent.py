"""Rules about people's consent and ethics review: R2, R3 and R11."""

from __future__ import annotations

from collections import defaultdict

from redline.ledger.rules.base import Context, Finding
from redline.ledger.state import Activity, Consent, Specimen

_USES = ("use", "dispatch", "derive", "aliquot", "pool", "release", "data")
"""What R3 counts as use after withdrawal."""


def r2_collection_without_consent(ctx: Context) -> list[Finding]:
    findings = []
    for activity in ctx.state.activities:
        if activity.kind != "collect":
            continue
        specimen = ctx.state.specimens[activity.specimen_ids[0]]
        participant_id = specimen.participant_ids[0]
        problem, consents = _consent_problem(ctx, activity, specimen, participant_id)
        if problem is None:
            continue
        seqs = [activity.seq] + [c.seq for c in consents]
        seqs += [c.withdrawn_seq for c in consents if c.withdrawn_seq is not None]
        entities = [f"specimen:{specimen.id}", f"participant:{participant_id}"]
        entities += [f"project:{specimen.project_id}"] + [f"consent:{c.id}" for c in consents]
        message = f"specimen {specimen.id} collected {problem}"
        findings.append(ctx.finding("R2", activity.inst_id, message, entities, seqs))
    return findings


def _consent_problem(
    ctx: Context, activity: Activity, specimen: Specimen, participant_id: str
) -> tuple[str | None, list[Consent]]:
    consents = ctx.consents_for(participant_id, specimen.project_id)
    if specimen.consent_ids:
        consents = [c for c in consents if c.id in specimen.consent_ids]
    if not consents:
        return "with no consent on record", []
    project = ctx.project(specimen.project_id)
    scope = ctx.config.collection_scope
    if project is not None and project.category == "storage_platform":
        scope = ctx.config.storage_scope
    problems = []
    for consent in consents:
        if not consent.written:
            problems.append("with consent that was not written")
        elif consent.signed_at > activity.at:
            problems.append("before the consent was signed")
        elif consent.withdrawn_at is not None and consent.withdrawn_at <= activity.at:
            problems.append("after the consent was withdrawn")
        elif scope not in consent.scope:
            problems.append(f"with consent whose scope lacks {scope!r}")
        else:
            return None, consents
    return problems[0], consents


def r3_use_after_withdrawal(ctx: Context) -> list[Finding]:
    findings = []
    for activity in ctx.state.activities:
        if activity.kind not in _USES:
            continue
        for sid in activity.specimen_ids:
            specimen = ctx.state.specimens.get(sid)
            if specimen is None:
                continue
            withdrawn = _withdrawn(ctx, specimen, activity)
            if withdrawn is None:
                continue
            assert withdrawn.withdrawn_seq is not None
            entities = [f"specimen:{sid}", f"consent:{withdrawn.id}"]
            entities.append(f"participant:{withdrawn.participant_id}")
            message = f"{activity.kind} of {sid} after consent {withdrawn.id} was withdrawn"
            seqs = [activity.seq, withdrawn.withdrawn_seq]
            findings.append(ctx.finding("R3", activity.inst_id, message, entities, seqs))
    return findings


def _withdrawn(ctx: Context, specimen: Specimen, activity: Activity) -> Consent | None:
    """A consent covering the specimen that was withdrawn by then, with none still in force."""
    for participant_id in specimen.participant_ids:
        consents = [
            c
            for c in ctx.consents_for(participant_id, specimen.project_id)
            if c.signed_at <= activity.at
        ]
        withdrawn = [c for c in consents if c.withdrawn_at and c.withdrawn_at <= activity.at]
        if withdrawn and len(withdrawn) == len(consents):
            return withdrawn[0]
    return None


def r11_ethics(ctx: Context) -> list[Finding]:
    missing: dict[tuple[str, str], list[Activity]] = defaultdict(list)
    for activity in ctx.state.activities:
        if activity.kind not in ("collect", "use", "data"):
            continue
        project = ctx.project(activity.project_id)
        if project is None:
            continue
        approvals = [e for e in ctx.state.ethics.values() if e.project_id == project.id]
        countries = project.countries if project.category == "intl_coop" else []
        for country in countries or [None]:
            valid = [
                e
                for e in approvals
                if (country is None or e.country == country)
                and e.valid_from <= activity.at < e.valid_to
            ]
            if not valid:
                missing[project.id, country or ""].append(activity)
    findings = []
    for (project_id, country), activities in missing.items():
        project = ctx.state.projects[project_id]
        approvals = [e for e in ctx.state.ethics.values() if e.project_id == project_id]
        where = f" in {country}" if country else ""
        state = "out of date" if approvals else "missing"
        message = f"project {project_id}: ethics approval{where} {state} for {len(activities)} "
        message += "activities"
        seqs = [a.seq for a in activities] + [e.seq for e in approvals]
        findings.append(
            ctx.finding("R11", project.inst_id, message, [f"project:{project_id}"], seqs)
        )
    return findings
