"""The current state, folded from the ledger's events in `seq` order.

Deterministic by construction: one pass in `seq` order, corrections applied first (a CORRECTION
replaces or voids the payload of the entry it names, so the fold sees the corrected history),
nothing read from the clock. Besides the entities, the state keeps the dated facts the rules
judge: every activity on specimens, every quantity drawn beyond what was there, every inventory
count with the quantity the ledger expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from redline.ledger.entry import Entry
from redline.ledger.events import parse_day_end, parse_day_start, parse_time
from redline.ledger.state import (
    LATE_SECONDS,
    ZERO,
    Activity,
    ActorIssue,
    Consent,
    Count,
    DataAsset,
    DataRelease,
    Ethics,
    Filing,
    Institution,
    Overdraw,
    Participant,
    Permit,
    Project,
    Report,
    Specimen,
    State,
    Transfer,
)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def project(entries: Iterable[Entry], corrections: Iterable[Entry] = ()) -> State:
    """Fold `entries` (in seq order) into a `State`; `corrections` are the CORRECTION entries.

    Pass the corrections separately (they are few) so that one streaming pass suffices; when
    omitted, corrections found in `entries` still apply to entries after them only.
    """
    folder = _Folder()
    for correction in corrections:
        folder.register_correction(correction)
    for entry in entries:
        folder.apply(entry)
    return folder.state


class _Folder:
    def __init__(self) -> None:
        self.state = State()
        self.replacement: dict[int, dict[str, Any] | None] = {}

    def register_correction(self, entry: Entry) -> None:
        payload = entry.payload_dict()
        target = payload["corrects_seq"]
        self.replacement[target] = payload.get("payload")
        self.state.corrections.setdefault(target, []).append(entry.seq)

    def apply(self, entry: Entry) -> None:
        state = self.state
        state.size = entry.seq + 1
        at = parse_time(entry.event_time)
        delay = int((parse_time(entry.ts) - at).total_seconds())
        if delay > LATE_SECONDS:
            state.late_entries.append((entry.seq, entry.inst_id, delay))
        self._check_actor(entry, at)
        if state.last_event_time is None or at > state.last_event_time:
            state.last_event_time = at
        if entry.event_type == "CORRECTION":
            payload = entry.payload_dict()
            if payload["corrects_seq"] not in self.replacement:
                self.register_correction(entry)
            return
        if entry.seq in self.replacement:
            payload = self.replacement[entry.seq]
            if payload is None:
                state.voided.add(entry.seq)
                return
        else:
            payload = entry.payload_dict()
        handler = getattr(self, "on_" + entry.event_type.lower(), None)
        if handler is not None:
            handler(entry, payload, at)

    def _check_actor(self, entry: Entry, at: datetime) -> None:
        institution = self.state.institutions.get(entry.inst_id)
        if institution is None or entry.event_type == "INSTITUTION_REGISTERED":
            return
        if at < institution.registered_at:
            kind = "before_registration"
        elif entry.actor_id not in institution.actors:
            kind = "unregistered_actor"
        else:
            return
        self.state.actor_issues.append(
            ActorIssue(entry.seq, entry.inst_id, entry.actor_id, kind, institution.seq)
        )

    # --- institutions, permits, filings, projects --------------------------------------------

    def on_institution_registered(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.institutions[e.inst_id] = Institution(
            e.inst_id,
            p["name"],
            p["foreign_status"],
            at,
            e.seq,
            list(p["actors"]),
            list(p.get("contacts", ())),
            p.get("address"),
            p.get("credit_code"),
            p.get("province"),
        )

    def on_institution_control_changed(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        institution = self.state.institutions.get(e.inst_id)
        if institution is not None:
            institution.control_history.append((at, p["foreign_status"], e.seq))

    def on_permit_granted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.permits[p["permit_id"]] = Permit(
            p["permit_id"],
            p["kind"],
            p["issuer"],
            list(p["holders"]),
            list(p["hgr_types"]),
            parse_day_start(p["valid_from"]),
            parse_day_end(p["valid_to"]),
            e.seq,
            at,
            p.get("foreign_partner"),
            p.get("project_id"),
            p.get("max_persons"),
            {k: _dec(v) for k, v in p.get("max_specimens", {}).items()},
            list(p.get("sites", ())),
            p.get("purpose"),
            p.get("content"),
            p.get("supersedes"),
        )

    def on_permit_changed(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        permit = self.state.permits.get(p["permit_id"])
        if permit is None:
            return
        changes = p["changes"]
        permit.changes.append((at, dict(changes), e.seq))
        for key in ("foreign_partner", "purpose", "content", "sites", "hgr_types", "holders"):
            if key in changes:
                setattr(permit, key, changes[key])
        if "valid_to" in changes:
            permit.valid_to = parse_day_end(changes["valid_to"])
        if "max_persons" in changes:
            permit.max_persons = changes["max_persons"]

    def on_permit_revoked(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        permit = self.state.permits.get(p["permit_id"])
        if permit is not None and permit.revoked_at is None:
            permit.revoked_at, permit.revoked_seq = at, e.seq

    def on_filing_submitted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.filings[p["filing_id"]] = Filing(
            p["filing_id"],
            p["kind"],
            e.inst_id,
            at,
            e.seq,
            p.get("project_id"),
            p.get("asset_id"),
            p.get("recipient"),
            p.get("backup_ref"),
            p.get("security_review", "none"),
        )

    def on_security_review_decided(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        filing = self.state.filings.get(p["filing_id"])
        if filing is not None:
            filing.review_outcome, filing.review_at, filing.review_seq = p["outcome"], at, e.seq

    def on_ethics_approved(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.ethics[p["approval_id"]] = Ethics(
            p["approval_id"],
            p["project_id"],
            p["country"],
            parse_day_start(p["valid_from"]),
            parse_day_end(p["valid_to"]),
            e.seq,
        )

    def on_project_registered(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.projects[p["project_id"]] = Project(
            p["project_id"],
            p["category"],
            e.inst_id,
            list(p["parties"]),
            list(p.get("countries", ())),
            parse_day_start(p["start"]),
            e.seq,
            parse_day_end(p["end"]) if "end" in p else None,
            p.get("foreign_partner"),
            p.get("planned_persons"),
            list(p.get("linked_projects", ())),
            p.get("purpose"),
            p.get("content"),
        )

    def on_project_changed(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        project = self.state.projects.get(p["project_id"])
        if project is None:
            return
        changes = p["changes"]
        project.changes.append((at, dict(changes), e.seq))
        for key in ("foreign_partner", "purpose", "content", "parties", "countries"):
            if key in changes:
                setattr(project, key, changes[key])
        if "end" in changes:
            project.end = parse_day_end(changes["end"])

    # --- people ------------------------------------------------------------------------------

    def on_participant_enrolled(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.participants[p["participant_id"]] = Participant(
            p["participant_id"],
            p["project_id"],
            p["id_hash"],
            bool(p.get("pedigree")),
            bool(p.get("specific_region")),
            e.seq,
        )

    def on_consent_signed(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.consents[p["consent_id"]] = Consent(
            p["consent_id"],
            p["participant_id"],
            p["project_id"],
            list(p["scope"]),
            bool(p["written"]),
            parse_time(p["signed_at"]),
            e.seq,
        )

    def on_consent_withdrawn(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        consent = self.state.consents.get(p["consent_id"])
        if consent is not None and consent.withdrawn_at is None:
            consent.withdrawn_at, consent.withdrawn_seq = parse_time(p["withdrawn_at"]), e.seq

    # --- specimens ---------------------------------------------------------------------------

    def _activity(
        self, kind: str, e: Entry, at: datetime, ids: Iterable[str], **extra: Any
    ) -> None:
        self.state.activities.append(Activity(kind, e.seq, at, e.inst_id, tuple(ids), **extra))

    def _draw(self, specimen: Specimen, amount: Decimal, seq: int, what: str) -> Decimal:
        """Take `amount` from what a specimen holds; more than it holds is an overdraw (R9)."""
        if amount > specimen.remaining:
            self.state.overdraws.append(
                Overdraw(specimen.id, seq, amount, specimen.remaining, what)
            )
        specimen.remaining -= amount
        return amount

    def _new_specimen(
        self,
        e: Entry,
        at: datetime,
        sid: str,
        lineage: str,
        kind: str,
        quantity: Decimal,
        unit: str,
        parents: list[Specimen],
    ) -> Specimen:
        first = parents[0] if parents else None
        specimen = Specimen(
            sid,
            lineage,
            kind,
            quantity,
            unit,
            e.inst_id,
            at,
            e.seq,
            primary_id=first.primary_id if first and lineage == "aliquot" else sid,
            parent_ids=[p.id for p in parents],
            participant_ids=sorted({x for p in parents for x in p.participant_ids}),
            project_id=first.project_id if first else None,
            consent_ids=sorted({x for p in parents for x in p.consent_ids}),
            location=first.location if first else None,
            site=first.site if first else None,
            remaining=quantity,
        )
        self.state.specimens[sid] = specimen
        return specimen

    def on_specimen_collected(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._new_specimen(
            e, at, p["specimen_id"], "primary", p["type"], _dec(p["quantity"]), p["unit"], []
        )
        specimen.participant_ids = [p["participant_id"]]
        specimen.project_id = p["project_id"]
        specimen.consent_ids = [p["consent_id"]] if "consent_id" in p else []
        specimen.location, specimen.site = p.get("location"), p.get("site")
        self._activity(
            "collect", e, at, [specimen.id], project_id=p["project_id"], site=p.get("site")
        )

    def _specimen(self, sid: str) -> Specimen | None:
        return self.state.specimens.get(sid)

    def on_specimen_received(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is not None:
            specimen.holder = e.inst_id
            specimen.location = p.get("location", specimen.location)

    def on_specimen_stored(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is None:
            return
        specimen.location = p["location"]
        specimen.site = p.get("site", specimen.site)
        self._activity(
            "store",
            e,
            at,
            [specimen.id],
            project_id=specimen.project_id,
            site=specimen.site,
            platform=bool(p.get("platform")),
        )

    def on_specimen_moved(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is not None:
            specimen.location = p["location"]
            specimen.site = p.get("site", specimen.site)
            self._activity("move", e, at, [specimen.id], site=specimen.site)

    def on_specimen_aliquoted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        parent = self._specimen(p["parent_id"])
        if parent is None:
            return
        total = sum((_dec(c["quantity"]) for c in p["children"]), ZERO)
        parent.to_children += self._draw(parent, total, e.seq, "aliquots")
        for child in p["children"]:
            self._new_specimen(
                e,
                at,
                child["specimen_id"],
                "aliquot",
                parent.type,
                _dec(child["quantity"]),
                parent.unit,
                [parent],
            )
        self._activity("aliquot", e, at, [parent.id], project_id=parent.project_id)

    def on_specimen_derived(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        parent = self._specimen(p["parent_id"])
        if parent is None:
            return
        parent.to_children += self._draw(parent, _dec(p["parent_quantity"]), e.seq, "derivative")
        self._new_specimen(
            e,
            at,
            p["specimen_id"],
            "derivative",
            p["type"],
            _dec(p["quantity"]),
            p["unit"],
            [parent],
        )
        self._activity("derive", e, at, [parent.id], project_id=parent.project_id)

    def on_specimen_pooled(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        parents = []
        for item in p["parents"]:
            parent = self._specimen(item["specimen_id"])
            if parent is not None:
                parent.to_children += self._draw(parent, _dec(item["quantity"]), e.seq, "pool")
                parents.append(parent)
        self._new_specimen(
            e, at, p["specimen_id"], "pool", p["type"], _dec(p["quantity"]), p["unit"], parents
        )
        self._activity("pool", e, at, [s.id for s in parents])

    def on_specimen_used(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is None:
            return
        specimen.used += self._draw(specimen, _dec(p["quantity"]), e.seq, "use")
        if specimen.remaining <= 0:
            specimen.status = "consumed"
        self._activity("use", e, at, [specimen.id], project_id=p.get("project_id"))

    def on_specimen_destroyed(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is None:
            return
        amount = _dec(p["quantity"]) if "quantity" in p else max(specimen.remaining, ZERO)
        specimen.destroyed += self._draw(specimen, amount, e.seq, "destruction")
        if specimen.remaining <= 0:
            specimen.status = "destroyed"
        self._activity("destroy", e, at, [specimen.id])

    def on_inventory_counted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        specimen = self._specimen(p["specimen_id"])
        if specimen is not None:
            self.state.counts.append(
                Count(specimen.id, e.seq, _dec(p["quantity"]), specimen.remaining)
            )

    # --- transfers and data ------------------------------------------------------------------

    def on_transfer_dispatched(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        items = {item["specimen_id"]: _dec(item["quantity"]) for item in p["items"]}
        transfer = Transfer(
            p["transfer_id"],
            e.inst_id,
            items,
            p["destination_country"],
            bool(p["cross_border"]),
            at,
            e.seq,
            p.get("to_inst"),
            p.get("recipient"),
            p.get("purpose"),
            p.get("project_id"),
            p.get("export_permit"),
            p.get("customs_declaration"),
            p.get("carrier"),
            p.get("waybill"),
            _dec(p["price"]) if "price" in p else None,
            p.get("currency"),
            list(p.get("contacts", ())),
        )
        self.state.transfers[transfer.id] = transfer
        for sid, quantity in items.items():
            specimen = self._specimen(sid)
            if specimen is not None:
                specimen.in_transit += self._draw(specimen, quantity, e.seq, "transfer")
                specimen.status = "in_transit"
        self._activity("dispatch", e, at, list(items), project_id=p.get("project_id"))

    def on_transfer_received(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        transfer = self.state.transfers.get(p["transfer_id"])
        if transfer is None or transfer.received is not None:
            return
        transfer.received = {item["specimen_id"]: _dec(item["quantity"]) for item in p["items"]}
        transfer.received_at, transfer.received_seq = at, e.seq
        for sid, sent in transfer.items.items():
            specimen = self._specimen(sid)
            if specimen is None:
                continue
            got = transfer.received.get(sid, ZERO)
            specimen.in_transit -= sent
            specimen.distributed += sent - got  # lost in transit: shows as received short
            specimen.remaining += got
            specimen.holder = e.inst_id
            specimen.status = "available"
        self._activity("receive", e, at, list(transfer.items))

    def on_export_cleared(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        transfer = self.state.transfers.get(p["transfer_id"])
        if transfer is None or transfer.cleared_at is not None:
            return
        transfer.cleared_permit, transfer.cleared_at, transfer.cleared_seq = (
            p["export_permit"],
            at,
            e.seq,
        )
        for sid, sent in transfer.items.items():
            specimen = self._specimen(sid)
            if specimen is not None:
                specimen.in_transit -= sent
                specimen.exported += sent
                specimen.status = "exported"

    def on_data_generated(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.assets[p["asset_id"]] = DataAsset(
            p["asset_id"],
            e.inst_id,
            list(p["specimen_ids"]),
            p["data_type"],
            p["persons"],
            at,
            e.seq,
            p.get("project_id"),
        )
        self._activity("data", e, at, p["specimen_ids"], project_id=p.get("project_id"))

    def on_data_backup_submitted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        asset = self.state.assets.get(p["asset_id"])
        if asset is not None:
            asset.backups.append((at, p["backup_ref"], e.seq))

    def on_data_released(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.releases[p["release_id"]] = DataRelease(
            p["release_id"],
            e.inst_id,
            p["asset_id"],
            p["recipient"],
            p["recipient_foreign"],
            at,
            e.seq,
            p.get("recipient_country"),
            p.get("filing_id"),
            p.get("project_id"),
        )
        asset = self.state.assets.get(p["asset_id"])
        if asset is not None:
            self._activity("release", e, at, asset.specimen_ids, project_id=asset.project_id)

    def on_annual_report_submitted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.reports[p["report_id"]] = Report(
            p["report_id"],
            "ANNUAL_STORAGE",
            e.inst_id,
            at,
            e.seq,
            year=p["year"],
            permit_id=p.get("permit_id"),
            figures={k: _dec(v) for k, v in p["figures"].items()},
        )

    def on_intl_coop_report_submitted(self, e: Entry, p: dict[str, Any], at: datetime) -> None:
        self.state.reports[p["report_id"]] = Report(
            p["report_id"],
            "INTL_COOP_CLOSURE",
            e.inst_id,
            at,
            e.seq,
            project_id=p["project_id"],
        )
