"""Loading packs: TOML in, a checked `Pack` out, or a `PackError` naming the file and line.

Everything is checked when a pack loads, because a pack that silently ignores a misspelt
category would silently stop flagging ads.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from redline.derived import derived_table, fingerprint
from redline.policy.conditions import compile_condition
from redline.policy.pack import (
    ENTITY_CATEGORIES,
    EXPECTATIONS,
    Condition,
    Example,
    Exemption,
    Pack,
    PackError,
    Rule,
    SignalSpec,
)
from redline.types import Clause

_CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class _Lines:
    """Finds the line of a table, an array-of-tables entry or a key, for error messages."""

    _HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]")

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.tables: dict[str, int] = {}
        self.arrays: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            match = self._HEADER.match(line)
            if not match:
                continue
            name = match.group(2).replace('"', "").replace("'", "")
            if match.group(1):
                self.arrays.setdefault(name, []).append(number)
            else:
                self.tables[name] = number

    def table(self, name: str) -> int | None:
        return self.tables.get(name)

    def entry(self, array: str, index: int) -> int | None:
        found = self.arrays.get(array, [])
        return found[index] if index < len(found) else None

    def key(self, start: int | None, key: str) -> int | None:
        """The line of `key = ...` in the block that starts at line `start`."""
        if start is None:
            return None
        pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if self._HEADER.match(text):
                break
            if pattern.match(text):
                return number
        return start


_TOP_KEYS = {"id", "name", "jurisdiction", "languages", "version", "clauses", "signals"}
_TOP_KEYS |= {"variants", "rules", "exemptions", "examples", "description"}


def load_pack(path: str | Path) -> Pack:
    """Load and check one pack file, or raise `PackError` naming the line."""
    path = str(path)
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"cannot read pack: {exc}", path) from None
    return parse_pack(source, path)


def parse_pack(source: str, path: str = "<pack>") -> Pack:
    """Parse and check pack source text."""
    try:
        data = _parsed_toml(source)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise PackError(f"not valid TOML: {exc}", path, line) from None
    return _Loader(data, source, path).pack()


def _parsed_toml(source: str) -> dict[str, Any]:
    """`tomllib.loads(source)`, kept on disk as JSON by the source's hash: parsing the built-in
    packs' TOML is a tenth of every command's start-up, reading the JSON a hundredth. The pack
    checks still run on every load; a TOML error is never cached (it raises before `derived`
    could store anything)."""
    digest = fingerprint([source.encode("utf-8", "surrogatepass")])
    return derived_table(
        f"pack-toml-{digest}.json", lambda: tomllib.loads(source), encode=_json_safe, decode=dict
    )


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """The parsed TOML if JSON holds it exactly. TOML dates and times would come back as
    strings and nan or inf as null, so a pack with one is used but not stored."""

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        if isinstance(value, float):
            return math.isfinite(value)
        return isinstance(value, str | int | bool)

    if not plain(data):
        raise TypeError("the pack holds a value JSON cannot hold exactly")
    return data


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


class _Loader:
    """Turns parsed TOML into a `Pack`, raising at the first problem with its line."""

    def __init__(self, data: dict[str, Any], source: str, path: str) -> None:
        self.data, self.path, self.where = data, path, _Lines(source)

    def error(self, message: str, line: int | None = None) -> PackError:
        return PackError(message, self.path, line)

    def text(self, table: Mapping[str, Any], key: str, line: int | None, default: Any = ...) -> str:
        value = table.get(key, default)
        if value is ...:
            raise self.error(f"missing required key {key!r}", line)
        if not isinstance(value, str):
            raise self.error(f"{key!r} must be a string", self.where.key(line, key))
        return value

    def strings(self, table: Mapping[str, Any], key: str, line: int | None) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(
                f"{key!r} must be a list of non-empty strings", self.where.key(line, key)
            )
        return tuple(value)

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], line: int | None) -> None:
        for key in table:
            if key not in allowed:
                raise self.error(f"unknown key {key!r}", self.where.key(line, key) or line)

    def pack(self) -> Pack:
        data = self.data
        self.unknown_keys(data, _TOP_KEYS, 1)
        pack_id = self.text(data, "id", 1)
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", pack_id):
            raise self.error(f"pack id {pack_id!r} must be lower-case letters and digits", 1)
        clauses = self.clauses(pack_id)
        signals = self.signals()
        homophones, initials_min, substitutes = self.variants()
        exemptions = self.exemptions()
        partial = Pack(
            id=pack_id,
            name=self.text(data, "name", 1),
            jurisdiction=self.text(data, "jurisdiction", 1),
            languages=self.strings(data, "languages", 1),
            version=self.text(data, "version", 1),
            clauses=clauses,
            signals=signals,
            homophones=homophones,
            initials_min=initials_min,
            substitutes=substitutes,
            rules=(),
            exemptions=exemptions,
            examples=(),
            path=self.path,
        )
        for exemption in exemptions.values():
            self.check_condition(partial, exemption.when, exemption.line)
        rules = self.rules(partial)
        examples = self.examples()
        return Pack(**{**_fields(partial), "rules": rules, "examples": examples})

    def clauses(self, pack_id: str) -> dict[str, Clause]:
        table = self.data.get("clauses", {})
        if not isinstance(table, dict) or not table:
            raise self.error("a pack needs at least one [clauses.ID] table", 1)
        out: dict[str, Clause] = {}
        for clause_id, body in table.items():
            line = self.where.table(f"clauses.{clause_id}")
            if not isinstance(body, dict):
                raise self.error(f"clause {clause_id!r} must be a table", line)
            self.unknown_keys(body, {"citation", "title", "verify", "url", "note"}, line)
            out[clause_id] = Clause(
                id=clause_id,
                pack=pack_id,
                citation=self.text(body, "citation", line),
                title=self.text(body, "title", line),
            )
        return out

    def signals(self) -> dict[str, SignalSpec]:
        table = self.data.get("signals", {})
        if not isinstance(table, dict) or not table:
            raise self.error("a pack needs at least one [signals.CATEGORY] table", 1)
        out: dict[str, SignalSpec] = {}
        for category, body in table.items():
            line = self.where.table(f"signals.{category}")
            if not _CATEGORY_RE.match(category):
                raise self.error(f"category {category!r} must be dotted lower-case words", line)
            if category in ENTITY_CATEGORIES:
                raise self.error(f"category {category!r} is reserved for built-in entities", line)
            if not isinstance(body, dict):
                raise self.error(f"signal category {category!r} must be a table", line)
            allowed = {"description", "topic", "pinyin", "terms", "codewords"}
            self.unknown_keys(body, allowed, line)
            for flag in ("topic", "pinyin"):
                if not isinstance(body.get(flag, False), bool):
                    raise self.error(f"{flag!r} must be true or false", self.where.key(line, flag))
            terms = self.strings(body, "terms", line)
            codewords = self.strings(body, "codewords", line)
            if not terms and not codewords:
                raise self.error(f"signal category {category!r} has no terms", line)
            out[category] = SignalSpec(
                category=category,
                description=self.text(body, "description", line, ""),
                topic=body.get("topic", False),
                pinyin=body.get("pinyin", False),
                terms=terms,
                codewords=codewords,
            )
        if not any(spec.topic for spec in out.values()):
            raise self.error(
                "no signal category has topic = true: the prefilter would pass nothing"
            )
        return out

    def variants(self) -> tuple[dict[str, tuple[str, ...]], int, dict[str, tuple[str, ...]]]:
        body = self.data.get("variants", {})
        line = self.where.table("variants")
        if not isinstance(body, dict):
            raise self.error("[variants] must be a table", line)
        self.unknown_keys(body, {"homophones", "initials_min", "substitutes"}, line)
        homophones = self.word_lists(body, "homophones", line)
        if any(len(char) != 1 for char in homophones):
            message = "homophones: each key must be one character mapped to a list of strings"
            raise self.error(message, self.where.key(line, "homophones"))
        initials_min = body.get("initials_min", 3)
        if not isinstance(initials_min, int) or initials_min < 2:
            raise self.error("initials_min must be an integer >= 2", line)
        return homophones, initials_min, self.word_lists(body, "substitutes", line)

    def word_lists(
        self, body: Mapping[str, Any], key: str, line: int | None
    ) -> dict[str, tuple[str, ...]]:
        raw = body.get(key, {})
        where = self.where.key(line, key)
        if not isinstance(raw, dict):
            raise self.error(f"{key} must be a table", where)
        out: dict[str, tuple[str, ...]] = {}
        for name, words in raw.items():
            if not (isinstance(words, list) and words and all(isinstance(w, str) for w in words)):
                raise self.error(f"{key}: {name!r} must map to a list of strings", where)
            out[name] = tuple(words)
        return out

    def exemptions(self) -> dict[str, Exemption]:
        entries = self.data.get("exemptions", [])
        if not isinstance(entries, list):
            raise self.error("exemptions must be an array of tables ([[exemptions]])")
        out: dict[str, Exemption] = {}
        for index, body in enumerate(entries):
            line = self.where.entry("exemptions", index)
            self.unknown_keys(body, {"id", "when", "description"}, line)
            exemption_id = self.text(body, "id", line)
            if exemption_id in out:
                raise self.error(f"exemption {exemption_id!r} is defined twice", line)
            when_line = self.where.key(line, "when")
            when = compile_condition(self.text(body, "when", line), self._fail_at(when_line))
            description = self.text(body, "description", line, "")
            out[exemption_id] = Exemption(exemption_id, when, description, when_line)
        return out

    def rules(self, pack: Pack) -> tuple[Rule, ...]:
        entries = self.data.get("rules", [])
        if not isinstance(entries, list) or not entries:
            raise self.error("a pack needs at least one [[rules]] entry")
        seen: set[str] = set()
        out = []
        for index, body in enumerate(entries):
            line = self.where.entry("rules", index)
            self.unknown_keys(body, {"id", "verdict", "when", "clauses", "description"}, line)
            rule_id = self.text(body, "id", line)
            if rule_id in seen:
                raise self.error(f"rule {rule_id!r} is defined twice", line)
            seen.add(rule_id)
            verdict = self.text(body, "verdict", line)
            if verdict not in ("violating", "review"):
                message = f"rule {rule_id!r}: verdict must be 'violating' or 'review'"
                raise self.error(message, self.where.key(line, "verdict"))
            clauses = self.strings(body, "clauses", line)
            for clause in clauses:
                if clause not in pack.clauses:
                    message = f"rule {rule_id!r} cites unknown clause {clause!r}"
                    raise self.error(message, self.where.key(line, "clauses"))
            when_line = self.where.key(line, "when")
            when = compile_condition(self.text(body, "when", line), self._fail_at(when_line))
            self.check_condition(pack, when, when_line)
            description = self.text(body, "description", line, "")
            out.append(Rule(rule_id, verdict, when, clauses, description, when_line))  # type: ignore[arg-type]
        return tuple(out)

    def examples(self) -> tuple[Example, ...]:
        out = []
        for index, body in enumerate(self.data.get("examples", [])):
            line = self.where.entry("examples", index)
            self.unknown_keys(body, {"text", "expect", "note", "lang"}, line)
            expect = self.text(body, "expect", line)
            if expect not in EXPECTATIONS:
                message = f"expect must be one of {sorted(EXPECTATIONS)}, not {expect!r}"
                raise self.error(message, self.where.key(line, "expect"))
            text = self.text(body, "text", line)
            out.append(Example(text, expect, self.text(body, "note", line, ""), line))
        return tuple(out)

    def check_condition(self, pack: Pack, when: Condition, line: int | None) -> None:
        for name in sorted(when.categories):
            if not pack.knows(name):
                raise self.error(f"condition {when.source!r}: unknown category {name!r}", line)
        for name in sorted(when.exemptions):
            if name not in pack.exemptions:
                raise self.error(f"condition {when.source!r}: unknown exemption {name!r}", line)

    def _fail_at(self, line: int | None) -> Callable[[str], PackError]:
        return lambda message: self.error(message, line)


def _fields(pack: Pack) -> dict[str, Any]:
    return {name: getattr(pack, name) for name in Pack.__slots__}  # type: ignore[attr-defined]


def builtin_pack_paths() -> dict[str, Path]:
    """The packs that ship with redline, by id (file stem)."""
    folder = resources.files("redline") / "packs"
    return {
        Path(str(entry)).stem: Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    }


def load_packs(ids_or_paths: Iterable[str] = ()) -> list[Pack]:
    """Built-in packs by id or pack files by path; all built-in packs when none are named."""
    builtin = builtin_pack_paths()
    names = list(ids_or_paths) or list(builtin)
    packs = []
    for name in names:
        if name in builtin:
            packs.append(load_pack(builtin[name]))
        elif Path(name).is_file():
            packs.append(load_pack(name))
        else:
            known = ", ".join(builtin) or "none"
            raise PackError(f"no such pack (built-in packs: {known})", name)
    return packs
