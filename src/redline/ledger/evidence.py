"""Findings as evidence packets: each finding with the entries it cites and, for each entry, its
RFC 6962 inclusion proof against a signed checkpoint, so that whoever receives the packet (a
ring's evidence file, a court) can check every entry without access to the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redline.ledger import storage
from redline.ledger.checkpoint import Checkpoint
from redline.ledger.entry import Entry
from redline.ledger.ledger import Ledger
from redline.ledger.merkle import inclusion_proof, leaf_hash, verify_inclusion
from redline.ledger.rules import Finding


class EvidenceError(ValueError):
    """No checkpoint covers the entries a finding cites."""


def evidence_packets(ledger: Ledger, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """One packet per finding, proved against the latest checkpoint (leaves read once)."""
    findings = list(findings)
    signed = ledger.checkpoints()
    if not signed:
        raise EvidenceError("no checkpoint yet; run `redline ledger checkpoint` first")
    checkpoint = signed[-1]
    cited = {seq for finding in findings for seq in finding.evidence_seqs}
    beyond = sorted(seq for seq in cited if seq >= checkpoint.tree_size)
    if beyond:
        raise EvidenceError(f"entries {beyond[:5]} are newer than the latest checkpoint")
    leaves = [leaf_hash(v) for v in storage.leaf_values(ledger.engine, checkpoint.tree_size)]
    entries = {seq: ledger.entry(seq) for seq in sorted(cited)}
    proofs = {seq: [p.hex() for p in inclusion_proof(seq, leaves)] for seq in entries}
    return [
        {
            "finding": finding.to_dict(),
            "checkpoint": checkpoint.to_dict(),
            "entries": [
                {"entry": _entry(entries[seq]).to_dict(), "proof": proofs[seq]}
                for seq in finding.evidence_seqs
            ],
        }
        for finding in findings
    ]


def _entry(entry: Entry | None) -> Entry:
    assert entry is not None, "a cited entry vanished between reading and proving"
    return entry


def check_packet(packet: dict[str, Any]) -> list[str]:
    """What does not hold in a packet (empty when every entry is proved by the checkpoint).

    The checkpoint's signature is checked against the key it names; pin the operator's key by
    comparing `packet["checkpoint"]["public_key"]` with the one you trust.
    """
    problems = []
    checkpoint = Checkpoint.from_dict(packet["checkpoint"])
    if not checkpoint.signature_ok():
        problems.append("checkpoint signature does not verify")
    for item in packet["entries"]:
        entry = Entry.from_dict(item["entry"])
        proof = [bytes.fromhex(p) for p in item["proof"]]
        if entry.recomputed_payload_hash() != entry.payload_hash:
            problems.append(f"entry {entry.seq}: payload does not match its hash")
        if entry.recomputed_entry_hash(entry.prev_hash) != entry.entry_hash:
            problems.append(f"entry {entry.seq}: entry hash does not match its fields")
        if not verify_inclusion(
            entry.seq, checkpoint.tree_size, entry.entry_hash, proof, checkpoint.root_hash
        ):
            problems.append(f"entry {entry.seq}: not included in the checkpoint's tree")
    return problems


FINDINGS_FILE = "ledger/findings.jsonl"
"""Where a ring's evidence packet (`redline packet --findings`) keeps ledger findings."""


def checked_packets(data: bytes, source: str) -> list[dict[str, Any]]:
    """The evidence packets of a JSONL file (`findings --evidence`), each proved; else an error
    naming the line: a finding that does not check must not go into a court's evidence."""
    import json

    packets = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            packet = json.loads(line)
            problems = check_packet(packet)
        except (ValueError, KeyError, TypeError) as exc:
            raise EvidenceError(f"{source}:{number}: not an evidence packet: {exc}") from None
        if problems:
            raise EvidenceError(f"{source}:{number}: {'; '.join(problems)}")
        packets.append(packet)
    return packets
