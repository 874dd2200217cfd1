"""The template packs: every slot is defined, every category is covered, pools are broad."""

from __future__ import annotations

from random import Random

import pytest

from redline.synth.generate import PACKS
from redline.synth.templates import cn_mobile, fill, hk_phone, qq_number, slot_names


def _templates(lang: str) -> list[str]:
    pack = PACKS[lang]
    pools = [*pack.violating.values(), *pack.benign.values(), pack.cta,
             *pack.benign_contact.values()]
    return [template for pool in pools for template in pool]


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_every_slot_is_defined(lang: str) -> None:
    used = {name for template in _templates(lang) for name in slot_names(template)}
    assert used <= set(PACKS[lang].slots)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_major_languages_have_at_least_60_templates_per_label(lang: str) -> None:
    pack = PACKS[lang]
    assert sum(len(pool) for pool in pack.violating.values()) >= 60
    assert sum(len(pool) for pool in pack.benign.values()) >= 60


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_no_duplicate_templates(lang: str) -> None:
    pack = PACKS[lang]
    sentences = [t for pool in (*pack.violating.values(), *pack.benign.values()) for t in pool]
    assert len(sentences) == len(set(sentences))


def test_fill_keeps_a_repeated_slot_consistent_within_a_post() -> None:
    slots = {"n": lambda rng: str(rng.randrange(10**9))}
    text = fill("{n} and {n}", slots, Random(0), {})
    first, second = text.split(" and ")
    assert first == second


def test_contact_shapes() -> None:
    rng = Random(9)
    for _ in range(50):
        mobile = cn_mobile(rng).replace(" ", "").replace("-", "")
        assert len(mobile) == 11 and mobile[0] == "1" and mobile[1] in "3456789"
        hk = "".join(c for c in hk_phone(rng) if c.isdigit())
        assert hk.startswith("852") and len(hk) == 11 and hk[3] in "569"
        qq = qq_number(rng)
        assert 6 <= len(qq) <= 10 and qq[0] != "0"
