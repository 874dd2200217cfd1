"""Normalisation: each evasion family undone, ordinary text left alone, and an exact map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.normalize import RECORD_SEPARATOR, api, normalize, normalize_codes, normalize_text
from redline.normalize.api import (
    ARRAY_ENGINE_MIN_LENGTH,
    normalize_with_arrays,
    normalize_with_strings,
)

RS = RECORD_SEPARATOR

# Characters that exercise every pass: traditional/simplified hanzi, numerals, separators,
# letters of three scripts, leet symbols, brackets and tone marks, emoji sequences, invisibles.
TRICKY = list(
    "验驗血雪性別别鉴鑒定宝妈媽哈一二三八零〇幺壹肆陆"
    "abcegsxyoirABGSXЕеОоѕ"
    "0134578@$!.-_*/|~· ,，。！\n\t"
    "()（）īíǐìàáxuè"
    "①⑳❶㊀ＡＢ１２　"
)
TRICKY += [
    "🩸", "👦", "👧", "🧒", "👶", "♂", "♀", "💉", "\u200d", "\ufe0f", "\U0001f3fb", "\u200b",
    "\ufeff", "\u00ad", "\u0301", "\u20e3", "\U000e0041", "\ud800", "\udfff",
]  # fmt: skip

ANY_CHAR = st.characters(
    categories=["Lu", "Ll", "Lo", "Lm", "Mn", "Mc", "Nd", "No", "Pc", "Pd", "Po", "Ps", "Pe",
                "Sm", "So", "Zs", "Cc", "Cf", "Cs"],
)  # fmt: skip
any_text = st.text(alphabet=ANY_CHAR, max_size=60)
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=60)
texts = st.one_of(any_text, tricky_text)
texts_without_rs = texts.map(lambda t: t.replace(RS, ""))


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        # traditional -> simplified, character by character
        ("鑒別驗準醫為寶媽", "鉴别验准医为宝妈"),
        ("嘅", "嘅"),
        ("乾隆", "乾隆"),  # kept on purpose: simplified text uses 乾 too
        # width, compatibility forms, case
        ("ＶＸ：ＡＢＣ１２３", "vx:abc123"),
        ("验\u3000血", "验血"),
        ("m² H₂O", "m2 h2o"),
        ("①②③⑳", "12320"),
        ("⒈⒊⒏ ❶❸❽", "138 138"),
        ("𝐒𝐄𝐗", "sex"),
        # invisible characters
        ("验\u200b血\u2060鉴\ufeff定\u00ad", "验血鉴定"),
        ("\u202e验血\u202c", "验血"),
        # separators between ideographs
        ("验 血", "验血"),
        ("性*别", "性别"),
        ("验.血", "验血"),
        ("性 - 别 | 鉴 / 定", "性别鉴定"),
        # inline pinyin from converters
        ("醫(yī)院", "医院"),
        ("達(dá)到", "达到"),
        ("医院（yī yuàn）", "医院"),
        # repeats
        ("哈哈哈哈", "哈"),
        ("!!!!", "!"),
        ("宝宝妈妈", "宝宝妈妈"),
        # numerals
        ("一三八零零一三八零零零", "13800138000"),
        ("幺三八零零幺三八零零零", "13800138000"),
        ("138零零13八000", "13800138000"),
        ("壹贰叁", "123"),
        ("貳叄", "23"),
        # emoji standing for words
        ("验🩸", "验血"),
        ("验 🩸", "验血"),
        ("👦👧", "男孩女孩"),
        ("♂️♀️", "男女"),
        ("🧒\u200d♂️", "男孩"),
        ("👶🏻", "宝宝"),
        ("💉🧪", "抽血检测"),
        ("📞☎️", "电话电话"),
        ("🇭🇰", "hk"),
        # look-alike letters and leetspeak
        ("ЅЕХ", "sex"),
        ("gеnder", "gender"),  # Cyrillic е
        ("g3nd3r s3x b0y g1rl", "gender sex boy girl"),
        ("$ex bl00d b@by", "sex blood baby"),
        ("80y 54mpl3 l48 dn4 53x", "boy sample lab dna sex"),  # leet at the edges: word list
        ("9u4r4n733 wh4t54pp 1vf", "guarantee whatsapp ivf"),
        # spelled-out letters
        ("s e x", "sex"),
        ("g.e.n.d.e.r", "gender"),
        ("b-o-y", "boy"),
        ("抽(chou)xue 生(Sheng)nan孩", "抽xue 生nan孩"),  # toneless: a reading of the character
        ("\u3402(ab)抽(chou)血", "\u3402(ab)抽血"),  # an ideograph without a known reading
        ("微信:tuiguang三八九", "微信:tuiguang389"),  # numerals after a letter: a handle's tail
        ("b❤o❤y b❤e❤t❤a", "boy beta"),  # one separator per run: two words stay two
        ("ल·ड़·का या बे~टा", "लड़का या बेटा"),  # symbols inside Hindi words
        ("化+验 family bаlancіпg", "化验 family balancing"),  # Cyrillic а, і, п
        ("Y-DNA", "y-dna"),
        ("g e n d e r  b l o o d  t e s t", "gender blood test"),  # words apart by two spaces
        ("ling \tjaanch", "ling jaanch"),  # a tab is a space; runs of spaces are one
        ("फीस ₹१२०००, संपर्क ९८७६५४३२१०", "फीस ₹12000, संपर्क 9876543210"),  # Devanagari digits
    ],
)
def test_evasion_is_undone(original: str, expected: str) -> None:
    assert normalize_text(original) == expected
    assert api.normalize_with_arrays(original) == expected


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("13800138000", "13800138000"),  # digits never collapse or turn into letters
        ("$500 4mm 7weeks 99.9% 5-8周", "$500 4mm 7weeks 99.9% 5-8周"),
        ("k3-edta h1n1 mp3 covid19 win10 n95 3m", "k3-edta h1n1 mp3 covid19 win10 n95 3m"),
        ("5g 3d 4k 1st 4th 80s 10x us$3", "5g 3d 4k 1st 4th 80s 10x us$3"),  # not in the list
        ("abc@qq.com", "abc@qq.com"),
        ("www.example.com", "www.example.com"),
        ("大陆 队伍 肆虐 零食 一个", "大陆队伍肆虐零食一个"),  # numerals in prose stay words
        ("一二三四", "一二三四"),
        ("好(ok)", "好(ok)"),  # brackets without tone marks are text
        ("图(a) 长(zhi)", "图(a) 长(zhi)"),  # ... unless they read the character before them
        ("宝宝", "宝宝"),
        ("句子，结束。问题？", "句子,结束。问题?"),  # folded to ASCII, never removed
        ("第一行\n第二行", "第一行\n第二行"),
        ("a b", "a b"),  # two letters may be two words
        ("लिंग-जांच. अगला", "लिंग-जांच. अगला"),  # Hindi hyphens, stops and spaces stay
        ("等等……好", "等等……好"),  # the Chinese ellipsis is punctuation, not dots
        ("#武汉#加油", "#武汉#加油"),  # hashtags keep their boundaries
    ],
)
def test_ordinary_text_survives(original: str, expected: str) -> None:
    assert normalize_text(original) == expected


def test_record_separator_is_kept_between_empty_and_repeated_records() -> None:
    assert normalize_text(RS * 4) == RS * 4
    assert normalize_text(f"哈哈{RS}哈") == f"哈哈{RS}哈"
    assert normalize_text(f"验 {RS} 血") == f"验 {RS} 血"
    assert normalize_text(f"s e{RS}x y") == f"s e{RS}x y"


@pytest.mark.parametrize("chunk_length", [api.ARRAY_CHUNK_LENGTH, 50])
def test_long_buffer_uses_the_array_engine_and_matches_posts(
    chunk_length: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "ARRAY_CHUNK_LENGTH", chunk_length)
    posts = ["驗 血 ①②③", "g3nd3r s e x", "哈哈哈哈！", "一三八零零一三八零零零", "🧒\u200d♂️", ""]
    posts = posts * (ARRAY_ENGINE_MIN_LENGTH // 40 + 1)
    buffer = RS.join(posts)
    assert len(buffer) >= ARRAY_ENGINE_MIN_LENGTH
    arrays: list[int] = []  # the length of each piece the array engine was given
    engine = api._codes_with_arrays
    monkeypatch.setattr(
        api, "_codes_with_arrays", lambda text: arrays.append(len(text)) or engine(text)
    )
    normalized = normalize_text(buffer)
    assert sum(arrays) == len(buffer) - (len(arrays) - 1)  # all of it, cut at separators
    assert len(arrays) > 10 if chunk_length == 50 else len(arrays) == 1  # cut, or whole
    assert normalized.split(RS) == [normalize_text(p) for p in posts]
    assert normalize_text(buffer + RS) == normalize_text(buffer) + RS
    for text in (buffer, posts[0]):  # the array engine's code points, and the string engine's
        assert normalize_codes(text).tolist() == [ord(c) for c in normalize_text(text)]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_mapped_and_fast_paths_agree(text: str) -> None:
    assert normalize(text).text == normalize_text(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_both_engines_agree(text: str) -> None:
    assert normalize_with_arrays(text) == normalize_with_strings(text)


@settings(max_examples=300, deadline=None)
@given(texts_without_rs, texts_without_rs)
def test_record_separator_isolates_records(first: str, second: str) -> None:
    expected = normalize_text(first) + RS + normalize_text(second)
    assert normalize_with_strings(first + RS + second) == expected
    assert normalize_with_arrays(first + RS + second) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_map_is_in_range_and_monotonic(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i, (start, end) in enumerate(zip(norm.starts, norm.ends, strict=True)):
        assert 0 <= start < end <= len(text)
        if i:
            assert norm.starts[i - 1] <= start
            assert norm.ends[i - 1] <= end
    for start in range(len(norm.text) + 1):
        for end in range(start, len(norm.text) + 1):
            begin, finish = norm.to_original(start, end)
            assert 0 <= begin <= finish <= len(text)


plain_text = st.text(alphabet=st.sampled_from([*"验血性别宝哈abcxyz .,\n", RS]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(plain_text)
def test_plain_copies_map_to_their_source_character(text: str) -> None:
    norm = normalize(text)
    for char, start, end in zip(norm.text, norm.starts, norm.ends, strict=True):
        assert text[start:end] == char


def test_map_points_at_the_real_characters() -> None:
    original = "加V信：驗 血 ①③⑧ 🧒\u200d♂️"
    norm = normalize(original)
    assert norm.text == "加v信:验血 138 男孩"  # spaces next to digits stay
    span = norm.text.index("验血")
    start, end = norm.to_original(span, span + 2)
    assert original[start:end] == "驗 血"
    boy = norm.text.index("男孩")
    start, end = norm.to_original(boy, boy + 2)
    assert original[start:end].startswith("🧒") and "♂" in original[start:end]
    digits = norm.text.index("138")
    assert original.__getitem__(slice(*norm.to_original(digits, digits + 3))) == "①③⑧"


def test_expansion_repeats_the_original_range() -> None:
    norm = normalize("验🩸👦")
    assert norm.text == "验血男孩"
    assert (norm.starts[2], norm.ends[2]) == (norm.starts[3], norm.ends[3]) == (2, 3)


def test_the_fold_table_read_back_from_disk_equals_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.normalize import charmap as tables_module

    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    fresh_fold, fresh_expansions = tables_module._build_fold(tables_module._load_t2s())
    for attempt in range(2):  # derived and stored, then read back
        tables_module.charmap.cache_clear()
        loaded = tables_module.charmap()
        assert np.array_equal(loaded.fold, fresh_fold)
        assert loaded.expansions == fresh_expansions
        if attempt == 0:  # the second must come from the file: building again would fail

            def no_build(*_: object) -> None:
                raise AssertionError("rebuilt instead of read back")

            monkeypatch.setattr(tables_module, "_build_fold", no_build)
    assert len(list((tmp_path / "redline").glob("charmap-*.json"))) == 1
    tables_module.charmap.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "g3nd3r",  # a word filling the whole buffer
        "x" * 30 + "b0y",  # longer than the array engine's window on the left...
        "b0y" + "x" * 30 + " test",  # ... and on the right
        "bl00d" + "7" * 40 + "5ex",  # hits at both ends of one long word
        "验血g3nd3r测试 $ex, b1ood!",  # words touching Chinese and punctuation
        "a1 " * 50,
    ],
)
def test_engines_agree_on_leetspeak_in_short_and_long_words(text: str) -> None:
    assert normalize_with_arrays(text) == normalize_with_strings(text)
