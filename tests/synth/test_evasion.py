"""Each evasion family changes the words it targets, stays readable, and knows its languages."""

from __future__ import annotations

import re
import unicodedata
from random import Random

import pytest

from redline.synth import APPLIES, EVASIONS
from redline.synth.evasion import _MARKERS_ZH

SAMPLES = {
    "zh-Hans": "宝妈注意！香港验血测男女，孕7周可做，准确率99.4%，是男孩还是女孩一管血就知道。"
    "加微信ab_cd12预约，电话138 1234 5678。",
    "zh-Hant": "寶媽注意！香港驗血測男女，孕7周可做，準確率99.4%，是男孩還是女孩一管血就知道。"
    "加微信ab_cd12預約，電話138 1234 5678。",
    "en": "Boy or girl? Our blood test tells you the gender at 6 weeks. Add WeChat ab_cd12 or "
    "call 852 9123 4567.",
    "hi": "सिर्फ 6 हफ्ते में जानिए बेटा है या बेटी, लिंग जांच ₹5,000 में। संपर्क 9876543210",
    "hi-Latn": "Sirf 6 hafte me pata karo ladka hai ya ladki, gender test Rs 5,000. "
    "WhatsApp 9876543210",
}
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@pytest.mark.parametrize("family", sorted(EVASIONS))
@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_family_changes_text_exactly_where_it_applies(family: str, lang: str) -> None:
    text = SAMPLES[lang]
    for seed in range(5):
        out = EVASIONS[family](text, lang, Random(seed))
        if lang in APPLIES[family]:
            assert out != text and out.strip()
        else:
            assert out == text


def test_traditional_converts_script() -> None:
    out = EVASIONS["traditional"](SAMPLES["zh-Hans"], "zh-Hans", Random(0))
    assert "驗血" in out and "验" not in out


_TARGETS = ("验血", "男女", "性别", "香港", "男孩")


def _targets_broken(out: str, separator: str) -> bool:
    return any(re.search(f"{a}{separator}{b}", out) for a, b in _TARGETS)


def test_spacing_and_symbols_split_keywords() -> None:
    text = SAMPLES["zh-Hans"]
    assert _targets_broken(EVASIONS["spacing"](text, "zh-Hans", Random(1)), " ")
    out = EVASIONS["symbols"](text, "zh-Hans", Random(1))
    assert _targets_broken(out, r"[*.·\-_/|•~❤+]+")  # a keyword cut by symbols
    assert not _targets_broken(text, r"[*.·\-_/|•~❤+]+")


def test_spacing_keeps_devanagari_vowel_signs_attached() -> None:
    out = EVASIONS["spacing"](SAMPLES["hi"], "hi", Random(2))
    assert out != SAMPLES["hi"]
    for piece in out.split(" "):
        assert piece and not unicodedata.category(piece[0]).startswith("M")


def test_zero_width_only_adds_invisible_characters() -> None:
    for lang, text in SAMPLES.items():
        out = EVASIONS["zero_width"](text, lang, Random(3))
        assert ZERO_WIDTH.search(out)
        assert ZERO_WIDTH.sub("", out) == text


def test_fullwidth_folds_back_under_nfkc() -> None:
    for lang, text in SAMPLES.items():
        out = EVASIONS["fullwidth"](text, lang, Random(4))
        assert any("\uff10" <= c <= "\uff5a" for c in out)
        assert unicodedata.normalize("NFKC", out) == unicodedata.normalize("NFKC", text)


def test_pinyin_and_initials_write_keywords_in_latin_letters() -> None:
    text = SAMPLES["zh-Hans"]
    out = EVASIONS["pinyin"](text, "zh-Hans", Random(5))
    assert re.search(r"(yan|xue|nan|nv|xiang|gang|bao|ma|wei|xin|hai)", out)
    out = EVASIONS["initials"](text, "zh-Hans", Random(5))
    letters_before = len(re.findall(r"[A-Za-z]", text))
    assert len(re.findall(r"[A-Za-z]", out)) > letters_before


def test_homophones_swap_characters_one_for_one() -> None:
    text = SAMPLES["zh-Hans"]
    out = EVASIONS["homophones"](text, "zh-Hans", Random(6))
    assert len(out) == len(text)
    assert set(out) & set("雪穴姓燕彦楠南薇威侧策")


def test_codewords_use_the_insider_vocabulary() -> None:
    out = EVASIONS["codewords"](SAMPLES["zh-Hans"], "zh-Hans", Random(7))
    assert "皮夹克" in out and "小棉袄" in out and "男孩" not in out
    out = EVASIONS["codewords"](SAMPLES["hi-Latn"], "hi-Latn", Random(7))
    assert "ladka" not in out


def test_wechat_markers_hide_the_word_and_bury_a_handle() -> None:
    text = SAMPLES["zh-Hans"]
    out = EVASIONS["wechat_markers"](text, "zh-Hans", Random(8))
    assert "微信" not in out
    markers = "|".join(re.escape(marker) for marker in _MARKERS_ZH)
    buried = re.compile(f"(?:{markers})[ ：]?([a-z]+[_-]?[a-z]+[0-9]{{2,4}})，")
    handles = [match.group(1) for match in buried.finditer(out)]
    new = [h for h in handles if h not in text]
    assert len(new) == 1  # one handle the text did not have, behind a marker
    assert out.index(new[0]) < out.rindex("。") - 10  # tucked mid-text, not at the end


def test_digit_styles_rewrite_contact_digits() -> None:
    for lang, text in SAMPLES.items():
        out = EVASIONS["digit_styles"](text, lang, Random(9))
        assert out != text
        assert not re.search(r"[0-9]{3}", out)


def test_emoji_replace_words() -> None:
    out = EVASIONS["emoji"](SAMPLES["en"], "en", Random(10))
    assert set(out) & set("🩸👦👧👶")


def test_leetspeak_and_lookalike_change_latin_letters_only_in_place() -> None:
    text = SAMPLES["en"]
    leet = EVASIONS["leetspeak"](text, "en", Random(11))
    assert len(leet) == len(text) and leet != text
    look = EVASIONS["lookalike"](text, "en", Random(11))
    assert len(look) == len(text)
    assert any(unicodedata.name(c).startswith(("CYRILLIC", "GREEK")) for c in look)
