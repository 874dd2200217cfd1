"""The event types and the shape of each payload: what intake accepts and what it refers to.

Each field says its kind, whether it is required, and whether it names an entity that must
already exist (`ref`) or a new one it creates (`declares`). Intake (`redline.ledger.intake`)
checks all of it before anything is written, so a rule never meets a malformed payload.
Kinds: str, bool, int, decimal (a decimal string), time (RFC 3339), date (YYYY-MM-DD or RFC
3339), strs (list of strings), items (list of {specimen_id, quantity}), quantities (object of
decimal strings), key (base64 Ed25519 public key), object, or "enum:a|b|c".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

FOREIGN_STATUSES = "chinese|foreign|foreign_controlled|hk_mo_tw"
PERMIT_KINDS = "COLLECTION|STORAGE|INTL_COOP|EXPORT"
PROJECT_CATEGORIES = (
    "domestic_research|large_population|pedigree|specific_region|clinical_trial_registration"
    "|intl_coop|storage_platform"
)
SPECIMEN_TYPES_NOTE = "free text (blood, plasma, serum, DNA, tissue...)"
DATA_TYPES = "WGS|WES|array|targeted|clinical|imaging|protein|metabolic"
CONSENT_SCOPES = "research|storage|future_use|domestic_transfer|international|data_sharing"
PARTICIPANT_FORBIDDEN_KEYS = frozenset({"name", "national_id", "id_number", "phone", "address"})
"""A participant is pseudonymous: a raw identity in the ledger could never be erased."""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str
    required: bool = True
    ref: str | None = None
    declares: str | None = None


def F(
    name: str,
    kind: str,
    required: bool = True,
    *,
    ref: str | None = None,
    declares: str | None = None,
) -> Field:
    return Field(name, kind, required, ref, declares)


SCHEMAS: dict[str, tuple[Field, ...]] = {
    "INSTITUTION_REGISTERED": (
        F("name", "str"),
        F("credit_code", "str", False),
        F("province", "str", False),
        F("kind", "str", False),
        F("foreign_status", f"enum:{FOREIGN_STATUSES}"),
        F("control_basis", "str", False),
        F("public_key", "key"),
        F("actors", "strs"),
        F("contacts", "strs", False),
        F("address", "str", False),
    ),
    "INSTITUTION_CONTROL_CHANGED": (
        F("foreign_status", f"enum:{FOREIGN_STATUSES}"),
        F("control_basis", "str", False),
    ),
    "PERMIT_GRANTED": (
        F("permit_id", "str", declares="permit"),
        F("kind", f"enum:{PERMIT_KINDS}"),
        F("issuer", "str"),
        F("holders", "strs", ref="institution"),
        F("foreign_partner", "str", False),
        F("project_id", "str", False, ref="project"),
        F("hgr_types", "strs"),
        F("max_persons", "int", False),
        F("max_specimens", "quantities", False),
        F("sites", "strs", False),
        F("valid_from", "date"),
        F("valid_to", "date"),
        F("supersedes", "str", False, ref="permit"),
        F("purpose", "str", False),
        F("content", "str", False),
    ),
    "PERMIT_CHANGED": (F("permit_id", "str", ref="permit"), F("changes", "object")),
    "PERMIT_REVOKED": (F("permit_id", "str", ref="permit"), F("reason", "str", False)),
    "FILING_SUBMITTED": (
        F("filing_id", "str", declares="filing"),
        F("kind", "enum:CLINICAL_TRIAL|INFO_PRIOR_REPORT"),
        F("project_id", "str", False, ref="project"),
        F("hgr_types", "strs", False),
        F("quantities", "quantities", False),
        F("uses", "strs", False),
        F("testing_units", "strs", False),
        F("recipient", "str", False),
        F("backup_ref", "str", False),
        F("security_review", "enum:none|required|passed|failed", False),
        F("asset_id", "str", False, ref="asset"),
    ),
    "ETHICS_APPROVED": (
        F("approval_id", "str", declares="ethics"),
        F("project_id", "str", ref="project"),
        F("committee", "str"),
        F("country", "str"),
        F("valid_from", "date"),
        F("valid_to", "date"),
    ),
    "SECURITY_REVIEW_DECIDED": (
        F("filing_id", "str", ref="filing"),
        F("outcome", "enum:passed|failed"),
    ),
    "PROJECT_REGISTERED": (
        F("project_id", "str", declares="project"),
        F("category", f"enum:{PROJECT_CATEGORIES}"),
        F("parties", "strs"),
        F("countries", "strs", False),
        F("foreign_partner", "str", False),
        F("planned_persons", "int", False),
        F("linked_projects", "strs", False, ref="project"),
        F("purpose", "str", False),
        F("content", "str", False),
        F("start", "date"),
        F("end", "date", False),
    ),
    "PROJECT_CHANGED": (F("project_id", "str", ref="project"), F("changes", "object")),
    "PARTICIPANT_ENROLLED": (
        F("participant_id", "str", declares="participant"),
        F("project_id", "str", ref="project"),
        F("id_hash", "idhash"),
        F("pedigree", "bool", False),
        F("specific_region", "bool", False),
    ),
    "CONSENT_SIGNED": (
        F("consent_id", "str", declares="consent"),
        F("participant_id", "str", ref="participant"),
        F("project_id", "str", ref="project"),
        F("form_version", "str"),
        F("scope", "strs"),
        F("written", "bool"),
        F("signed_at", "time"),
    ),
    "CONSENT_WITHDRAWN": (F("consent_id", "str", ref="consent"), F("withdrawn_at", "time")),
    "SPECIMEN_COLLECTED": (
        F("specimen_id", "str", declares="specimen"),
        F("participant_id", "str", ref="participant"),
        F("project_id", "str", ref="project"),
        F("consent_id", "str", False, ref="consent"),
        F("type", "str"),
        F("quantity", "decimal"),
        F("unit", "str"),
        F("site", "str", False),
        F("location", "str", False),
    ),
    "SPECIMEN_RECEIVED": (
        F("specimen_id", "str", ref="specimen"),
        F("transfer_id", "str", False, ref="transfer"),
        F("location", "str", False),
    ),
    "SPECIMEN_STORED": (
        F("specimen_id", "str", ref="specimen"),
        F("location", "str"),
        F("platform", "bool", False),
        F("site", "str", False),
    ),
    "SPECIMEN_MOVED": (
        F("specimen_id", "str", ref="specimen"),
        F("location", "str"),
        F("site", "str", False),
    ),
    "SPECIMEN_ALIQUOTED": (
        F("parent_id", "str", ref="specimen"),
        F("children", "items", declares="specimen"),
    ),
    "SPECIMEN_DERIVED": (
        F("parent_id", "str", ref="specimen"),
        F("specimen_id", "str", declares="specimen"),
        F("type", "str"),
        F("quantity", "decimal"),
        F("unit", "str"),
        F("parent_quantity", "decimal"),
    ),
    "SPECIMEN_POOLED": (
        F("parents", "items", ref="specimen"),
        F("specimen_id", "str", declares="specimen"),
        F("type", "str"),
        F("quantity", "decimal"),
        F("unit", "str"),
    ),
    "SPECIMEN_USED": (
        F("specimen_id", "str", ref="specimen"),
        F("quantity", "decimal"),
        F("purpose", "str", False),
        F("project_id", "str", False, ref="project"),
    ),
    "SPECIMEN_DESTROYED": (
        F("specimen_id", "str", ref="specimen"),
        F("quantity", "decimal", False),
        F("reason", "str", False),
    ),
    "TRANSFER_DISPATCHED": (
        F("transfer_id", "str", declares="transfer"),
        F("items", "items", ref="specimen"),
        F("to_inst", "str", False, ref="institution"),
        F("recipient", "str", False),
        F("purpose", "str", False),
        F("project_id", "str", False, ref="project"),
        F("destination_country", "str"),
        F("cross_border", "bool"),
        F("export_permit", "str", False),
        F("customs_declaration", "str", False),
        F("carrier", "str", False),
        F("waybill", "str", False),
        F("price", "decimal", False),
        F("currency", "str", False),
        F("contacts", "strs", False),
    ),
    "TRANSFER_RECEIVED": (
        F("transfer_id", "str", ref="transfer"),
        F("items", "items", ref="specimen"),
    ),
    "EXPORT_CLEARED": (
        F("transfer_id", "str", ref="transfer"),
        F("export_permit", "str", ref="permit"),
        F("customs_declaration", "str"),
    ),
    "DATA_GENERATED": (
        F("asset_id", "str", declares="asset"),
        F("specimen_ids", "strs", ref="specimen"),
        F("project_id", "str", False, ref="project"),
        F("data_type", f"enum:{DATA_TYPES}"),
        F("persons", "int"),
    ),
    "DATA_BACKUP_SUBMITTED": (F("asset_id", "str", ref="asset"), F("backup_ref", "str")),
    "DATA_RELEASED": (
        F("release_id", "str", declares="release"),
        F("asset_id", "str", ref="asset"),
        F("recipient", "str"),
        F("recipient_foreign", "bool"),
        F("recipient_country", "str", False),
        F("filing_id", "str", False, ref="filing"),
        F("project_id", "str", False, ref="project"),
    ),
    "ANNUAL_REPORT_SUBMITTED": (
        F("report_id", "str", declares="report"),
        F("year", "int"),
        F("permit_id", "str", False, ref="permit"),
        F("figures", "quantities"),
    ),
    "INTL_COOP_REPORT_SUBMITTED": (
        F("report_id", "str", declares="report"),
        F("project_id", "str", ref="project"),
    ),
    "INVENTORY_COUNTED": (F("specimen_id", "str", ref="specimen"), F("quantity", "decimal")),
    "CORRECTION": (
        F("corrects_seq", "int"),
        F("reason", "str"),
        F("payload", "object", False),
    ),
}
EVENT_TYPES = tuple(SCHEMAS)

_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_ID_HASH = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SchemaError(ValueError):
    """A payload that does not fit its event type; the message says which field and why."""


def parse_time(text: str) -> datetime:
    """An RFC 3339 date-time, with its offset, as an aware UTC datetime."""
    if not isinstance(text, str) or "T" not in text.upper():
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    value = datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError(f"date-time without an offset: {text!r}")
    return value.astimezone(UTC)


def parse_day_start(text: str) -> datetime:
    if isinstance(text, str) and _DATE.fullmatch(text):
        return datetime.combine(date.fromisoformat(text), time(), UTC)
    return parse_time(text)


def parse_day_end(text: str) -> datetime:
    """The end of a validity period: a bare date includes the whole day."""
    if isinstance(text, str) and _DATE.fullmatch(text):
        return datetime.combine(date.fromisoformat(text), time(), UTC) + timedelta(days=1)
    return parse_time(text)


def is_decimal(value: object) -> bool:
    return isinstance(value, str) and _DECIMAL.fullmatch(value) is not None


def _check_value(field: Field, value: object) -> str | None:
    """None when `value` fits `field.kind`, else the reason."""
    kind = field.kind
    if kind.startswith("enum:"):
        allowed = kind[5:].split("|")
        return None if value in allowed else f"must be one of {', '.join(allowed)}"
    if kind in ("str", "key"):
        return None if isinstance(value, str) and value else "must be a non-empty string"
    if kind == "idhash":
        ok = isinstance(value, str) and _ID_HASH.fullmatch(value)
        return None if ok else "must be a keyed hash (64 lowercase hex), never a raw id"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a non-negative integer"
    if kind == "decimal":
        ok = is_decimal(value) and not str(value).startswith("-")
        return None if ok else 'must be a non-negative decimal string such as "2.5"'
    if kind in ("time", "date"):
        try:
            (parse_time if kind == "time" else parse_day_start)(value)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return "must be an RFC 3339 date-time" + (" or a date" if kind == "date" else "")
        return None
    if kind == "strs":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return None if ok else "must be a list of non-empty strings"
    if kind == "items":
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of {specimen_id, quantity}"
        for item in value:
            if not (
                isinstance(item, dict)
                and isinstance(item.get("specimen_id"), str)
                and item["specimen_id"]
                and is_decimal(item.get("quantity"))
            ):
                return "each item needs a specimen_id and a decimal-string quantity"
        return None
    if kind == "quantities":
        ok = isinstance(value, dict) and all(
            is_decimal(v) or isinstance(v, int) for v in value.values()
        )
        return None if ok else "must be an object of decimal strings"
    if kind == "object":
        return None if isinstance(value, dict) else "must be an object"
    raise AssertionError(f"unknown field kind {kind}")


def validate_payload(event_type: str, payload: object) -> None:
    """Raise `SchemaError` naming the first field that is missing, unknown or malformed."""
    schema = SCHEMAS.get(event_type)
    if schema is None:
        raise SchemaError(f"unknown event_type {event_type!r}")
    if not isinstance(payload, dict):
        raise SchemaError("payload must be a JSON object")
    if event_type == "PARTICIPANT_ENROLLED":
        bad = PARTICIPANT_FORBIDDEN_KEYS & set(payload)
        if bad:
            raise SchemaError(f"participants are pseudonymous: {sorted(bad)} not allowed")
    known = {field.name for field in schema}
    for key in payload:
        if key not in known:
            raise SchemaError(f"{event_type}: unknown field {key!r}")
    for field in schema:
        if field.name not in payload:
            if field.required:
                raise SchemaError(f"{event_type}: missing field {field.name!r}")
            continue
        reason = _check_value(field, payload[field.name])
        if reason:
            raise SchemaError(f"{event_type}: field {field.name!r} {reason}")


def item_ids(value: object) -> list[str]:
    """The ids a `ref`/`declares` field names: a string, a list of strings, or items."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v["specimen_id"] if isinstance(v, dict) else v for v in value]
    return []
