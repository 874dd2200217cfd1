"""Scenario cases for approvals: baseline, export (R1), population collection (R4), storage
(R5), international cooperation and trials (R6), foreign institutions (R7), permit scope (R14)."""

from __future__ import annotations

from redline.ledger.scenario.history import History, case

# --- compliant baseline ----------------------------------------------------------------------


@case("clean_baseline")
def _clean_baseline(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit("SPECIMEN_STORED", inst, {"specimen_id": specimen, "location": "freezer-1"}, 4)
    h.emit("SPECIMEN_USED", inst, {"specimen_id": specimen, "quantity": "1"}, 10)
    h.emit("INVENTORY_COUNTED", inst, {"specimen_id": specimen, "quantity": "4"}, 20)


# --- R1 export -------------------------------------------------------------------------------


def _export(
    h: History,
    *,
    permit: bool = True,
    cleared: bool = True,
    valid_to: str = "2026-12-31",
    country: str = "HK",
) -> None:
    inst, _project, _p, specimen = h.base()
    permit_id = None
    if permit:
        permit_id = h.permit(
            "exp",
            "EXPORT",
            [inst],
            valid_to=valid_to,
            foreign_partner="Lab Abroad",
            max_specimens={"blood": "10"},
        )
    extra = {"recipient": "Lab Abroad", "waybill": h.id("wb1")}
    if permit_id:
        extra["export_permit"] = permit_id
    transfer = h.transfer("t1", inst, {specimen: "5"}, 40, country=country, **extra)
    if cleared and permit_id:
        h.emit(
            "EXPORT_CLEARED",
            inst,
            {
                "transfer_id": transfer,
                "export_permit": permit_id,
                "customs_declaration": h.id("cd1"),
            },
            41,
        )


case("r1_export_no_permit", "R1")(lambda h: _export(h, permit=False))
case("r1_export_not_cleared", "R1")(lambda h: _export(h, cleared=False))
case("r1_export_permit_expired", "R1")(lambda h: _export(h, valid_to="2025-01-20"))
case("r1_export_to_taiwan_no_permit", "R1")(lambda h: _export(h, permit=False, country="TW"))
case("clean_export_with_permit_and_clearance")(lambda h: _export(h))


@case("clean_domestic_transfer_received")
def _clean_domestic(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    other = h.institution("lab2")
    transfer = h.transfer("t1", inst, {specimen: "5"}, 40, to_inst=other, price="800")
    h.emit(
        "TRANSFER_RECEIVED",
        other,
        {"transfer_id": transfer, "items": [{"specimen_id": specimen, "quantity": "5"}]},
        42,
    )


# --- R4 collection above threshold -----------------------------------------------------------


def _pedigree(h: History, *, permit: bool, category: str = "domestic_research") -> None:
    inst = h.institution("inst")
    project = h.project("proj", inst, category)
    h.ethics(project, inst)
    if permit:
        h.permit("col", "COLLECTION", [inst], project_id=project, sites=["main"])
    participant = h.person("p1", project, inst, pedigree=True)
    h.collect("s1", participant, project, inst)


case("r4_pedigree_without_permit", "R4")(lambda h: _pedigree(h, permit=False))
case("clean_pedigree_with_permit")(lambda h: _pedigree(h, permit=True))
case("clean_pedigree_registration_trial")(
    lambda h: _pedigree(h, permit=False, category="clinical_trial_registration")
)


def _population(h: History, *, linked: bool, total: int) -> None:
    inst = h.institution("inst")
    first = h.project("projA", inst)
    second = h.project("projB", inst, linked_projects=[first] if linked else [])
    for project in (first, second):
        h.ethics(project, inst)
    for n in range(total):
        project = first if n % 2 == 0 else second
        participant = h.person(f"p{n}", project, inst, day=2 + n / total)
        h.collect(f"s{n}", participant, project, inst, day=3 + n / total)


case("r4_population_split_across_linked_projects", "R4")(
    lambda h: _population(h, linked=True, total=h.population + 1)
)
case("clean_population_at_threshold")(lambda h: _population(h, linked=True, total=h.population))
case("clean_population_unlinked_projects")(
    lambda h: _population(h, linked=False, total=h.population + 2)
)


# --- R5 storage ------------------------------------------------------------------------------


def _platform(h: History, *, permit: bool, platform: bool = True) -> None:
    inst, _project, _p, specimen = h.base()
    if permit:
        h.permit("sto", "STORAGE", [inst], sites=["main"])
    h.emit(
        "SPECIMEN_STORED",
        inst,
        {"specimen_id": specimen, "location": "biobank-A", "platform": platform},
        5,
    )


case("r5_platform_storage_without_permit", "R5")(lambda h: _platform(h, permit=False))
case("clean_platform_storage_with_permit")(lambda h: _platform(h, permit=True))
case("clean_project_storage_without_permit")(lambda h: _platform(h, permit=False, platform=False))


# --- R6 international cooperation and trials -------------------------------------------------


def coop(
    h: History,
    *,
    permit: bool = True,
    change: str | None = None,
    ethics_countries: tuple[str, ...] = ("CN", "DE"),
    end: str = "2026-06-30",
) -> None:
    inst = h.institution("inst")
    project = h.project(
        "proj", inst, "intl_coop", countries=["CN", "DE"], foreign_partner="Uni Abroad", end=end
    )
    for country in ethics_countries:
        h.ethics(project, inst, country)
    permit_id = None
    if permit:
        permit_id = h.permit(
            "coop", "INTL_COOP", [inst], project_id=project, foreign_partner="Uni Abroad"
        )
    participant = h.person("p1", project, inst)
    h.collect("s1", participant, project, inst)
    if change == "approved" and permit_id:
        h.emit(
            "PERMIT_CHANGED",
            inst,
            {"permit_id": permit_id, "changes": {"foreign_partner": "Uni Two"}},
            20,
        )
    if change:
        h.emit(
            "PROJECT_CHANGED",
            inst,
            {"project_id": project, "changes": {"foreign_partner": "Uni Two"}},
            21,
        )


case("r6_coop_without_approval", "R6")(lambda h: coop(h, permit=False))
case("r6_coop_partner_changed_without_permit_change", "R6")(lambda h: coop(h, change="unapproved"))
case("clean_coop_partner_change_approved")(lambda h: coop(h, change="approved"))


def _trial(h: History, *, filed: bool) -> None:
    inst = h.institution("inst")
    project = h.project("trial", inst, "clinical_trial_registration", countries=["CN", "US"])
    h.ethics(project, inst)
    if filed:
        h.emit(
            "FILING_SUBMITTED",
            inst,
            {"filing_id": h.id("f1"), "kind": "CLINICAL_TRIAL", "project_id": project},
            1.5,
        )
    participant = h.person("p1", project, inst)
    h.collect("s1", participant, project, inst)


case("r6_international_trial_without_filing", "R6")(lambda h: _trial(h, filed=False))
case("clean_international_trial_filed")(lambda h: _trial(h, filed=True))


# --- R7 foreign institutions -----------------------------------------------------------------


def _control(h: History, *, status: str = "chinese", change_day: float | None = None) -> None:
    inst = h.institution("inst", status)
    if change_day is not None:
        h.emit(
            "INSTITUTION_CONTROL_CHANGED",
            inst,
            {"foreign_status": "foreign_controlled", "control_basis": "equity"},
            change_day,
        )
    project = h.project("proj", inst, day=1)
    h.ethics(project, inst)
    participant = h.person("p1", project, inst)
    h.collect("s1", participant, project, inst, day=3)


case("r7_foreign_controlled_collects", "R7")(lambda h: _control(h, status="foreign_controlled"))
case("r7_hk_entity_collects", "R7")(lambda h: _control(h, status="hk_mo_tw"))
case("r7_became_foreign_controlled_before_collection", "R7")(lambda h: _control(h, change_day=2.5))
case("clean_became_foreign_controlled_later")(lambda h: _control(h, change_day=30))


# --- R14 outside a permit's scope ------------------------------------------------------------


def _scoped(h: History, *, site: str = "main", holder: bool = True) -> None:
    inst = h.institution("inst")
    other = h.institution("partner")
    project = h.project("proj", inst)
    h.ethics(project, inst)
    h.permit("col", "COLLECTION", [inst], project_id=project, sites=["main"])
    collector = inst if holder else other
    participant = h.person("p1", project, collector)
    h.collect("s1", participant, project, collector, site=site)


case("r14_collection_at_unlisted_site", "R14")(lambda h: _scoped(h, site="branch"))
case("r14_collection_by_non_holder", "R14")(lambda h: _scoped(h, holder=False))
case("clean_collection_within_scope")(lambda h: _scoped(h))


@case("r14_platform_storage_after_permit_expired", "R14")
def _storage_expired(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.permit("sto", "STORAGE", [inst], valid_to="2025-01-03", sites=["main"])
    h.emit(
        "SPECIMEN_STORED",
        inst,
        {"specimen_id": specimen, "location": "biobank", "platform": True},
        5,
    )
