"""POST /v1/ledger/events and GET /v1/ledger/findings under institution-bound tokens."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner
from web_service import Service, make_service

from redline.cli import app as cli_app
from redline.ledger import keys
from redline.ledger.entry import Submission
from redline.ledger.ledger import Ledger
from redline.pipeline import Pipeline
from redline.store import accounts
from redline.web.app import ledger_rules_from_env


def _key(name: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


KEYS = {"H1": _key("web H1"), "H2": _key("web H2")}


def _event(event_type: str, payload: dict[str, Any], inst: str = "H1", day: int = 1) -> dict:
    when = f"2025-01-{day:02d}T09:00:00Z"
    sub = Submission(event_type, inst, "a1", when, payload).signed_by(KEYS[inst])
    return sub.to_dict()


def _registration(inst: str) -> dict:
    payload = {
        "name": f"Hospital {inst}",
        "foreign_status": "chinese",
        "public_key": keys.public_b64(KEYS[inst]),
        "actors": ["a1"],
    }
    return _event("INSTITUTION_REGISTERED", payload, inst)


def _collection_without_consent() -> list[dict]:
    """A project, a participant and a collection with no consent: R2 must fire for H1."""
    id_hash = hashlib.sha256(b"person 1").hexdigest()
    return [
        _event(
            "PROJECT_REGISTERED",
            {
                "project_id": "P1",
                "category": "domestic_research",
                "parties": ["H1"],
                "start": "2025-01-01",
            },
        ),
        _event(
            "PARTICIPANT_ENROLLED",
            {"participant_id": "X1", "project_id": "P1", "id_hash": id_hash},
            day=2,
        ),
        _event(
            "SPECIMEN_COLLECTED",
            {
                "specimen_id": "S1",
                "participant_id": "X1",
                "project_id": "P1",
                "type": "blood",
                "quantity": "5",
                "unit": "ml",
            },
            day=3,
        ),
    ]


@pytest.fixture()
def inst_tokens(service: Service) -> dict[str, str]:
    """An institution token per institution, in the service's database."""
    made = {}
    with service.app.state.services.transaction() as connection:
        for inst in KEYS:
            made[inst] = accounts.create_token(connection, f"inst-{inst}", "institution", inst)[1]
    return made


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _size(service: Service) -> int:
    return Ledger(service.app.state.services.engine).size()


def test_an_institution_appends_its_events_and_reads_its_findings(
    service: Service, inst_tokens: dict[str, str]
) -> None:
    h1 = _auth(inst_tokens["H1"])
    one = service.client.post("/v1/ledger/events", json=_registration("H1"), headers=h1)
    assert one.status_code == 200, one.text
    assert one.json()["seqs"] == [0]
    batch = {"events": _collection_without_consent()}
    many = service.client.post("/v1/ledger/events", json=batch, headers=h1)
    assert many.status_code == 200, many.text
    assert many.json()["seqs"] == [1, 2, 3]
    assert [r["seq"] for r in many.json()["receipts"]] == [1, 2, 3]
    assert _size(service) == 4

    found = service.client.get("/v1/ledger/findings", headers=h1)
    assert found.status_code == 200, found.text
    r2 = [f for f in found.json()["findings"] if f["rule_id"] == "R2"]
    assert r2 and all(f["inst_id"] == "H1" for f in found.json()["findings"])
    assert 3 in r2[0]["evidence_seqs"]
    analyst = service.client.get("/v1/ledger/findings?rule=R2", headers=service.auth("analyst"))
    assert analyst.status_code == 200
    assert [f["rule_id"] for f in analyst.json()["findings"]] == ["R2"] * len(r2)


def test_a_token_cannot_write_another_institutions_events(
    service: Service, inst_tokens: dict[str, str]
) -> None:
    h1 = _auth(inst_tokens["H1"])
    assert service.client.post("/v1/ledger/events", json=_registration("H1"), headers=h1).is_success
    batch = {"events": [_registration("H2")]}
    response = service.client.post("/v1/ledger/events", json=batch, headers=h1)
    assert response.status_code == 403
    assert "H2" in response.json()["detail"]
    assert _size(service) == 1
    other = service.client.get("/v1/ledger/findings?institution=H2", headers=h1)
    assert other.status_code == 403


def test_callers_without_an_institution_token_are_refused(
    service: Service, inst_tokens: dict[str, str]
) -> None:
    event = _registration("H1")
    assert service.client.post("/v1/ledger/events", json=event).status_code == 401
    wrong = {"Authorization": "Bearer rl_not-a-token"}
    assert service.client.post("/v1/ledger/events", json=event, headers=wrong).status_code == 401
    for role in ("screener", "admin"):  # ranked roles are no institution: they cannot write
        response = service.client.post("/v1/ledger/events", json=event, headers=service.auth(role))
        assert response.status_code == 403
    assert (
        service.client.get("/v1/ledger/findings", headers=service.auth("reviewer")).status_code
        == 403
    )
    assert _size(service) == 0


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda e: e.pop("actor_id"), "actor_id"),
        (lambda e: e["payload"].update(quantity=5.0), "quantity"),
        (lambda e: e.update(signature=e["signature"][::-1]), "signature"),
        # PostgreSQL stores no NUL: this was a 500 there (and stored on SQLite)
        (lambda e: e["payload"].update(specimen_id="S\u00001"), "specimen_id` holds a NUL"),
    ],
    ids=["missing-field", "float", "bad-signature", "nul"],
)
def test_a_bad_event_is_named_and_nothing_of_the_request_is_written(
    service: Service, inst_tokens: dict[str, str], spoil: Any, reason: str
) -> None:
    h1 = _auth(inst_tokens["H1"])
    events = [_registration("H1"), *_collection_without_consent()]
    spoil(events[3])
    response = service.client.post("/v1/ledger/events", json={"events": events}, headers=h1)
    assert response.status_code == 422, response.text
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "events", 3]
    assert reason in problem["msg"]
    assert _size(service) == 0
    good = service.client.post("/v1/ledger/events", json={"events": events[:3]}, headers=h1)
    assert good.json()["seqs"] == [0, 1, 2]


def test_institution_tokens_must_name_their_institution(service: Service) -> None:
    with service.app.state.services.transaction() as connection:
        with pytest.raises(accounts.AccountError, match="institution"):
            accounts.create_token(connection, "unbound", "institution")
        with pytest.raises(accounts.AccountError, match="institution"):
            accounts.create_token(connection, "bound-screener", "screener", "H1")
        token, _ = accounts.create_token(connection, "bound", "institution", "H1")
    assert (token.role, token.institution) == ("institution", "H1")
    assert not accounts.role_at_least("institution", "screener")
    assert not accounts.role_at_least("admin", "institution")


def test_token_create_binds_an_institution_from_the_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from redline.cli import app
    from redline.store.engine import create_engine

    db = str(tmp_path / "service.db")
    runner = CliRunner()
    args = ["token", "create", "h1-lims", "--role", "institution", "--db", db]
    unbound = runner.invoke(app, args)
    assert unbound.exit_code == 2
    made = runner.invoke(app, [*args, "--institution", "H1"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    engine = create_engine(db)
    with engine.connect() as connection:
        token = accounts.token_for(connection, secret)
    engine.dispose()
    assert token is not None and (token.role, token.institution) == ("institution", "H1")


def test_findings_apply_the_rule_configuration_the_service_was_given(
    tmp_path: Path, bare_pipeline: Pipeline
) -> None:
    """`serve --ledger-config` reaches the findings: here R2's severity is raised."""
    rules = tmp_path / "rules.toml"
    rules.write_text('[rules.R2]\nseverity = "critical"\n', encoding="utf-8")
    env = {"REDLINE_LEDGER_CONFIG": str(rules), "REDLINE_LEDGER_WATCHLIST": ""}
    severities = {}
    for name, configured in (("default", None), ("configured", ledger_rules_from_env(env))):
        service = make_service(str(tmp_path / f"{name}.db"), bare_pipeline)
        service.app.state.services.config = replace(
            service.app.state.services.config, ledger_rules=configured
        )
        with service.app.state.services.transaction() as connection:
            secret = accounts.create_token(connection, "inst-H1", "institution", "H1")[1]
        for body in (_registration("H1"), {"events": _collection_without_consent()}):
            posted = service.client.post("/v1/ledger/events", json=body, headers=_auth(secret))
            assert posted.status_code == 200, posted.text
        found = service.client.get("/v1/ledger/findings?rule=R2", headers=_auth(secret))
        assert found.status_code == 200, found.text
        severities[name] = {f["severity"] for f in found.json()["findings"]}
        service.app.state.services.engine.dispose()
    assert severities == {"default": {"high"}, "configured": {"critical"}}
    assert ledger_rules_from_env({}) is None


def test_serve_refuses_a_broken_rule_configuration_before_starting(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text("[rules.R2\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli_app, ["serve", "--db", str(tmp_path / "s.db"), "--ledger-config", str(broken)]
    )
    assert result.exit_code == 2
    assert "rules.toml" in result.output


def test_an_acknowledged_append_is_on_disk_when_answered(
    service: Service, inst_tokens: dict[str, str]
) -> None:
    """A receipt names an entry: the intake must not lose it to a power cut (on SQLite its
    connection commits with synchronous=FULL; PostgreSQL's commits wait for the disk anyway)."""
    answer = service.client.post(
        "/v1/ledger/events", json=_registration("H1"), headers=_auth(inst_tokens["H1"])
    )
    assert answer.status_code == 200, answer.text
    with service.app.state.ledger.ledger().engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        else:
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
