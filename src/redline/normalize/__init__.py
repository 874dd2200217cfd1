"""Text normalisation with an exact map back to the original characters.

Undoes the evasions seen in real ads (traditional script, full width, invisible characters,
separators inside words, inline pinyin, repeats, written-out digits, emoji for words,
leetspeak and look-alike letters) so that recognisers match one canonical form, while
`Normalized.to_original` still shows a reviewer the characters that were really posted.
"""

from redline.normalize.api import RECORD_SEPARATOR, normalize, normalize_codes, normalize_text
from redline.normalize.rules import preload

__all__ = ["RECORD_SEPARATOR", "normalize", "normalize_codes", "normalize_text", "preload"]
