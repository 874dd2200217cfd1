"""Policy packs: load and check TOML packs, and turn a scored `Doc` into a `Decision`.

A pack is data a regulator can read (see docs/packs.md). `pack` says what a loaded pack is,
`loader` reads and checks one (every error names the file and line), `conditions` compiles the
rules' expression language, and `decide` applies the packs to a document.
"""

from redline.policy.conditions import compile_condition
from redline.policy.decide import decide, entities_of, fired_rules, holding_exemptions
from redline.policy.loader import builtin_pack_paths, load_pack, load_packs, parse_pack
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

__all__ = [
    "ENTITY_CATEGORIES",
    "EXPECTATIONS",
    "Condition",
    "Example",
    "Exemption",
    "Pack",
    "PackError",
    "Rule",
    "SignalSpec",
    "builtin_pack_paths",
    "compile_condition",
    "decide",
    "entities_of",
    "fired_rules",
    "holding_exemptions",
    "load_pack",
    "load_packs",
    "parse_pack",
]
