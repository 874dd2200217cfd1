"""`redline.link.entities` and `redline.link.domains`: one contact point, one graph key."""

from __future__ import annotations

import pytest

from redline.link.domains import link_key, registrable_domain
from redline.link.entities import EntityError, EntityKey, normalize_entity, normalize_phone


@pytest.mark.parametrize(
    "written",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "0086 13800138000",
        "86-138-0013-8000",
        "１３８００１３８０００",
    ],
)
def test_mainland_mobiles_in_any_spelling_are_one_e164(written: str) -> None:
    assert normalize_phone(written) == "+8613800138000"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("(852) 5123 4567", "+85251234567"),
        ("852-5123 4567", "+85251234567"),
        ("+852 5123 4567", "+85251234567"),
        ("020-8365 1234", "+862083651234"),
        ("400-826-7733", "+864008267733"),
        ("+91 98765 43210", "+919876543210"),
    ],
)
def test_other_numbers_keep_their_country(written: str, e164: str) -> None:
    assert normalize_phone(written) == e164


@pytest.mark.parametrize("bad", ["not a phone", "12", "+1+2", ""])
def test_bad_phones_are_errors_naming_the_value(bad: str) -> None:
    with pytest.raises(EntityError):
        normalize_entity("phone", bad)


def test_handles_are_case_folded_and_stripped() -> None:
    assert normalize_entity("wechat", "HKBaby_2026") == EntityKey("wechat", "hkbaby_2026")
    assert normalize_entity("contact.telegram", "@Lab_HK") == EntityKey("telegram", "lab_hk")
    assert normalize_entity("telegram", "t.me/Lab_HK") == EntityKey("telegram", "lab_hk")
    assert normalize_entity("qq", "12345678") == EntityKey("qq", "12345678")
    assert normalize_entity("email", " Lab.HK@Gmail.com ") == EntityKey("email", "lab.hk@gmail.com")


def test_a_wechat_id_that_is_a_mobile_is_that_phone() -> None:
    assert normalize_entity("wechat", "13800138000") == normalize_entity("phone", "138 0013 8000")


def test_values_that_cannot_be_contacts_are_errors() -> None:
    for entity_type, value in [
        ("qq", "abc"),
        ("email", "no-at-sign"),
        ("price", "CNY 1"),
        ("wechat", "   "),
        ("url", "com.hk/booking"),
    ]:
        with pytest.raises(EntityError):
            normalize_entity(entity_type, value)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("shop.abc.com.hk", "abc.com.hk"),
        ("abc.com.hk", "abc.com.hk"),
        ("a.b.example.com", "example.com"),
        ("x.co.uk", "x.co.uk"),
        ("alice.github.io", "alice.github.io"),
        ("10.0.0.1", "10.0.0.1"),
        ("gov.cn", "gov.cn"),
        ("www.moh.gov.cn", "moh.gov.cn"),
    ],
)
def test_registrable_domains(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_links_key_on_the_owner() -> None:
    same = {
        link_key(u)
        for u in [
            "https://www.abc.com.hk/booking?from=wx",
            "abc.com.hk",
            "m.abc.com.hk/price",
            "HTTP://ABC.COM.HK",
        ]
    }
    assert same == {"abc.com.hk"}
    assert link_key("https://weibo.com/u/123?x") == "weibo.com/u/123"
    assert link_key("weibo.com/u/456") != link_key("weibo.com/u/123")
    assert link_key("t.me/hklab") == "t.me/hklab"
    with pytest.raises(ValueError):
        link_key("com.hk")
