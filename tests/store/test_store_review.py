"""Decisions stored once, the review queue's claims and decisions, label export: both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import audit, review
from redline.store.decisions import (
    ScreenedPost,
    count_decisions,
    find_decisions,
    get_decision,
    store_decisions,
)
from redline.store.tables import utcnow


def screened(post_id: str, verdict: str, score: float, text: str = "t", pack: str = "cn"):
    clauses = [{"id": "c1", "pack": pack, "citation": "Art. 1", "title": "x"}]
    decision = {
        "id": post_id, "verdict": verdict, "score": score, "rules": [],
        "clauses": clauses if verdict != "allow" else [], "evidence": [], "entities": [],
    }  # fmt: skip
    return ScreenedPost(text=text, decision=decision, source="token:test")


def test_each_post_is_stored_once_and_first_write_wins(engine: Engine) -> None:
    with engine.begin() as connection:
        new = store_decisions(connection, [screened("a", "violating", 0.9, "first")])
    with engine.begin() as connection:
        again = store_decisions(
            connection, [screened("a", "allow", 0.0, "second"), screened("b", "allow", 0.0)]
        )
    assert new == ["a"]
    assert again == ["b"]
    with engine.connect() as connection:
        assert count_decisions(connection) == (2, 2)
        stored = get_decision(connection, "a")
        assert stored is not None and stored.text == "first" and stored.verdict == "violating"
        assert [item.id for item in review.queue(connection)] == ["a"]


def test_a_repeated_id_in_one_call_is_stored_once_with_one_review_item(engine: Engine) -> None:
    with engine.begin() as connection:
        new = store_decisions(
            connection, [screened("d", "violating", 0.9, "one"), screened("d", "review", 0.5)]
        )
    assert new == ["d"]
    with engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
        assert [(i.id, i.verdict) for i in review.queue(connection)] == [("d", "violating")]


def test_find_filters_by_verdict_pack_and_time(engine: Engine) -> None:
    start = utcnow()
    with engine.begin() as connection:
        store_decisions(connection, [screened("old", "review", 0.4)], now=start)
        store_decisions(
            connection,
            [screened("cn1", "violating", 0.9), screened("in1", "violating", 0.8, pack="in")],
            now=start + timedelta(hours=1),
        )
        store_decisions(connection, [screened("ok", "allow", 0.0)], now=start + timedelta(hours=1))
    with engine.connect() as connection:
        ids = lambda **kw: [d.id for d in find_decisions(connection, **kw)]  # noqa: E731
        assert ids(verdict="violating") == ["cn1", "in1"]
        assert ids(pack="in") == ["in1"]
        assert ids(pack="%") == []  # LIKE wildcards are literal
        assert ids(until=start + timedelta(minutes=1)) == ["old"]
        assert set(ids(since=start + timedelta(minutes=1))) == {"cn1", "in1", "ok"}
        assert get_decision(connection, "cn1").to_dict()["clauses"][0]["pack"] == "cn"


def test_queue_is_ordered_by_score(engine: Engine) -> None:
    with engine.begin() as connection:
        store_decisions(
            connection,
            [screened("low", "review", 0.3), screened("high", "violating", 0.95),
             screened("mid", "violating", 0.7), screened("fine", "allow", 0.0)],
        )  # fmt: skip
    with engine.connect() as connection:
        assert [item.id for item in review.queue(connection)] == ["high", "mid", "low"]


def test_two_reviewers_never_hold_one_item(engine: Engine) -> None:
    with engine.begin() as connection:
        store_decisions(connection, [screened("p", "violating", 0.9)])
    with engine.begin() as connection:
        assert review.claim(connection, "p", "user:ann") is not None
    with engine.begin() as connection:
        assert review.claim(connection, "p", "user:bob") is None
        assert review.claim_next(connection, "user:bob") is None
        assert review.claim(connection, "p", "user:ann") is not None  # renewing is allowed
    with engine.begin() as connection, pytest.raises(review.ClaimError):
        review.decide(connection, "p", "user:bob", "confirm")


def test_an_expired_claim_can_be_taken_over_and_the_old_holder_cannot_decide(
    engine: Engine,
) -> None:
    now = utcnow()
    with engine.begin() as connection:
        store_decisions(connection, [screened("p", "violating", 0.9)])
        review.claim(connection, "p", "user:ann", ttl=timedelta(minutes=1), now=now)
    later = now + timedelta(minutes=2)
    with engine.begin() as connection:
        assert review.claim(connection, "p", "user:bob", now=later) is not None
    with engine.begin() as connection, pytest.raises(review.ClaimError):
        review.decide(connection, "p", "user:ann", "dismiss", now=later)
    with engine.begin() as connection:
        record = review.decide(connection, "p", "user:bob", "confirm", "clear ad", now=later)
    assert record.action == "confirm"
    with engine.connect() as connection:
        item = review.get_item(connection, "p")
        assert item is not None and item.status == "confirmed" and item.claimed_by is None
        assert [e.action for e in audit.entries(connection)] == ["review.confirm"]


def test_claim_next_takes_the_best_free_item_and_skips_held_ones(engine: Engine) -> None:
    with engine.begin() as connection:
        store_decisions(
            connection, [screened("a", "violating", 0.9), screened("b", "violating", 0.8)]
        )
        assert review.claim_next(connection, "user:ann") == "a"
        assert review.claim_next(connection, "user:ann") == "a"  # still hers
        assert review.claim_next(connection, "user:bob") == "b"
        assert review.claim_next(connection, "user:cy") is None
        assert review.release(connection, "a", "user:ann")
        assert review.claim_next(connection, "user:cy") == "a"


def test_a_failed_decision_writes_nothing(engine: Engine) -> None:
    with engine.begin() as connection:
        store_decisions(connection, [screened("p", "violating", 0.9)])
        review.claim(connection, "p", "user:ann")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        review.decide(connection, "p", "user:ann", "confirm")
        store_decisions(connection, [screened("x", "allow", 0.0)])
        connection.execute(sa.text("INSERT INTO audit_log (seq) VALUES (1)"))  # fails: NOT NULL
    with engine.connect() as connection:
        assert review.history(connection, "p") == []
        assert audit.entries(connection) == []
        assert get_decision(connection, "x") is None
        assert review.get_item(connection, "p").status == "open"


def test_escalated_items_leave_the_reviewer_queue_and_labels_follow_final_actions(
    engine: Engine,
) -> None:
    with engine.begin() as connection:
        store_decisions(
            connection,
            [screened("a", "violating", 0.9, "ad text"), screened("b", "review", 0.5, "news"),
             screened("c", "review", 0.4, "unsure")],
        )  # fmt: skip
        for post_id, action in (("a", "confirm"), ("b", "dismiss"), ("c", "escalate")):
            review.claim(connection, post_id, "user:ann")
            review.decide(connection, post_id, "user:ann", action)
        assert review.queue(connection) == []
        assert [i.id for i in review.queue(connection, ("escalated",))] == ["c"]
        review.claim(connection, "c", "user:lead", statuses=("escalated",))
        review.decide(connection, "c", "user:lead", "confirm", statuses=("escalated",))
        assert list(review.labels(connection)) == [
            ("a", "ad text", "violating_ad"),
            ("b", "news", "benign"),
            ("c", "unsure", "violating_ad"),
        ]


def test_with_items_names_the_ids_that_have_a_review_item_across_chunks(engine: Engine) -> None:
    posts = [screened(f"p{n}", "violating" if n % 3 == 0 else "allow", 0.5) for n in range(1201)]
    with engine.begin() as connection:
        store_decisions(connection, posts)
    asked = [f"p{n}" for n in range(1201)] + ["never-stored"]
    with engine.connect() as connection:
        assert review.with_items(connection, asked) == {f"p{n}" for n in range(0, 1201, 3)}
        assert review.with_items(connection, []) == set()
