"""Views: second readings of a text for the term matchers, and their map back to the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from redline.recognizers.views import HeldLetters, SplitDevanagari, View, word_groups

HELD, SPLIT = HeldLetters(), SplitDevanagari()


def test_runs_of_one_letter_are_read_once() -> None:
    assert HELD.view("linggg jaaaanch").text == "ling janch"
    assert HELD.word("laddoo hoga") == HELD.word("ladoo hoga") == "lado hoga"
    assert HELD.view("验血 aa11bb").text == "验血 a11b"  # letters only: digits and Chinese stay


def test_only_a_run_of_three_letters_is_held() -> None:
    assert HELD.applies("sexxx") and HELD.applies("www.x.com")
    assert not HELD.applies("good booking") and not HELD.applies("111 哈哈哈")


def test_a_view_match_must_hold_what_the_view_changed() -> None:
    text = "ten tips, sooo good"
    assert HELD.holds(text, 10, 14) and not HELD.holds(text, 0, 3)
    split = "लिं-ग और बेटा"
    assert SPLIT.holds(split, 0, 5) and not SPLIT.holds(split, 9, 13)


def test_a_held_span_covers_whole_runs_of_the_text() -> None:
    view = HELD.view("xx linggg jaaaanch!")
    assert view.text == "x ling janch!"
    start, end = view.text.index("ling"), view.text.index("!")
    assert view.span(start, end) == (3, 18)  # "linggg jaaaanch"
    assert view.span(0, len(view.text)) == (0, 19)


def test_pinyin_initials_are_not_held_words() -> None:
    assert HELD.word("sex determination") == "sex determination"
    assert HELD.word("ling jaanch") == "ling janch"
    assert HELD.word("cccnn") is None and HELD.word("xy check") is None  # initials
    assert HELD.word("tenn") is None and HELD.word("khoon") == "khon"  # too short; long enough
    assert HELD.word("sex") == "sex"  # unchanged: kept whatever its length
    assert HELD.word("b超") is None and HELD.word("验血") is None


def test_split_devanagari_is_read_joined() -> None:
    for split in ["लिं-ग जां-च", "लिं.ग जां.च", "लि ंग जांच", "लिं–ग जां—च"]:
        assert SPLIT.applies(split)
        assert SPLIT.view(split).text == "लिंग जांच"
    assert SPLIT.word("लिंग जांच") == "लिंग जांच" and SPLIT.word("ling jaanch") is None
    assert not SPLIT.applies("लिंग, test - 12") and not SPLIT.applies("验 - 血")


def test_a_space_before_a_letter_is_a_break_between_words() -> None:
    """Joining words read गाय (cow) in "होगा या" and cleared a real ad as talk of animals."""
    assert not SPLIT.applies("बेटा होगा या बेटी") and SPLIT.view("होगा या").text == "होगा या"
    assert SPLIT.view("लि ंग").text == "लिंग"  # a vowel sign starts no word


def test_a_split_span_leaves_out_the_separators_around_it() -> None:
    text = "कॉल - लिं-ग जां-च."
    view = SPLIT.view(text)
    start = view.text.index("लिंग जांच")
    first, last = view.span(start, start + len("लिंग जांच"))
    assert text[first:last] == "लिं-ग जां-च"


def test_a_reading_keeps_every_word_it_stands_for() -> None:
    words = ["laddoo hoga", "验血", "ladoo hoga", "jaanch", "cccnn", "लिंग जांच"]
    assert word_groups(HELD, words) == {"lado hoga": [0, 2], "janch": [3]}
    assert word_groups(SPLIT, words) == {"लिंग जांच": [5]}


@given(st.text(alphabet="aabxy 验-.लिंग", max_size=30))
def test_every_view_character_stands_for_a_stretch_that_reads_as_it(text: str) -> None:
    for reader in (HELD, SPLIT):
        view = reader.view(text)
        assert len(view.starts) == len(view.ends) == len(view.text)
        assert [text[i] for i in view.starts] == list(view.text)
        assert all(
            a < b <= c for a, b, c in zip(view.starts, view.ends, view.starts[1:], strict=False)
        )
        for start in range(len(view.text)):
            for end in range(start + 1, len(view.text) + 1):
                first, last = view.span(start, end)
                assert reader.view(text[first:last]).text == view.text[start:end]


def test_a_view_without_drops_is_the_text() -> None:
    view = View.without("abc", [])
    assert (view.text, view.starts, view.ends) == ("abc", [0, 1, 2], [1, 2, 3])
    held = View.without("aab", [(1, 2)], attached=True)  # the second a belongs to the first
    assert (held.text, held.starts, held.ends) == ("ab", [0, 2], [2, 3])
