"""What intake checks before an event may enter the ledger, and the index it checks against.

An event is refused (never half-written) when: a top-level field is missing or of the wrong type,
a string anywhere in it holds NUL (U+0000: PostgreSQL cannot store it, so a ledger would accept
on SQLite what it fails on there), the payload does not fit its type's schema, the institution
is not registered, the signature is not the institution's, it names an entity the ledger does
not know, or it declares an id that already exists. Violations of the law are *not* refused:
institutions record what they did, and the rules find what was done without the approval it
needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger import keys
from redline.ledger.canonical import CanonicalError, canonical_json
from redline.ledger.entry import Submission, signed_bytes_of
from redline.ledger.events import SCHEMAS, SchemaError, item_ids, parse_time, validate_payload
from redline.store.text import NUL_MESSAGE, nul_at

TOP_LEVEL = ("event_type", "inst_id", "actor_id", "event_time", "payload")


class IntakeError(ValueError):
    """Why an event was refused."""


def parse_submission(record: Any) -> Submission:
    """A parsed JSON line (or CSV row turned into a dict) as a `Submission`, or `IntakeError`."""
    check_record(record)
    return Submission(
        record["event_type"],
        record["inst_id"],
        record["actor_id"],
        record["event_time"],
        record["payload"],
        record.get("signature", ""),
    )


def check_record(record: Any) -> bytes:
    """Raise `IntakeError` unless `record` is a well-formed event; return its canonical payload."""
    if not isinstance(record, dict):
        raise IntakeError("not a JSON object")
    for key in TOP_LEVEL:
        if key not in record:
            raise IntakeError(f"missing `{key}`")
    unknown = set(record) - {*TOP_LEVEL, "signature"}
    if unknown:
        raise IntakeError(f"unknown top-level field(s): {', '.join(sorted(unknown))}")
    for key in ("event_type", "inst_id", "actor_id", "event_time"):
        if not isinstance(record[key], str) or not record[key]:
            raise IntakeError(f"`{key}` must be a non-empty string")
    if (where := nul_at(record)) is not None:
        raise IntakeError(f"`{_field_path(where)}` {NUL_MESSAGE}")
    try:
        parse_time(record["event_time"])
    except ValueError as exc:
        raise IntakeError(f"`event_time`: {exc}") from None
    if not isinstance(record.get("signature", ""), str):
        raise IntakeError("`signature` must be a base64 string")
    try:
        validate_payload(record["event_type"], record["payload"])
        return canonical_json(record["payload"])
    except (SchemaError, CanonicalError) as exc:
        raise IntakeError(str(exc)) from None


def _field_path(where: tuple[str | int, ...]) -> str:
    """`payload.parties[0]` for ("payload", "parties", 0); a NUL in a key is shown escaped."""
    text = ""
    for step in where:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += ("." if text else "") + step.replace("\x00", "\\u0000")
    return text


@dataclass(frozen=True, slots=True)
class InstitutionKey:
    public_key: Ed25519PublicKey
    actors: frozenset[str]


@dataclass(frozen=True, slots=True)
class EntryRef:
    """What a correction needs to know about the entry it corrects."""

    inst_id: str
    event_type: str
    payload: dict[str, Any]


@dataclass
class EntityIndex:
    """Known entity ids (kind -> id -> declaring seq) and institutions' keys."""

    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    institutions: dict[str, InstitutionKey] = field(default_factory=dict)

    def knows(self, kind: str, entity_id: str) -> bool:
        return entity_id in self.ids.get(kind, ())

    def add(self, kind: str, entity_id: str, seq: int) -> None:
        self.ids.setdefault(kind, {})[entity_id] = seq


def declared_ids(event_type: str, inst_id: str, payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, id) of every entity an event creates."""
    if event_type == "INSTITUTION_REGISTERED":
        return [("institution", inst_id)]
    found = []
    for spec in SCHEMAS[event_type]:
        if spec.declares and spec.name in payload:
            found.extend((spec.declares, value) for value in item_ids(payload[spec.name]))
    return found


def referenced_ids(event_type: str, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, kind, id) of every entity an event names."""
    found = []
    for spec in SCHEMAS[event_type]:
        if spec.ref and spec.name in payload:
            found.extend((spec.name, spec.ref, v) for v in item_ids(payload[spec.name]))
    return found


@dataclass
class Intake:
    """Checks submissions against an index; `accept` records what an accepted one declares.

    `lookup` finds an earlier entry by seq (for corrections), including ones accepted in the
    same batch.
    """

    index: EntityIndex
    lookup: Callable[[int], EntryRef | None]
    pending: dict[tuple[str, str], int] = field(default_factory=dict)
    pending_keys: dict[str, InstitutionKey] = field(default_factory=dict)

    def _knows(self, kind: str, entity_id: str) -> bool:
        return (kind, entity_id) in self.pending or self.index.knows(kind, entity_id)

    def _institution(self, inst_id: str) -> InstitutionKey | None:
        return self.pending_keys.get(inst_id) or self.index.institutions.get(inst_id)

    def check(self, sub: Submission) -> tuple[list[tuple[str, str]], bytes]:
        """Raise `IntakeError` with the reason, or return the ids the event declares and its
        canonical payload."""
        canonical = check_record(sub.to_dict())
        payload = sub.payload
        if sub.event_type == "INSTITUTION_REGISTERED":
            try:
                signer = keys.public_from_b64(payload["public_key"])
            except keys.KeyFileError as exc:
                raise IntakeError(f"`public_key`: {exc}") from None
        else:
            institution = self._institution(sub.inst_id)
            if institution is None:
                raise IntakeError(f"unknown institution {sub.inst_id!r} (register it first)")
            signer = institution.public_key
        if not sub.signature:
            raise IntakeError("missing `signature`")
        message = signed_bytes_of(
            sub.event_type, sub.inst_id, sub.actor_id, sub.event_time, canonical
        )
        if not keys.verify_b64(signer, sub.signature, message):
            raise IntakeError(f"bad signature: not signed by {sub.inst_id!r}'s registered key")
        event_type = sub.event_type
        if event_type == "CORRECTION":
            payload, event_type = self._correction_target(sub)
        for name, kind, value in referenced_ids(event_type, payload):
            if not self._knows(kind, value):
                raise IntakeError(f"`{name}` names an unknown {kind} {value!r}")
        declared = declared_ids(event_type, sub.inst_id, payload)
        if sub.event_type == "CORRECTION":
            return [], canonical
        seen: set[tuple[str, str]] = set()
        for kind, value in declared:
            if self._knows(kind, value) or (kind, value) in seen:
                raise IntakeError(f"{kind} {value!r} already exists")
            seen.add((kind, value))
        return declared, canonical

    def _correction_target(self, sub: Submission) -> tuple[dict[str, Any], str]:
        seq = sub.payload["corrects_seq"]
        original = self.lookup(seq)
        if original is None:
            raise IntakeError(f"`corrects_seq` names no entry ({seq})")
        if original.inst_id != sub.inst_id:
            raise IntakeError(f"entry {seq} belongs to {original.inst_id!r}, not {sub.inst_id!r}")
        if original.event_type == "CORRECTION":
            raise IntakeError(f"entry {seq} is a correction; correct the original entry instead")
        replacement = sub.payload.get("payload")
        if replacement is None:
            return {}, "CORRECTION"  # voids the entry
        try:
            validate_payload(original.event_type, replacement)
        except SchemaError as exc:
            raise IntakeError(f"replacement payload: {exc}") from None
        before = declared_ids(original.event_type, sub.inst_id, original.payload)
        after = declared_ids(original.event_type, sub.inst_id, replacement)
        if before != after:
            raise IntakeError("a correction cannot change the ids an entry declared")
        return replacement, original.event_type

    def accept(self, sub: Submission, seq: int, declared: list[tuple[str, str]]) -> None:
        for key in declared:
            self.pending[key] = seq
        if sub.event_type == "INSTITUTION_REGISTERED":
            self.pending_keys[sub.inst_id] = institution_key(sub.payload)

    def commit(self) -> None:
        """The batch was written: fold what it declared into the index."""
        for (kind, value), seq in self.pending.items():
            self.index.add(kind, value, seq)
        self.index.institutions.update(self.pending_keys)
        self.pending.clear()
        self.pending_keys.clear()


def institution_key(payload: dict[str, Any]) -> InstitutionKey:
    return InstitutionKey(
        keys.public_from_b64(payload["public_key"]), frozenset(payload.get("actors", ()))
    )


def entry_ref(inst_id: str, event_type: str, payload_text: str) -> EntryRef:
    return EntryRef(inst_id, event_type, orjson.loads(payload_text))
