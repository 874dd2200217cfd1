"""The passes of the array engine: whole-buffer NumPy operations, for batch buffers.

Each pass finds its candidates with a few array scans; the rare candidates that need a closer
look go through the shared decisions in `rules`. No pass looks across the record separator:
it has none of the kinds a rule needs on either side (ideograph, letter, digit, separator,
numeral), exactly like the padding at the buffer's edges. `api` documents the order.
"""

from __future__ import annotations

import numpy as np

from redline.normalize import rules, tables
from redline.normalize.buffer import PAD, CodeBuffer, Edit, decode, having, members, runs
from redline.normalize.charmap import (
    CJK_SEPARATOR,
    DELETE,
    DEVANAGARI,
    DEVANAGARI_SEPARATOR,
    DIGIT,
    EXPAND_BASE,
    IDEOGRAPH,
    LEET,
    LETTER,
    LETTER_SEPARATOR,
    NO_COLLAPSE,
    RUN_NUMERAL,
    CharMap,
)

_OPEN_CODES = tuple(ord(c) for c in tables.INLINE_PINYIN_OPEN)
_GENDERED = {
    ord(person): {ord(sign): tuple(map(ord, word)) for sign, word in signs.items()}
    for person, signs in tables.GENDERED_PERSON.items()
}
_FIRST_PINYIN_CODE = min(map(ord, tables.PINYIN_LETTERS - {" "}))
_LAST_PINYIN_CODE = max(map(ord, tables.PINYIN_LETTERS))
_WORD = LETTER | DIGIT | LEET
_SPACE = ord(" ")


def drop_inline_pinyin(buf: CodeBuffer, charmap: CharMap) -> None:
    """Delete pinyin in brackets after a Chinese character: 醫(yī)院, 抽(chou)血 -> 醫院, 抽血.

    Runs on the raw text, before folding strips the tone marks that tell converter output
    apart from an ordinary bracket such as "(ok)".
    """
    codes = buf.codes
    is_open = codes == _OPEN_CODES[0]
    for code in _OPEN_CODES[1:]:
        is_open |= codes == code
    opens = np.flatnonzero(is_open[:-1])  # a bracket at the very end opens nothing
    after = codes[opens + 1]
    opens = opens[
        (opens > 0)
        & ((charmap.kinds[codes[opens - 1]] & IDEOGRAPH) != 0)
        & (after >= _FIRST_PINYIN_CODE)
        & (after <= _LAST_PINYIN_CODE)
    ]
    edits: list[Edit] = []
    for position in opens.tolist():
        window = decode(codes[position : position + tables.MAX_INLINE_PINYIN + 2])
        length = rules.inline_pinyin_length(window, chr(codes[position - 1]))
        if length:
            edits.append((position, position + length, ()))
    buf.splice(edits)


def fold_characters(buf: CodeBuffer, charmap: CharMap) -> None:
    """Apply the one-character table: width, NFKC, t2s, case, homoglyphs, invisibles, emoji.

    Deletions and expansions (a symbol becoming a word) happen here too, so every later pass
    sees plain simplified lower-case text. Both engines use this pass.
    """
    raw = buf.codes
    # mode="clip" only skips the bounds check: the table covers every code point
    buf.codes = np.take(charmap.fold, raw, mode="clip")
    if len(buf.codes) == 0 or buf.codes.max() < EXPAND_BASE:
        return  # the common case: nothing deleted, nothing expanded
    deleted = buf.codes == DELETE
    if deleted.any():
        keep = ~deleted
        buf.keep(keep)
        raw = raw[keep]
    edits: list[Edit] = []
    for position in np.flatnonzero(buf.codes >= EXPAND_BASE).tolist():
        if edits and position < edits[-1][1]:
            continue  # a gender sign already merged into the person emoji before it
        gendered = _GENDERED.get(int(raw[position]))
        sign = int(raw[position + 1]) if position + 1 < len(raw) else -1
        if gendered and sign in gendered:
            edits.append((position, position + 2, gendered[sign]))
        else:
            index = int(buf.codes[position]) - EXPAND_BASE
            edits.append((position, position + 1, charmap.expansions[index]))
    buf.splice(edits)


def join_split_words(buf: CodeBuffer, charmap: CharMap) -> None:
    """Remove separator runs inside words: 验 血, 性*别 -> 验血, 性别; बे~टा -> बेटा.

    Between two ideographs any CJK separator goes (spaces too: Chinese has none between words);
    between two Devanagari characters only the symbols of DEVANAGARI_SEPARATORS do.
    """
    for letters, noise in ((IDEOGRAPH, CJK_SEPARATOR), (DEVANAGARI, DEVANAGARI_SEPARATOR)):
        kinds = buf.padded_kinds(charmap)
        separators = having(kinds, noise)
        if len(separators) == 0:
            continue
        firsts, lasts = runs(separators)
        bounded = ((kinds[separators[firsts] - 1] & kinds[separators[lasts] + 1]) & letters) != 0
        if bounded.any():
            buf.delete(separators[members(firsts, lasts, bounded)] - PAD)


def join_spelled_letters(buf: CodeBuffer, charmap: CharMap) -> None:
    """Join single letters spelled out with one separator: s e x, g.e.n.d.e.r -> sex, gender.

    A run keeps one separator throughout, so "b❤o❤y b❤e❤t❤a" gives "boy beta", not "boybeta".
    """
    kinds = buf.padded_kinds(charmap)
    separators = having(kinds, LETTER_SEPARATOR)
    if len(separators) == 0:
        return

    def single_letter(at: np.ndarray) -> np.ndarray:
        crowded = (kinds[at - 1] | kinds[at + 1]) & (LETTER | DIGIT)
        return ((kinds[at] & LETTER) != 0) & (crowded == 0)

    links = separators[single_letter(separators - 1) & single_letter(separators + 1)]
    if len(links) < tables.MIN_SPELLED_LETTERS - 1:
        return
    firsts, lasts = runs(links, step=2, keys=buf.padded_codes()[links])
    long_enough = (lasts - firsts + 1) >= tables.MIN_SPELLED_LETTERS - 1
    buf.delete(links[members(firsts, lasts, long_enough)] - PAD)


def undo_leetspeak(buf: CodeBuffer, charmap: CharMap) -> None:
    """Read digits and symbols as letters inside Latin words: g3nd3r, b0y, bl00d, $ex.

    The array scan keeps only leet characters next to a letter (every reading
    `rules.unleet_word` accepts has one); the word-level judgement is the shared rule's.
    """
    kinds = buf.padded_kinds(charmap)
    leet = having(kinds, LEET)
    if len(leet) == 0:
        return

    def letter(offset: int) -> np.ndarray:
        return (kinds[leet + offset] & LETTER) != 0

    hits = leet[letter(-1) | letter(1)]
    if len(hits) == 0:
        return
    starts, ends = _word_bounds(hits, kinds)
    starts, first = np.unique(starts, return_index=True)  # several hits in one word: one word
    ends = ends[first]
    starts -= PAD
    ends -= PAD
    lengths = ends - starts
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    gathered = np.repeat(starts - bounds[:-1], lengths) + np.arange(bounds[-1])
    words = decode(buf.codes[gathered])  # the words end to end: one decode, not one per word
    size = len(buf.codes)
    afters = decode(buf.codes[np.minimum(ends, size - 1)])
    positions: list[int] = []
    replacements: list[int] = []
    for index, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        word = words[bounds[index] : bounds[index + 1]]
        fixed = rules.unleet_word(word, afters[index] if end < size else "")
        if fixed is None:
            continue
        for offset, (old, new) in enumerate(zip(word, fixed, strict=True)):
            if old != new:
                positions.append(start + offset)
                replacements.append(ord(new))
    if positions:
        buf.assign(positions, replacements)


_WORD_WINDOW = 24
"""How far `_word_bounds` looks each side of a hit at once; a longer word is walked."""


def _word_bounds(hits: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The padded start and end of the word (letters, digits, leet) around each hit.

    One gather of a window around every hit finds nearly every word; the few that run past
    the window are walked out one position at a time. The padding is in no word, so neither
    leaves the buffer (the window is clipped to it).
    """
    last = len(kinds) - 1
    steps = np.arange(1, _WORD_WINDOW + 1)
    left = (kinds[np.maximum(hits[:, None] - steps, 0)] & _WORD) == 0  # True: not in the word
    right = (kinds[np.minimum(hits[:, None] + steps, last)] & _WORD) == 0
    starts = hits + 1 - np.where(left.any(axis=1), left.argmax(axis=1) + 1, _WORD_WINDOW + 1)
    ends = hits + np.where(right.any(axis=1), right.argmax(axis=1) + 1, _WORD_WINDOW + 1)
    for row in np.flatnonzero(~left.any(axis=1)).tolist():
        while kinds[starts[row] - 1] & _WORD:
            starts[row] -= 1
    for row in np.flatnonzero(~right.any(axis=1)).tolist():
        while kinds[ends[row]] & _WORD:
            ends[row] += 1
    return starts, ends


def collapse_repeats(buf: CodeBuffer, charmap: CharMap) -> None:
    """Collapse three or more of the same character to one: 哈哈哈哈 -> 哈, !!!! -> !.

    Doubles stay (宝宝, 妈妈), except spaces: two words apart by two spaces (or a space and a
    line break, folded to one) are a phrase all the same, "gender  test" as "gender test".
    Letters, digits, numerals and the record separator never collapse: 13800000000, www.,
    一三八零零零 must survive whole.
    """
    codes = buf.codes
    repeats = np.flatnonzero(codes[1:] == codes[:-1]) + 1
    repeats = repeats[(charmap.kinds[codes[repeats]] & NO_COLLAPSE) == 0]
    if len(repeats) == 0:
        return
    adjacent = np.diff(repeats) == 1
    in_long_run = np.concatenate(([False], adjacent)) | np.concatenate((adjacent, [False]))
    buf.delete(repeats[in_long_run | (codes[repeats] == _SPACE)])


def numerals_to_digits(buf: CodeBuffer, charmap: CharMap) -> None:
    """Write Chinese numerals as digits in long runs or after a letter: 一三八零零一三八零零零 ->
    13800138000, abc三八九 -> abc389."""
    padded = buf.padded_kinds(charmap)
    kinds = padded[PAD:-PAD]
    numeric = having(kinds, DIGIT | RUN_NUMERAL)
    if len(numeric) < tables.MIN_HANDLE_NUMERAL_RUN:
        return
    firsts, lasts = runs(numeric)
    length = lasts - firsts + 1
    after_letter = (padded[numeric[firsts] + PAD - 1] & LETTER) != 0
    numerals_before = np.concatenate(([0], np.cumsum((kinds[numeric] & RUN_NUMERAL) != 0)))
    long_enough = (length >= tables.MIN_NUMERAL_RUN) | (
        after_letter & (length >= tables.MIN_HANDLE_NUMERAL_RUN)
    )
    chosen = long_enough & (numerals_before[lasts + 1] > numerals_before[firsts])
    positions: list[int] = []
    replacements: list[int] = []
    for first, last, glued in zip(
        firsts[chosen].tolist(), lasts[chosen].tolist(), after_letter[chosen].tolist(), strict=True
    ):
        start, end = int(numeric[first]), int(numeric[last]) + 1
        digits = rules.numeral_run_digits(decode(buf.codes[start:end]), glued)
        if digits is not None:
            positions += range(start, end)
            replacements += map(ord, digits)
    if positions:
        buf.assign(positions, replacements)
