"""The service's commands: db upgrade, user add, token create, audit verify, export-labels."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from audit_attack import drop_audit_guard
from typer.testing import CliRunner

from redline.cli import app
from redline.store import accounts, review
from redline.store.decisions import ScreenedPost, feed_epoch, prepare_feed, store_decisions
from redline.store.engine import create_engine
from redline.store.migrate import head_revision
from redline.store.tables import audit_log

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_db_upgrade_user_add_token_create(db_url: str) -> None:
    upgraded = invoke("db", "upgrade", "--db", db_url)
    assert upgraded.exit_code == 0 and head_revision() in upgraded.stdout
    added = invoke("user", "add", "ann", "--role", "reviewer", "--db", db_url,
                   "--password-stdin", stdin="long enough pw\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    again = invoke("user", "add", "ann", "--role", "reviewer", "--db", db_url,
                   "--password-stdin", stdin="long enough pw\n")  # fmt: skip
    assert again.exit_code == 2 and "exists" in again.output
    bad_role = invoke("token", "create", "p", "--role", "root", "--db", db_url)
    assert bad_role.exit_code == 2
    made = invoke("token", "create", "platform", "--role", "screener", "--db", db_url)
    assert made.exit_code == 0
    secret = made.stdout.strip().splitlines()[-1]
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert accounts.authenticate(connection, "ann", "long enough pw") is not None
        token = accounts.token_for(connection, secret)
        assert token is not None and token.role == "screener"
    engine.dispose()


def test_audit_verify_reports_tampering(db_url: str) -> None:
    for name in ("a", "b", "c"):
        assert invoke("token", "create", name, "--role", "screener", "--db", db_url).exit_code == 0
    intact = invoke("audit", "verify", "--db", db_url)
    assert intact.exit_code == 0 and "3 entries verified" in intact.stdout
    assert "triggers are missing" not in intact.output
    engine = create_engine(db_url)
    with engine.begin() as connection:
        drop_audit_guard(connection)  # the database refuses the delete while its triggers stand
        connection.execute(audit_log.delete().where(audit_log.c.seq == 2))
    engine.dispose()
    broken = invoke("audit", "verify", "--db", db_url)
    assert broken.exit_code == 1
    assert "TAMPERED: entry 2 removed" in broken.stdout
    assert "append-only triggers are missing" in broken.output


def test_export_labels_writes_reviewers_final_decisions(db_url: str, tmp_path: Path) -> None:
    assert invoke("db", "upgrade", "--db", db_url).exit_code == 0
    engine = create_engine(db_url)

    def post(post_id: str, text: str) -> ScreenedPost:
        decision = {"id": post_id, "verdict": "violating", "score": 0.9, "clauses": []}
        return ScreenedPost(text, decision, "token:t")

    with engine.begin() as connection:
        store_decisions(connection, [post("a", '广告 "引号"'), post("b", "新闻"), post("c", "?")])
        for post_id, action in (("a", "confirm"), ("b", "dismiss"), ("c", "escalate")):
            review.claim(connection, post_id, "user:ann")
            review.decide(connection, post_id, "user:ann", action)
        rows = connection.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar()
    engine.dispose()
    output = tmp_path / "out" / "labels.jsonl"
    result = invoke("export-labels", "--db", db_url, "-o", str(output))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"id": "a", "text": '广告 "引号"', "label": "violating_ad"},
        {"id": "b", "text": "新闻", "label": "benign"},
    ]
    assert rows == 3
    assert not output.with_name("labels.jsonl.partial").exists()


def test_serve_refuses_an_unknown_durability_before_starting(tmp_path: Path) -> None:
    result = invoke("serve", "--db", str(tmp_path / "s.db"), "--durable", "sometimes")
    assert result.exit_code == 2
    assert "flagged, all" in result.output
    assert not (tmp_path / "s.db").exists()  # refused before touching the database


def test_serve_hands_its_durability_to_the_workers_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.web import workers
    from redline.web.app import app_from_env

    seen: dict[str, str] = {}

    def started(host: str, port: int, count: int, log_level: str) -> int:
        """What a worker does first: build the app from the environment serve prepared."""
        app = app_from_env()
        seen["durable"] = app.state.services.config.durable
        app.state.services.engine.dispose()
        return 0

    monkeypatch.setattr(workers, "serve", started)
    saved = dict(os.environ)
    try:
        result = invoke("serve", "--db", str(tmp_path / "s.db"), "--durable", "all")
    finally:  # serve hands its settings to the workers in the environment
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    assert seen == {"durable": "all"}


def test_user_set_changes_role_access_and_password_and_ends_sessions(db_url: str) -> None:
    def add(name: str, role: str) -> None:
        done = invoke("user", "add", name, "--role", role, "--db", db_url,
                      "--password-stdin", stdin="long enough pw\n")  # fmt: skip
        assert done.exit_code == 0, done.output

    add("root", "admin")
    add("ann", "reviewer")
    engine = create_engine(db_url)

    def ann() -> accounts.User:
        with engine.connect() as connection:
            user = accounts.user_named(connection, "ann")
        assert user is not None
        return user

    first = ann().session_generation
    assert invoke("user", "set", "ann", "--role", "analyst", "--db", db_url).exit_code == 0
    assert ann().role == "analyst" and ann().session_generation == first  # read live
    assert invoke("user", "set", "ann", "--disable", "--db", db_url).exit_code == 0
    assert not ann().active and ann().session_generation == first + 1
    assert invoke("user", "set", "ann", "--enable", "--db", db_url).exit_code == 0
    assert ann().active
    changed = invoke("user", "set", "ann", "--password-stdin", "--db", db_url,
                     stdin="a brand new passphrase\n")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert ann().session_generation == first + 2  # whoever knew the old one is logged out
    with engine.connect() as connection:
        assert accounts.authenticate(connection, "ann", "a brand new passphrase") is not None
        assert accounts.authenticate(connection, "ann", "long enough pw") is None
        entries = connection.execute(
            sa.select(audit_log.c.action, audit_log.c.details).order_by(audit_log.c.seq)
        ).all()
    updates = [json.loads(details) for action, details in entries if action == "user.update"]
    assert updates == [
        {"role": "analyst", "active": True},
        {"role": "analyst", "active": False},
        {"role": "analyst", "active": True},
        {"role": "analyst", "active": True, "password": "set"},
    ]  # never the password itself
    refused = {
        "unknown": invoke("user", "set", "bob", "--role", "admin", "--db", db_url),
        "nothing": invoke("user", "set", "ann", "--db", db_url),
        "short": invoke("user", "set", "ann", "--password-stdin", "--db", db_url, stdin="short\n"),
        "last admin": invoke("user", "set", "root", "--role", "reviewer", "--db", db_url),
        "two passwords": invoke("user", "set", "ann", "--password", "--password-stdin",
                                "--db", db_url, stdin="a third passphrase\n"),
        "prompt for nobody": invoke("user", "set", "bob", "--password", "--db", db_url,
                                    stdin="a third passphrase\na third passphrase\n"),
    }  # fmt: skip
    assert {why: done.exit_code for why, done in refused.items()} == dict.fromkeys(refused, 2)
    assert "at least one active admin" in refused["last admin"].output
    assert "password" not in refused["prompt for nobody"].output  # refused before asking
    with engine.connect() as connection:
        root = accounts.user_named(connection, "root")
        assert root is not None and root.role == "admin"  # nothing of a refusal written
        assert accounts.authenticate(connection, "ann", "a brand new passphrase") is not None
    engine.dispose()


def test_db_reset_cursors_gives_the_feed_a_new_epoch(db_url: str, tmp_path: Path) -> None:
    """After a backup is restored, positions clients hold may be past keys new decisions get:
    the command voids every cursor (the API answers 410 to one of another epoch)."""
    assert invoke("db", "upgrade", "--db", db_url).exit_code == 0
    engine = create_engine(db_url)
    prepare_feed(engine)
    with engine.connect() as connection:
        before = feed_epoch(connection)
    done = invoke("db", "reset-cursors", "--db", db_url)
    assert done.exit_code == 0, done.output
    with engine.connect() as connection:
        assert feed_epoch(connection) not in (None, before)
    engine.dispose()
    missing = invoke("db", "reset-cursors", "--db", str(tmp_path / "typo.db"))
    assert missing.exit_code == 2 and not (tmp_path / "typo.db").exists()
