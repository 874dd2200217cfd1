"""Rules about approvals: export (R1), population collection (R4), storage (R5), international
cooperation and trials (R6), foreign institutions (R7) and activity outside a permit (R14).

Where both could apply, "no permit at all" and "a permit, but not for this" stay apart: R4, R5
and R6 fire when no permit of the kind was ever granted for the activity by then; R14 when one
was, but the activity falls outside it (expired, revoked, another site, type or holder).
Exports are judged by R1 alone, whose definition already covers holder, partner, type,
quantity and validity.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from redline.ledger.rules.base import Context, Finding
from redline.ledger.state import Activity, Permit, Transfer

CHINESE = "chinese"


def _scope_problem(
    permit: Permit, ctx: Context, activity: Activity, types: set[str], site: str | None
) -> str | None:
    """Why `activity` is outside `permit`, or None when it is inside."""
    if not permit.valid_at(activity.at):
        if permit.revoked_at is not None and permit.revoked_at <= activity.at:
            return f"permit {permit.id} was revoked"
        return f"permit {permit.id} was not valid on {activity.at.date()}"
    if activity.inst_id not in permit.holders:
        return f"{activity.inst_id} is not a holder of permit {permit.id}"
    if permit.sites and site is not None and site not in permit.sites:
        return f"site {site} is not listed on permit {permit.id}"
    unlisted = sorted(types - set(permit.hgr_types))
    if unlisted:
        return f"type {', '.join(unlisted)} is not listed on permit {permit.id}"
    return None


def _types(ctx: Context, activity: Activity) -> set[str]:
    return {s.type for sid in activity.specimen_ids if (s := ctx.state.specimens.get(sid))}


# --- R1 --------------------------------------------------------------------------------------


def r1_export_without_approval(ctx: Context) -> list[Finding]:
    findings = []
    used: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for transfer in sorted(ctx.state.transfers.values(), key=lambda t: t.seq):
        if not ctx.is_outside_mainland(transfer.destination_country, transfer.cross_border):
            continue
        permit, problem = _export_cover(ctx, transfer, used)
        seqs = [transfer.seq] + ([permit.seq] if permit else [])
        if problem is None and transfer.cleared_at is None:
            problem = "no EXPORT_CLEARED (exit certificate checked by customs) for it"
        if problem is None:
            continue
        entities = [f"transfer:{transfer.id}", f"institution:{transfer.from_inst}"]
        entities += [f"specimen:{sid}" for sid in transfer.items]
        message = f"transfer {transfer.id} to {transfer.destination_country}: {problem}"
        findings.append(ctx.finding("R1", transfer.from_inst, message, entities, seqs))
    return findings


def _export_cover(
    ctx: Context, transfer: Transfer, used: dict[str, dict[str, Decimal]]
) -> tuple[Permit | None, str | None]:
    """The EXPORT permit covering `transfer` (counting its quantity against it), or why none."""
    if transfer.export_permit:
        named = ctx.state.permits.get(transfer.export_permit)
        candidates = [named] if named else []
        if not candidates:
            return None, f"export permit {transfer.export_permit} is not in the ledger"
    else:
        candidates = ctx.permits("EXPORT", holder=transfer.from_inst)
    if not candidates:
        return None, "no EXPORT permit"
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for sid, quantity in transfer.items.items():
        specimen = ctx.state.specimens.get(sid)
        amounts[specimen.type if specimen else "?"] += quantity
    problem = "no EXPORT permit"
    for permit in candidates:
        problem = _export_problem(permit, transfer, amounts, used[permit.id])
        if problem is None:
            for kind, amount in amounts.items():
                used[permit.id][kind] += amount
            return permit, None
    return candidates[0], problem


def _export_problem(
    permit: Permit, transfer: Transfer, amounts: dict[str, Decimal], used: dict[str, Decimal]
) -> str | None:
    if permit.kind != "EXPORT":
        return f"permit {permit.id} is a {permit.kind} permit, not EXPORT"
    if not permit.valid_at(transfer.dispatched_at):
        return f"EXPORT permit {permit.id} was not valid on {transfer.dispatched_at.date()}"
    if transfer.from_inst not in permit.holders:
        return f"{transfer.from_inst} is not a holder of EXPORT permit {permit.id}"
    if permit.foreign_partner and transfer.recipient != permit.foreign_partner:
        return f"recipient {transfer.recipient!r} is not the permit's partner"
    for kind, amount in amounts.items():
        if kind not in permit.hgr_types:
            return f"type {kind} is not listed on EXPORT permit {permit.id}"
        limit = permit.max_specimens.get(kind)
        if limit is not None and used.get(kind, Decimal(0)) + amount > limit:
            return f"{kind} beyond the {limit} allowed by EXPORT permit {permit.id}"
    return None


# --- R4 and R14 (collection) -----------------------------------------------------------------


def r4_collection_without_permit(ctx: Context) -> list[Finding]:
    findings = []
    seen: dict[frozenset[str], set[str]] = defaultdict(set)
    fired: set[frozenset[str]] = set()
    for activity in ctx.state.activities:
        if activity.kind != "collect":
            continue
        group = ctx.project_group(activity.project_id)
        if group in fired or any(
            (p := ctx.project(pid)) and p.category == "clinical_trial_registration" for pid in group
        ):
            continue
        specimen = ctx.state.specimens[activity.specimen_ids[0]]
        participant = ctx.state.participants.get(specimen.participant_ids[0])
        if participant is None:
            continue
        seen[group].add(participant.id_hash)
        if participant.pedigree or participant.specific_region:
            why = "a pedigree" if participant.pedigree else "a specific-region"
            reason = f"{why} participant ({participant.id}) collected"
        elif len(seen[group]) > ctx.config.population_persons:
            reason = f"more than {ctx.config.population_persons} distinct persons collected"
        else:
            continue
        permits = ctx.permits("COLLECTION", project_ids=group, granted_by=activity.at)
        permits += ctx.permits("STORAGE", project_ids=group, granted_by=activity.at)
        if permits:
            continue
        fired.add(group)
        entities = [f"project:{pid}" for pid in sorted(group)] + [f"specimen:{specimen.id}"]
        message = f"{reason} in project(s) {', '.join(sorted(group))} with no COLLECTION permit"
        seqs = [activity.seq, participant.seq]
        findings.append(ctx.finding("R4", activity.inst_id, message, entities, seqs))
    return findings


def r14_outside_permit_scope(ctx: Context) -> list[Finding]:
    findings = []
    for activity in ctx.state.activities:
        if activity.kind == "collect":
            group = ctx.project_group(activity.project_id)
            permits = ctx.permits("COLLECTION", project_ids=group, granted_by=activity.at)
        elif activity.kind == "store" and activity.platform:
            permits = ctx.permits("STORAGE", holder=activity.inst_id, granted_by=activity.at)
        elif (project := ctx.project(activity.project_id)) and project.category == "intl_coop":
            permits = ctx.permits(
                "INTL_COOP", project_ids=frozenset({project.id}), granted_by=activity.at
            )
        else:
            continue
        if not permits:
            continue
        problems = [
            _scope_problem(p, ctx, activity, _types(ctx, activity), activity.site) for p in permits
        ]
        if any(problem is None for problem in problems):
            continue
        entities = [f"specimen:{sid}" for sid in activity.specimen_ids]
        entities += [f"permit:{p.id}" for p in permits]
        message = f"{activity.kind} by {activity.inst_id}: {problems[0]}"
        seqs = [activity.seq] + [p.seq for p in permits]
        seqs += [p.revoked_seq for p in permits if p.revoked_seq is not None]
        findings.append(ctx.finding("R14", activity.inst_id, message, entities, seqs))
    return findings


# --- R5 --------------------------------------------------------------------------------------


def r5_storage_without_permit(ctx: Context) -> list[Finding]:
    findings = []
    for activity in ctx.state.activities:
        if activity.kind != "store" or not activity.platform:
            continue
        if ctx.permits("STORAGE", holder=activity.inst_id, granted_by=activity.at):
            continue
        entities = [f"institution:{activity.inst_id}"]
        entities += [f"specimen:{sid}" for sid in activity.specimen_ids]
        message = f"{activity.inst_id} stores specimens as a platform with no STORAGE permit"
        findings.append(ctx.finding("R5", activity.inst_id, message, entities, [activity.seq]))
    return findings


# --- R6 --------------------------------------------------------------------------------------


def r6_cooperation_without_approval(ctx: Context) -> list[Finding]:
    findings = []
    missing: dict[str, list[Activity]] = defaultdict(list)
    for activity in ctx.state.activities:
        project = ctx.project(activity.project_id)
        if project is None:
            continue
        if project.category == "intl_coop":
            group = frozenset({project.id})
            if not ctx.permits("INTL_COOP", project_ids=group, granted_by=activity.at):
                missing[project.id].append(activity)
        elif project.category == "clinical_trial_registration" and _foreign_trial(ctx, project):
            filed = [
                f
                for f in ctx.state.filings.values()
                if f.kind == "CLINICAL_TRIAL"
                and f.project_id == project.id
                and f.filed_at <= activity.at
            ]
            if not filed:
                missing[project.id].append(activity)
    for project_id, activities in missing.items():
        project = ctx.state.projects[project_id]
        what = "INTL_COOP approval" if project.category == "intl_coop" else "CLINICAL_TRIAL filing"
        message = f"project {project_id}: {len(activities)} activities before any {what}"
        seqs = [project.seq] + [a.seq for a in activities]
        findings.append(
            ctx.finding("R6", project.inst_id, message, [f"project:{project_id}"], seqs)
        )
    findings += _unapproved_changes(ctx)
    return findings


def _foreign_trial(ctx: Context, project: object) -> bool:
    countries = getattr(project, "countries", [])
    return bool(getattr(project, "foreign_partner", None)) or any(
        c.upper() not in ctx.config.mainland for c in countries
    )


_APPROVED_TERMS = ("foreign_partner", "purpose", "content", "end")


def _unapproved_changes(ctx: Context) -> list[Finding]:
    findings = []
    for project in ctx.state.projects.values():
        if project.category != "intl_coop":
            continue
        permits = ctx.permits("INTL_COOP", project_ids=frozenset({project.id}))
        for changed_at, changes, seq in project.changes:
            for term in _APPROVED_TERMS:
                if term not in changes:
                    continue
                approved = [
                    p_seq
                    for p in permits
                    for at, p_changes, p_seq in p.changes
                    if at <= changed_at and p_changes.get(_permit_term(term)) == changes[term]
                ]
                if approved:
                    continue
                message = f"project {project.id}: {term} changed with no PERMIT_CHANGED"
                entities = [f"project:{project.id}"] + [f"permit:{p.id}" for p in permits]
                findings.append(ctx.finding("R6", project.inst_id, message, entities, [seq]))
    return findings


def _permit_term(term: str) -> str:
    return "valid_to" if term == "end" else term


# --- R7 --------------------------------------------------------------------------------------


def r7_foreign_institution(ctx: Context) -> list[Finding]:
    findings = []
    for activity in ctx.state.activities:
        if activity.kind not in ("collect", "store"):
            continue
        status, status_seq = _status(ctx, activity.inst_id, activity)
        if status == CHINESE or _cooperation_exempt(ctx, activity):
            continue
        entities = [f"institution:{activity.inst_id}"]
        entities += [f"specimen:{sid}" for sid in activity.specimen_ids]
        message = f"{status} institution {activity.inst_id} {activity.kind}s HGR"
        seqs = [activity.seq, status_seq]
        findings.append(ctx.finding("R7", activity.inst_id, message, entities, seqs))
    for transfer in ctx.state.transfers.values():
        if not ctx.is_outside_mainland(transfer.destination_country, transfer.cross_border):
            continue
        institution = ctx.state.institutions.get(transfer.from_inst)
        if institution is None:
            continue
        status, status_seq = institution.status_at(transfer.dispatched_at)
        if status == CHINESE:
            continue
        entities = [f"institution:{transfer.from_inst}", f"transfer:{transfer.id}"]
        message = f"{status} institution {transfer.from_inst} sends HGR abroad"
        seqs = [transfer.seq, status_seq]
        findings.append(ctx.finding("R7", transfer.from_inst, message, entities, seqs))
    return findings


def _status(ctx: Context, inst_id: str, activity: Activity) -> tuple[str, int]:
    institution = ctx.state.institutions.get(inst_id)
    return institution.status_at(activity.at) if institution else (CHINESE, activity.seq)


def _cooperation_exempt(ctx: Context, activity: Activity) -> bool:
    """Research in cooperation with a Chinese unit, under a valid INTL_COOP approval."""
    project = ctx.project(activity.project_id)
    if project is None or project.category != "intl_coop":
        return False
    chinese_party = any(
        (inst := ctx.state.institutions.get(pid)) and inst.status_at(activity.at)[0] == CHINESE
        for pid in project.parties
    )
    permits = ctx.permits("INTL_COOP", project_ids=frozenset({project.id}))
    return chinese_party and any(p.valid_at(activity.at) for p in permits)
