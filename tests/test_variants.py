"""Spelling variants of Chinese terms, as the term recogniser compiles them."""

from __future__ import annotations

from redline.normalize import normalize_text
from redline.variants import aksharas, joined_words, spaced_out, spellings, substituted

NO_HOMOPHONES: dict[str, list[str]] = {}


def test_full_pinyin_joined_and_spaced() -> None:
    found = spellings("验血", homophones=NO_HOMOPHONES)
    assert found[:2] == ["yanxue", "yan xue"]


def test_second_reading_of_blood_is_offered() -> None:
    found = spellings("验血", homophones=NO_HOMOPHONES)
    assert "yanxie" in found and "验xie" in found


def test_initials_only_for_long_enough_terms() -> None:
    assert "xbjd" in spellings("性别鉴定", homophones=NO_HOMOPHONES)
    assert "yx" not in spellings("验血", homophones=NO_HOMOPHONES)
    assert "yx" in spellings("验血", homophones=NO_HOMOPHONES, initials_min=2)


def test_homophone_substitutions() -> None:
    found = spellings("验血", homophones={"血": ["雪"], "验": ["眼"]})
    assert {"验雪", "眼血", "眼雪"} <= set(found)


def test_mixed_pinyin_and_hanzi() -> None:
    found = spellings("验血", homophones=NO_HOMOPHONES)
    assert "验xue" in found and "yan血" in found


def test_u_umlaut_written_both_ways() -> None:
    found = spellings("女孩", homophones=NO_HOMOPHONES)
    assert "nvhai" in found and "nuhai" in found


def test_non_chinese_terms_have_no_variants() -> None:
    assert spellings("gender test", homophones={"e": ["3"]}) == []


def test_terms_mixing_latin_keep_the_latin_part() -> None:
    found = spellings("y染色体", homophones=NO_HOMOPHONES)
    assert "yranseti" in found and "y ran se ti" in found


def test_result_is_normalised_distinct_and_excludes_the_term() -> None:
    found = spellings("驗血", homophones={"血": ["雪", "雪"], "驗": ["驗"]})
    assert len(found) == len(set(found))
    assert all(normalize_text(s) == s for s in found)
    assert "验血" not in found and "驗血" not in found
    assert "验雪" in found  # traditional input and homophones come out simplified


def test_limit_caps_and_order_is_deterministic() -> None:
    homophones = {"性": ["姓", "幸"], "别": ["鳖"], "定": ["订", "锭"]}
    full = spellings("性别鉴定", homophones=homophones, limit=1000)
    capped = spellings("性别鉴定", homophones=homophones, limit=5)
    assert len(full) > 5
    assert capped == full[:5]
    assert spellings("性别鉴定", homophones=homophones, limit=1000) == full


GLOSSES = {"男孩": ["boy", "बेटा"], "女孩": ["girl", "बेटी"], "检测": ["test"]}


def test_substitutes_replace_whole_words_up_to_two_per_term() -> None:
    assert substituted("बेटा या बेटी", GLOSSES) == ["男孩 या बेटी", "बेटा या 女孩", "男孩 या 女孩"]
    assert substituted("Baby Boy", GLOSSES) == ["baby 男孩"]  # normalised first
    assert substituted("boyfriend", GLOSSES) == []  # whole words only


def test_a_spelling_keeps_a_word_of_its_own_language() -> None:
    assert substituted("boy", GLOSSES) == []
    assert substituted("boy test", GLOSSES) == ["男孩 test", "boy 检测"]


def test_aksharas_keep_vowel_signs_nuktas_and_conjuncts_together() -> None:
    assert aksharas("लड़का") == ["ल", "ड़", "का"]
    assert aksharas("टेस्ट") == ["टे", "स्ट"]


def test_initials_of_a_run_are_generated_only_when_hanzi_anchor_them() -> None:
    found = spellings("宝宝性别", homophones={}, initials_min=9)
    assert "宝宝xb" in found and "bb性别" in found
    assert "bbxb" not in found  # bare initials: initials_min governs those
    assert not [
        s
        for s in spellings("验y", homophones={}, initials_min=9)
        if s.endswith("y") and len(s) == 2
    ]


def test_latin_terms_of_several_words_also_match_with_their_letters_run_together() -> None:
    assert joined_words("gender test") == ["gendertest"]
    assert joined_words("boy or girl test") == ["boyorgirltest"]
    assert joined_words("gender") == []  # one word: nothing was lost
    assert joined_words("लिंग जांच") == [] and joined_words("香港 验血") == []
    assert joined_words("5g test") == []  # only letters: digits keep their own spellings
    # what the normaliser makes of letters spaced one by one is exactly the joined form
    assert normalize_text("G e n d e r t e s t") == joined_words("gender test")[0]


def test_devanagari_words_are_spaced_out_one_at_a_time_then_all() -> None:
    assert spaced_out("जेंडर टेस्ट") == ["जें ड र टेस्ट", "जेंडर टे स्ट", "जें ड र टे स्ट"]
    assert spaced_out("gender test") == []
    assert spaced_out("ल") == []


def test_a_word_of_two_syllables_alone_is_not_spaced_out() -> None:
    """`गा य` (cow) is the end of "होगा या": alone, two spaced syllables are two words."""
    assert spaced_out("गाय") == []
    assert spaced_out("लड़का") == ["ल ड़ का"]
    assert spaced_out("लिंग जांच") == ["लिं ग जांच", "लिंग जां च", "लिं ग जां च"]
