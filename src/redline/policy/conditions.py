"""Rule and exemption conditions: a tiny expression language (`has("sign.test") and score >
0.5`) parsed with `ast`, restricted to a whitelist of nodes, names and calls, and compiled once
when the pack loads, so a condition can neither run arbitrary code nor fail at screening time."""

from __future__ import annotations

import ast
from collections.abc import Callable

from redline.policy.pack import Condition

_FUNCTIONS = frozenset({"has", "count", "exempt"})
_NAMES = frozenset({"score", "length"})

_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.Compare,
    ast.Gt,
    ast.GtE,
    ast.Lt,
    ast.LtE,
    ast.Eq,
    ast.NotEq,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
)


def compile_condition(source: str, fail: Callable[[str], Exception]) -> Condition:
    """Parse and check a `when` expression; `fail(msg)` builds the error to raise."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise fail(f"condition {source!r} is not valid: {exc.msg}") from None
    categories: set[str] = set()
    exemptions: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise fail(f"condition {source!r}: {type(node).__name__} is not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                raise fail(f"condition {source!r}: only has(), count(), exempt() may be called")
            args = node.args
            if node.keywords or len(args) != 1 or not isinstance(args[0], ast.Constant):
                raise fail(f"condition {source!r}: {node.func.id}() takes one quoted name")
            name = args[0].value
            if not isinstance(name, str):
                raise fail(f"condition {source!r}: {node.func.id}() takes one quoted name")
            (exemptions if node.func.id == "exempt" else categories).add(name)
        elif isinstance(node, ast.Name) and node.id not in _NAMES | _FUNCTIONS:
            raise fail(f"condition {source!r}: unknown name {node.id!r}")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
            raise fail(f"condition {source!r}: constant {node.value!r} is not allowed")
    code = compile(tree, "<condition>", "eval")
    return Condition(source, code, frozenset(categories), frozenset(exemptions))
