"""`redline.link.report`: what a ring's report says, and the scale estimate's reasoning."""

from __future__ import annotations

from collections import Counter

import pytest

from redline.link.report import build_report, scale_estimate, volume_claims


@pytest.mark.parametrize(
    ("text", "customers"),
    [
        ("已帮助近10000位宝妈圆梦", 10_000),
        ("累计服务超过3,000位孕妈", 3_000),
        ("帮助了1.2万个家庭", 12_000),
        ("We have helped nearly 10,000 mothers.", 10_000),
        ("Over 500 families served", 500),
        ("served more than 2k clients", 2_000),
    ],
)
def test_volume_claims_are_read(text: str, customers: int) -> None:
    assert [c["customers"] for c in volume_claims(text)] == [customers]


def test_no_claim_in_ordinary_text() -> None:
    assert volume_claims("孕12周可以做NIPT，10000元以内") == []


def test_scale_from_a_claim_shows_inputs_and_assumptions() -> None:
    estimate = scale_estimate(
        4,
        [{"customers": 10_000}, {"customers": 3_000}],
        Counter({"CNY 3800": 2, "CNY 4200": 1, "CNY 50": 3}),
    )
    assert estimate["customers"] == {"low": 1_000, "high": 10_000}
    assert estimate["fee"] == {"currency": "CNY", "low": 3800.0, "high": 4200.0}
    assert estimate["revenue"] == {"currency": "CNY", "low": 3_800_000, "high": 42_000_000}
    assert any("10,000" in line for line in estimate["inputs"])
    assert any("deposits" in line for line in estimate["assumptions"])


def test_scale_without_claims_or_prices_says_so() -> None:
    estimate = scale_estimate(7, [], Counter())
    assert estimate["customers"] == {"low": 7, "high": 35} and estimate["revenue"] is None
    assert any("revenue not estimated" in a for a in estimate["assumptions"])


def test_outlying_quotes_are_left_out_and_named() -> None:
    estimate = scale_estimate(1, [], Counter({"HKD 3000": 3, "HKD 5990000": 1, "CNY 3000": 1}))
    assert estimate["fee"] == {"currency": "HKD", "low": 3000.0, "high": 3000.0}
    assert any("5,990,000" in a for a in estimate["assumptions"])


def test_report_collects_what_the_posts_say() -> None:
    ring = {
        "ring_id": "ring-000001",
        "accounts": ["weibo:a", "douyin:b"],
        "entities": [{"type": "wechat", "value": "w1"}, {"type": "phone", "value": "+1"}],
    }
    posts = [
        {
            "id": "p1",
            "kind": "post",
            "verdict": "violating",
            "platform": "weibo",
            "created_at": "2026-02-01",
            "raw": {"text": "香港验血，深圳抽血，已帮助近5000位宝妈"},
            "decision": {
                "entities": [{"type": "price", "value": "CNY 3800"}],
                "evidence": [{"signal": "sexid.service"}, {"signal": "blood.kit"}],
            },
        },
        {
            "id": "p2",
            "kind": "post",
            "verdict": "review",
            "platform": "douyin",
            "created_at": "2026-01-15",
            "raw": {"text": "Hong Kong lab"},
            "decision": {},
        },
        {
            "id": "s1",
            "kind": "seizure",
            "created_at": "2026-03-01",
            "raw": {"id": "s1", "kind": "seizure", "origin": "深圳"},
        },
    ]
    report = build_report(ring, posts)
    assert report["counts"] == {
        "posts": 2,
        "flagged_posts": 2,
        "shipments": 1,
        "accounts": 2,
        "contacts": 2,
        "platforms": 2,
    }
    assert (report["first_seen"], report["last_seen"]) == ("2026-01-15", "2026-03-01")
    assert {p["place"] for p in report["places"]} == {"香港", "深圳", "Hong Kong"}
    assert report["prices"] == [{"value": "CNY 3800", "posts": 1}]
    assert {s["service"] for s in report["services"]} == {
        "fetal sex identification",
        "maternal blood drawing and testing",
    }
    assert report["volume_claims"][0]["post_id"] == "p1"
    assert report["contacts"] == {"wechat": ["w1"], "phone": ["+1"]}
    assert report["shipments"][0]["origin"] == "深圳"
