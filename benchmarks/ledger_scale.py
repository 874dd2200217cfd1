"""Benchmark (not a test): the ledger at scale on one core: append, verify, project, prove.

Generates N events (one institution, one project with its ethics approval and
collection permit; then per person: enrolment, consent,
collection, storage, use), signs each with the institution's Ed25519 key, and runs each phase
in its own process pinned to one core, printing wall time, CPU time (what counts on a shared
machine), events/s (by wall time) and peak memory (max RSS):

- append:  intake (schema, references, signature check), hash chain, insert; batches of
           `--batch` events, one transaction each; then one signed checkpoint. Signing (the
           institutions' cost, not the ledger's) is timed apart and left out of the append rate.
- verify:  full verification: every payload hash, entry hash, chain link, signature, and the
           checkpoint's Merkle root.
- project: the projection rebuilt from the ledger, then rules R1-R14.
- proof:   an inclusion proof for one entry against the checkpoint: building it (reads every
           leaf) and checking it (averaged over 10,000 checks).

Usage: .venv/bin/python benchmarks/ledger_scale.py [--events 10000000] [--db PATH_OR_URL]
       [--batch 50000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redline.ledger import keys
from redline.ledger.entry import Submission

INST = "BENCH-H1"
INST_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"bench institution").digest())
OPERATOR_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"bench operator").digest())
PER_PERSON = 5


class Signer:
    """Yields signed submissions and keeps the time spent signing."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def sign(self, event_type: str, payload: dict, when: str) -> Submission:
        started, cpu = time.perf_counter(), time.process_time()
        signed = Submission(event_type, INST, "clerk", when, payload).signed_by(INST_KEY)
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += time.process_time() - cpu
        return signed


def events(total: int, signer: Signer) -> Iterator[Submission]:
    when = "2025-03-01T09:00:00Z"
    yield signer.sign(
        "INSTITUTION_REGISTERED",
        {
            "name": "Benchmark Hospital",
            "foreign_status": "chinese",
            "public_key": keys.public_b64(INST_KEY),
            "actors": ["clerk"],
        },
        when,
    )
    yield signer.sign(
        "PROJECT_REGISTERED",
        {
            "project_id": "P",
            "category": "domestic_research",
            "parties": [INST],
            "start": "2025-01-01",
        },
        when,
    )
    yield signer.sign(
        "ETHICS_APPROVED",
        {
            "approval_id": "E",
            "project_id": "P",
            "committee": "IRB",
            "country": "CN",
            "valid_from": "2025-01-01",
            "valid_to": "2027-12-31",
        },
        when,
    )
    yield signer.sign(
        "PERMIT_GRANTED",
        {
            "permit_id": "COL-1",
            "kind": "COLLECTION",
            "issuer": "NHC",
            "holders": [INST],
            "project_id": "P",
            "hgr_types": ["blood"],
            "valid_from": "2025-01-01",
            "valid_to": "2027-12-31",
        },
        when,
    )
    made, person = 4, 0
    while made < total:
        p, c, s = f"X{person}", f"C{person}", f"S{person}"
        id_hash = hashlib.sha256(f"bench {person}".encode()).hexdigest()
        batch = [
            ("PARTICIPANT_ENROLLED", {"participant_id": p, "project_id": "P", "id_hash": id_hash}),
            (
                "CONSENT_SIGNED",
                {
                    "consent_id": c,
                    "participant_id": p,
                    "project_id": "P",
                    "form_version": "1",
                    "scope": ["research"],
                    "written": True,
                    "signed_at": "2025-03-01T08:00:00Z",
                },
            ),
            (
                "SPECIMEN_COLLECTED",
                {
                    "specimen_id": s,
                    "participant_id": p,
                    "project_id": "P",
                    "type": "blood",
                    "quantity": "5",
                    "unit": "ml",
                },
            ),
            ("SPECIMEN_STORED", {"specimen_id": s, "location": f"freezer-{person % 40}"}),
            ("SPECIMEN_USED", {"specimen_id": s, "quantity": "1"}),
        ]
        for event_type, payload in batch[: total - made]:
            yield signer.sign(event_type, payload, when)
        made += PER_PERSON
        person += 1


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process: on a shared machine, closer to what one free core would take."""
    return time.process_time()


def phase_append(db: str, total: int, batch: int) -> dict:
    ledger = open_ledger(db)
    signer = Signer()
    stream = events(total, signer)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    appended = 0
    while chunk := list(islice(stream, batch)):
        report = ledger.append(chunk, ts_of=lambda _sub: "2025-03-01T10:00:00Z", keep_entries=False)
        assert not report.rejects, report.rejects[:2]
        appended += report.written
    elapsed = time.perf_counter() - started - signer.seconds
    cpu = cpu_seconds() - cpu_started - signer.cpu_seconds
    cp_started = time.perf_counter()
    ledger.checkpoint(OPERATOR_KEY, "bench", "2025-03-02T00:00:00Z")
    return {
        "events": appended,
        "seconds": elapsed,
        "sign_seconds": signer.seconds,
        "checkpoint_seconds": time.perf_counter() - cp_started,
        "cpu_seconds": cpu,
        "peak_mib": peak_mib(),
    }


def phase_verify(db: str) -> dict:
    from redline.ledger.verify import verify

    ledger = open_ledger(db)
    started, cpu = time.perf_counter(), cpu_seconds()
    report = verify(ledger, trusted_key=OPERATOR_KEY.public_key())
    assert report.ok, report.issues[:3]
    return {
        "events": report.entries_checked,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mib": peak_mib(),
    }


def phase_project(db: str) -> dict:
    from redline.ledger.analysis import project_source
    from redline.ledger.rules import evaluate

    ledger = open_ledger(db)
    started, cpu = time.perf_counter(), cpu_seconds()
    state = project_source(ledger)
    projected, projected_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    findings = evaluate(state)
    return {
        "events": state.size,
        "seconds": projected,
        "cpu_seconds": projected_cpu,
        "rules_seconds": time.perf_counter() - started - projected,
        "findings": len(findings),
        "specimens": len(state.specimens),
        "peak_mib": peak_mib(),
    }


def open_ledger(db: str) -> Any:
    from redline.ledger.ledger import Ledger

    return Ledger.open(db)


def phase_proof(db: str) -> dict:
    from redline.ledger.merkle import verify_inclusion

    ledger = open_ledger(db)
    checkpoint = ledger.checkpoints()[-1]
    seq = checkpoint.tree_size // 3
    entry = ledger.entry(seq)
    assert entry is not None
    started = time.perf_counter()
    proof = ledger.inclusion_proof(seq, checkpoint.tree_size)
    built = time.perf_counter() - started
    assert checkpoint.signature_ok(OPERATOR_KEY.public_key())
    checks = 10_000
    started = time.perf_counter()
    for _ in range(checks):
        ok = verify_inclusion(
            seq, checkpoint.tree_size, entry.entry_hash, proof, checkpoint.root_hash
        )
    per_check = (time.perf_counter() - started) / checks
    assert ok
    return {
        "proof_hashes": len(proof),
        "build_seconds": built,
        "check_microseconds": per_check * 1e6,
        "peak_mib": peak_mib(),
    }


PHASES = {
    "append": phase_append,
    "verify": phase_verify,
    "project": phase_project,
    "proof": phase_proof,
}


def run_phase(name: str, args: argparse.Namespace, db: str) -> dict:
    command = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--db",
        db,
        "--events",
        str(args.events),
        "--batch",
        str(args.batch),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--db", help="database path or URL (default: a temporary SQLite file)")
    parser.add_argument("--phase", choices=list(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.phase:
        phase = PHASES[args.phase]
        result = (
            phase(args.db, args.events, args.batch) if args.phase == "append" else phase(args.db)
        )
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "scale.db")
        where = db if args.db else "SQLite (temporary file)"
        print(f"{args.events:,} events, database {where}, one core")
        for name in PHASES:
            result = run_phase(name, args, db)
            rate = ""
            if "events" in result and result.get("seconds"):
                rate = f", {result['events'] / result['seconds']:,.0f} events/s"
            details = ", ".join(
                f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in result.items()
            )
            print(f"{name:<8} {details}{rate}", flush=True)
        if not args.db:
            size = Path(db).stat().st_size / 2**20
            print(f"database size {size:,.0f} MiB")


if __name__ == "__main__":
    main()
