"""Rules about figures: counts that do not reconcile (R9) and reports overdue (R10)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from redline.ledger.rules.base import Context, Finding


def r9_counts(ctx: Context) -> list[Finding]:
    return [
        *_overdraws(ctx),
        *_transfers(ctx),
        *_inventory(ctx),
        *_quotas(ctx),
        *_annual_figures(ctx),
    ]


def _overdraws(ctx: Context) -> list[Finding]:
    findings = []
    for overdraw in ctx.state.overdraws:
        specimen = ctx.state.specimens[overdraw.specimen_id]
        message = (
            f"{overdraw.what} takes {overdraw.wanted} {specimen.unit} from {specimen.id}, "
            f"which held {overdraw.available}"
        )
        seqs = [specimen.seq, overdraw.seq]
        findings.append(
            ctx.finding("R9", specimen.holder, message, [f"specimen:{specimen.id}"], seqs)
        )
    return findings


def _transfers(ctx: Context) -> list[Finding]:
    findings = []
    receipt = timedelta(days=ctx.config.transfer_receipt_days)
    for transfer in ctx.state.transfers.values():
        if transfer.to_inst is None or ctx.is_outside_mainland(
            transfer.destination_country, transfer.cross_border
        ):
            continue
        entities = [f"transfer:{transfer.id}"]
        if transfer.received is None:
            if ctx.as_of - transfer.dispatched_at > receipt:
                message = f"transfer {transfer.id} to {transfer.to_inst} never received"
                findings.append(
                    ctx.finding("R9", transfer.from_inst, message, entities, [transfer.seq])
                )
            continue
        short = {
            sid: (sent, transfer.received.get(sid, Decimal(0)))
            for sid, sent in transfer.items.items()
            if transfer.received.get(sid, Decimal(0)) != sent
        }
        if short:
            sid, (sent, got) = next(iter(short.items()))
            message = f"transfer {transfer.id}: {sid} sent {sent}, received {got}"
            assert transfer.received_seq is not None
            seqs = [transfer.seq, transfer.received_seq]
            entities += [f"specimen:{s}" for s in short]
            findings.append(ctx.finding("R9", transfer.to_inst, message, entities, seqs))
    return findings


def _inventory(ctx: Context) -> list[Finding]:
    findings = []
    for count in ctx.state.counts:
        if count.counted == count.expected:
            continue
        specimen = ctx.state.specimens[count.specimen_id]
        message = f"inventory of {specimen.id}: counted {count.counted}, ledger {count.expected}"
        seqs = [specimen.seq, count.seq]
        findings.append(
            ctx.finding("R9", specimen.holder, message, [f"specimen:{specimen.id}"], seqs)
        )
    return findings


def _quotas(ctx: Context) -> list[Finding]:
    findings = []
    for permit in ctx.state.permits.values():
        if permit.kind != "COLLECTION" or permit.project_id is None:
            continue
        persons: set[str] = set()
        per_type: dict[str, int] = defaultdict(int)
        for activity in ctx.state.activities:
            if activity.kind != "collect" or activity.project_id != permit.project_id:
                continue
            specimen = ctx.state.specimens[activity.specimen_ids[0]]
            participant = ctx.state.participants.get(specimen.participant_ids[0])
            if participant is not None:
                persons.add(participant.id_hash)
            per_type[specimen.type] += 1
            limit = permit.max_specimens.get(specimen.type)
            if permit.max_persons is not None and len(persons) > permit.max_persons:
                reason = f"more than {permit.max_persons} persons"
            elif limit is not None and per_type[specimen.type] > limit:
                reason = f"more than {limit} {specimen.type} specimens"
            else:
                continue
            message = f"permit {permit.id} quota exceeded: {reason}"
            entities = [f"permit:{permit.id}", f"project:{permit.project_id}"]
            seqs = [permit.seq, activity.seq]
            findings.append(ctx.finding("R9", activity.inst_id, message, entities, seqs))
            break
    return findings


_FIGURES = {"collected": "collect", "stored": "store", "destroyed": "destroy", "used": "use"}
"""Annual report figures the ledger can recompute: the count of each activity in the year."""


def _annual_figures(ctx: Context) -> list[Finding]:
    findings = []
    counted: dict[tuple[str, int, str], int] = defaultdict(int)
    for activity in ctx.state.activities:
        counted[activity.inst_id, activity.at.year, activity.kind] += len(activity.specimen_ids)
    for report in ctx.state.reports.values():
        if report.kind != "ANNUAL_STORAGE" or report.year is None:
            continue
        for name, kind in _FIGURES.items():
            if name not in report.figures:
                continue
            ledger = counted[report.inst_id, report.year, kind]
            if report.figures[name] != ledger:
                message = f"annual report {report.id} ({report.year}): {name} "
                message += f"{report.figures[name]}, ledger {ledger}"
                findings.append(
                    ctx.finding(
                        "R9", report.inst_id, message, [f"report:{report.id}"], [report.seq]
                    )
                )
    return findings


def r10_reports_overdue(ctx: Context) -> list[Finding]:
    findings = []
    annual = {
        (r.inst_id, r.year): r for r in ctx.state.reports.values() if r.kind == "ANNUAL_STORAGE"
    }
    done: set[tuple[str, int]] = set()
    for permit in ctx.state.permits.values():
        if permit.kind != "STORAGE":
            continue
        for holder in permit.holders:
            for year in range(permit.valid_from.year, ctx.as_of.year):
                if (holder, year) in done or not _valid_during(permit, year):
                    continue
                due = datetime.combine(ctx.config.annual_report_due(year), time(), UTC)
                due += timedelta(days=1)
                report = annual.get((holder, year))
                if ctx.as_of < due or (report and report.submitted_at < due):
                    continue
                done.add((holder, year))
                late = f"submitted late ({report.submitted_at.date()})" if report else "missing"
                message = f"annual storage report {year} of {holder} (due {due.date()}): {late}"
                seqs = [permit.seq] + ([report.seq] if report else [])
                findings.append(ctx.finding("R10", holder, message, [f"permit:{permit.id}"], seqs))
    months = ctx.config.intl_coop_report_months
    closures = {r.project_id: r for r in ctx.state.reports.values() if r.kind != "ANNUAL_STORAGE"}
    for project in ctx.state.projects.values():
        if project.category != "intl_coop" or project.end is None:
            continue
        due = _add_months(project.end, months)
        report = closures.get(project.id)
        if ctx.as_of < due or (report and report.submitted_at < due):
            continue
        late = f"submitted late ({report.submitted_at.date()})" if report else "missing"
        message = f"cooperation report of {project.id} (due {due.date()}): {late}"
        seqs = [project.seq] + ([report.seq] if report else [])
        findings.append(
            ctx.finding("R10", project.inst_id, message, [f"project:{project.id}"], seqs)
        )
    return findings


def _valid_during(permit: object, year: int) -> bool:
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    valid_from, valid_to = getattr(permit, "valid_from"), getattr(permit, "valid_to")  # noqa: B009
    return valid_from < end and valid_to > start


def _add_months(when: datetime, months: int) -> datetime:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    day = min(when.day, 28)
    return when.replace(year=year, month=month, day=day)
