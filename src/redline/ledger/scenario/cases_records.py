"""Scenario cases about data and figures: genetic data abroad (R8), counts (R9), reports
(R10) and trading (R12)."""

from __future__ import annotations

from typing import Any

from redline.ledger.scenario.cases_approvals import coop
from redline.ledger.scenario.history import WATCHED_CONTACT, History, case

# --- R8 genetic data abroad ------------------------------------------------------------------


def _data(
    h: History,
    *,
    data_type: str = "WGS",
    persons: int = 10,
    filed: bool = False,
    backup: bool = False,
    review: str | None = None,
) -> None:
    inst, project, _p, specimen = h.base()
    asset = h.id("a1")
    h.emit(
        "DATA_GENERATED",
        inst,
        {
            "asset_id": asset,
            "specimen_ids": [specimen],
            "project_id": project,
            "data_type": data_type,
            "persons": persons,
        },
        20,
    )
    if backup:
        h.emit("DATA_BACKUP_SUBMITTED", inst, {"asset_id": asset, "backup_ref": "bk-1"}, 21)
    filing = None
    if filed:
        filing = h.id("f1")
        payload = {
            "filing_id": filing,
            "kind": "INFO_PRIOR_REPORT",
            "asset_id": asset,
            "recipient": "Lab Abroad",
        }
        if review:
            payload["security_review"] = "required"
        h.emit("FILING_SUBMITTED", inst, payload, 22)
        if review:
            h.emit("SECURITY_REVIEW_DECIDED", inst, {"filing_id": filing, "outcome": review}, 23)
    release = {
        "release_id": h.id("r1"),
        "asset_id": asset,
        "recipient": "Lab Abroad",
        "recipient_foreign": True,
        "recipient_country": "US",
    }
    h.emit("DATA_RELEASED", inst, release, 30)


case("r8_genome_data_abroad_unreported", "R8")(lambda h: _data(h))
case("r8_large_genome_data_without_review", "R8")(
    lambda h: _data(h, persons=600, filed=True, backup=True)
)
case("r8_review_failed", "R8")(
    lambda h: _data(h, persons=600, filed=True, backup=True, review="failed")
)
case("clean_proteomics_abroad_unreported")(lambda h: _data(h, data_type="protein"))
case("clean_genome_data_reported_backed_up")(lambda h: _data(h, filed=True, backup=True))
case("clean_large_genome_data_reviewed")(
    lambda h: _data(h, persons=600, filed=True, backup=True, review="passed")
)


# --- R9 counts -------------------------------------------------------------------------------


@case("r9_used_more_than_collected", "R9")
def _overdraw(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit(
        "SPECIMEN_ALIQUOTED",
        inst,
        {
            "parent_id": specimen,
            "children": [
                {"specimen_id": h.id("s1a"), "quantity": "3"},
                {"specimen_id": h.id("s1b"), "quantity": "3"},
            ],
        },
        5,
    )


@case("clean_aliquots_within_parent")
def _aliquots(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit(
        "SPECIMEN_ALIQUOTED",
        inst,
        {
            "parent_id": specimen,
            "children": [
                {"specimen_id": h.id("s1a"), "quantity": "2.5"},
                {"specimen_id": h.id("s1b"), "quantity": "2.5"},
            ],
        },
        5,
    )
    h.emit("SPECIMEN_USED", inst, {"specimen_id": h.id("s1a"), "quantity": "2.5"}, 6)
    h.emit("INVENTORY_COUNTED", inst, {"specimen_id": h.id("s1b"), "quantity": "2.5"}, 7)


@case("r9_inventory_mismatch", "R9")
def _inventory(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit("INVENTORY_COUNTED", inst, {"specimen_id": specimen, "quantity": "3"}, 20)


def _short(h: History, *, received: str | None) -> None:
    inst, _project, _p, specimen = h.base()
    other = h.institution("lab2")
    transfer = h.transfer("t1", inst, {specimen: "5"}, 40, to_inst=other)
    if received is not None:
        h.emit(
            "TRANSFER_RECEIVED",
            other,
            {"transfer_id": transfer, "items": [{"specimen_id": specimen, "quantity": received}]},
            42,
        )


case("r9_transfer_received_short", "R9")(lambda h: _short(h, received="4"))
case("r9_transfer_never_received", "R9")(lambda h: _short(h, received=None))


@case("r9_permit_quota_exceeded", "R9")
def _quota(h: History) -> None:
    inst = h.institution("inst")
    project = h.project("proj", inst)
    h.ethics(project, inst)
    h.permit("col", "COLLECTION", [inst], project_id=project, max_persons=1, sites=["main"])
    for n in (1, 2):
        participant = h.person(f"p{n}", project, inst)
        h.collect(f"s{n}", participant, project, inst)


def _annual(h: History, *, collected: int) -> None:
    inst, _project, _p, _s = h.base()
    h.emit(
        "ANNUAL_REPORT_SUBMITTED",
        inst,
        {"report_id": h.id("ar"), "year": 2025, "figures": {"collected": str(collected)}},
        300,
    )


case("r9_annual_report_figures_wrong", "R9")(lambda h: _annual(h, collected=3))
case("clean_annual_report_figures_right")(lambda h: _annual(h, collected=1))


# --- R10 reports overdue ---------------------------------------------------------------------


def _storage_report(h: History, *, report_day: float | None) -> None:
    inst, _project, _p, specimen = h.base()
    h.permit("sto", "STORAGE", [inst], valid_from="2024-01-01", day=0.5, sites=["main"])
    h.emit(
        "SPECIMEN_STORED",
        inst,
        {"specimen_id": specimen, "location": "biobank", "platform": True},
        5,
    )
    if report_day is not None:
        h.emit(
            "ANNUAL_REPORT_SUBMITTED",
            inst,
            {"report_id": h.id("ar"), "year": 2024, "figures": {}},
            report_day,
        )


case("r10_annual_report_missing", "R10")(lambda h: _storage_report(h, report_day=None))
case("r10_annual_report_late", "R10")(lambda h: _storage_report(h, report_day=120))
case("clean_annual_report_on_time")(lambda h: _storage_report(h, report_day=31))


def _closure(h: History, *, report_day: float | None) -> None:
    coop(h, end="2025-01-31")
    if report_day is not None:
        h.emit(
            "INTL_COOP_REPORT_SUBMITTED",
            h.id("inst"),
            {"report_id": h.id("cr"), "project_id": h.id("proj")},
            report_day,
        )


case("r10_coop_report_missing", "R10")(lambda h: _closure(h, report_day=None))
case("clean_coop_report_within_six_months")(lambda h: _closure(h, report_day=150))


# --- R12 trading -----------------------------------------------------------------------------


def _sale(h: History, *, price: str, contact: str | None = None) -> None:
    inst, _project, _p, specimen = h.base()
    other = h.institution("lab2")
    extra: dict[str, Any] = {"to_inst": other, "price": price, "currency": "CNY"}
    if contact:
        extra["contacts"] = [contact]
    transfer = h.transfer("t1", inst, {specimen: "5"}, 40, **extra)
    h.emit(
        "TRANSFER_RECEIVED",
        other,
        {"transfer_id": transfer, "items": [{"specimen_id": specimen, "quantity": "5"}]},
        42,
    )


case("r12_price_above_cost_band", "R12")(lambda h: _sale(h, price="50000"))
case("r12_counterparty_in_ads", "R12")(lambda h: _sale(h, price="100", contact=WATCHED_CONTACT))
case("clean_price_at_cost_band")(lambda h: _sale(h, price="1000", contact="wx:ordinary_lab"))
