"""A ring's report: who, where, since when, what they sell, at what price, and how big.

Pure: it reads the ring (`rings.jsonl` shape) and its records as received with their decisions,
and returns plain data; rendering lives in `redline.link_report`. The scale estimate reasons the
way investigators and journalists do (customers x fee = revenue), as ranges, and lists every
input and assumption, so a reader can disagree with any one of them and redo the sum.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

SERVICE_LABELS: dict[str, str] = {
    "sexid": "fetal sex identification",
    "sexsel": "sex selection (embryo / sperm sorting)",
    "blood": "maternal blood drawing and testing",
    "logistics.cross_border": "cross-border transport of samples",
    "logistics.kit": "blood-draw kits sent to customers",
    "logistics.lab": "laboratory testing abroad",
    "codeword": "fetal sex identification (codewords)",
}
PLACES: tuple[str, ...] = (
    "香港",
    "澳门",
    "台湾",
    "深圳",
    "广州",
    "东莞",
    "上海",
    "北京",
    "成都",
    "杭州",
    "武汉",
    "长沙",
    "重庆",
    "南京",
    "西安",
    "郑州",
    "福州",
    "厦门",
    "泰国",
    "曼谷",
    "美国",
    "迪拜",
    "马来西亚",
    "新加坡",
    "日本",
    "韩国",
    "Hong Kong",
    "Macau",
    "Shenzhen",
    "Guangzhou",
    "Bangkok",
    "Thailand",
    "Dubai",
    "Malaysia",
    "Singapore",
    "Delhi",
    "Mumbai",
    "Punjab",
    "Haryana",
    "Nepal",
    "USA",
    "Cyprus",
)
_PLACE = re.compile("|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)), re.I)
_NUMBER = r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万|千|k)?"
_VOLUME = [
    re.compile(
        r"(?:帮助|服务|成功|累计|已为|帮|接待|检测)[^。！\n]{0,6}?(?:近|超过|超|上|逾|约)?\s*"
        + _NUMBER
        + r"\s*(?:多|余)?\s*(?:位|个|名|例|组)\s*(?:宝妈|孕妈|妈妈|客户|家庭|孕妇|顾客)"
    ),
    re.compile(
        r"(?:helped|served|tested|assisted)\s+(?:nearly|over|more than|about|around|almost)?\s*"
        + _NUMBER
        + r"\+?\s*(?:mothers|moms|mums|families|couples|clients|customers|women)",
        re.I,
    ),
    re.compile(
        r"(?:nearly|over|more than|about|around|almost)?\s*"
        + _NUMBER
        + r"\+?\s*(?:mothers|moms|mums|families|couples|clients|customers|women)\s+"
        r"(?:served|helped|tested)",
        re.I,
    ),
]
_MULTIPLIER = {"万": 10_000, "千": 1_000, "k": 1_000, "K": 1_000}

CLAIM_TRUTH_RANGE = (0.1, 1.0)
"""Volume claims are advertising: assume between a tenth of the claim and all of it."""
CUSTOMERS_PER_POST = (1, 5)
"""With no claim, each flagged post is assumed to bring 1-5 customers."""
OUTLIER_FACTOR = 10
"""Quotes this many times above or below the median quote are not this service's fee."""
MIN_FEE = 100.0
"""Prices under this (in any currency) are deposits, shipping or add-ons, not the service fee."""


def volume_claims(text: str) -> list[dict[str, Any]]:
    """Claims of how many customers were served, with the number read."""
    found = []
    for pattern in _VOLUME:
        for match in pattern.finditer(text):
            digits = re.sub(r"[,，]", "", match.group(1))
            try:
                value = float(digits) * _MULTIPLIER.get(match.group(2) or "", 1)
            except ValueError:
                continue
            found.append({"text": match.group(0).strip(), "customers": int(value)})
    return found


def _price(value: str) -> tuple[str, float] | None:
    """`CNY 3800` -> ("CNY", 3800.0)."""
    parts = value.split()
    if len(parts) != 2:
        return None
    try:
        return parts[0], float(parts[1])
    except ValueError:
        return None


def _services(decision: Mapping[str, Any] | None) -> set[str]:
    found = set()
    for item in (decision or {}).get("evidence", []):
        signal = str(item.get("signal", ""))
        for prefix, label in SERVICE_LABELS.items():
            if signal == prefix or signal.startswith(prefix + "."):
                found.add(label)
    return found


def build_report(ring: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The report of one ring. `records`: dicts with id, kind, raw, decision, created_at."""
    posts = [r for r in records if r.get("kind", "post") == "post"]
    shipments = [r for r in records if r.get("kind", "post") != "post"]
    texts = [str((r.get("raw") or {}).get("text", "")) for r in posts]
    platforms = Counter(r.get("platform") or "unknown" for r in posts)
    dates = sorted(str(r["created_at"]) for r in records if r.get("created_at"))
    prices: Counter = Counter()
    services: Counter = Counter()
    for record in posts:
        decision = record.get("decision") or {}
        for entity in decision.get("entities", []):
            if entity.get("type") == "price" and _price(str(entity.get("value"))):
                prices[entity["value"]] += 1
        services.update(_services(decision))
    places: Counter = Counter()
    claims: list[dict[str, Any]] = []
    for record, text in zip(posts, texts, strict=True):
        places.update({m.group(0) for m in _PLACE.finditer(text)})
        claims.extend({**claim, "post_id": record["id"]} for claim in volume_claims(text))
    contacts: dict[str, list[str]] = {}
    for entity in ring.get("entities", []):
        contacts.setdefault(entity["type"], []).append(entity["value"])
    report = {
        "ring_id": ring.get("ring_id"),
        "counts": {
            "posts": len(posts),
            "flagged_posts": sum(1 for r in posts if r.get("verdict") in ("violating", "review")),
            "shipments": len(shipments),
            "accounts": len(ring.get("accounts", [])),
            "contacts": len(ring.get("entities", [])),
            "platforms": len(platforms),
        },
        "accounts": list(ring.get("accounts", [])),
        "contacts": contacts,
        "platforms": dict(platforms.most_common()),
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "prices": [{"value": v, "posts": n} for v, n in prices.most_common()],
        "services": [{"service": s, "posts": n} for s, n in services.most_common()],
        "places": [{"place": p, "posts": n} for p, n in places.most_common()],
        "volume_claims": claims,
        "links": list(ring.get("links", [])),
        "generic_contacts": list(ring.get("generic_contacts", [])),
        "shipments": [
            {
                k: (r.get("raw") or {}).get(k)
                for k in ("id", "kind", "date", "carrier", "origin", "destination", "description")
            }
            for r in shipments
        ],
    }
    report["scale"] = scale_estimate(report["counts"]["flagged_posts"], claims, prices)
    return report


def scale_estimate(
    flagged_posts: int, claims: Sequence[Mapping[str, Any]], prices: Counter
) -> dict[str, Any]:
    """Customers x fee = revenue, as ranges, with every input and assumption spelled out."""
    assumptions: list[str] = []
    inputs: list[str] = []
    if claims:
        claimed = max(int(c["customers"]) for c in claims)
        low, high = (round(claimed * f) for f in CLAIM_TRUTH_RANGE)
        inputs.append(f"largest volume claim: {claimed:,} customers ({len(claims)} claims)")
        assumptions.append(
            f"claims are advertising: between {CLAIM_TRUTH_RANGE[0]:.0%} and "
            f"{CLAIM_TRUTH_RANGE[1]:.0%} of the largest claim is true"
        )
        basis = "volume claim"
    else:
        low, high = (flagged_posts * k for k in CUSTOMERS_PER_POST)
        inputs.append(f"flagged posts: {flagged_posts:,}")
        assumptions.append(
            f"no volume claim: each flagged post brings {CUSTOMERS_PER_POST[0]}-"
            f"{CUSTOMERS_PER_POST[1]} customers"
        )
        basis = "posts"
    by_currency: dict[str, list[float]] = {}
    for value, count in prices.items():
        parsed = _price(value)
        if parsed and parsed[1] >= MIN_FEE:
            by_currency.setdefault(parsed[0], []).extend([parsed[1]] * count)
    estimate: dict[str, Any] = {
        "basis": basis,
        "customers": {"low": low, "high": high},
        "inputs": inputs,
        "assumptions": assumptions,
        "fee": None,
        "revenue": None,
    }
    if not by_currency:
        assumptions.append("no fee quoted at or above the minimum: revenue not estimated")
        return estimate
    currency = max(by_currency, key=lambda c: len(by_currency[c]))
    quotes = by_currency[currency]
    typical = statistics.median_low(quotes)
    fees = [q for q in quotes if typical / OUTLIER_FACTOR <= q <= typical * OUTLIER_FACTOR]
    fee_low, fee_high = min(fees), max(fees)
    inputs.append(
        f"fees quoted in {currency}: {len(quotes)} quotes, {fee_low:,.0f}-{fee_high:,.0f}"
    )
    assumptions.append(
        f"prices under {MIN_FEE:,.0f} are deposits or add-ons and are left out; each customer "
        f"pays one fee within the quoted range; the most quoted currency ({currency}) is used"
    )
    if len(fees) < len(quotes):
        dropped = sorted(set(quotes) - set(fees))
        assumptions.append(
            f"quotes more than {OUTLIER_FACTOR}x away from the median ({typical:,.0f}) are "
            "misreadings or other goods and are left out: "
            + ", ".join(f"{q:,.0f}" for q in dropped)
        )
    estimate["fee"] = {"currency": currency, "low": fee_low, "high": fee_high}
    estimate["revenue"] = {
        "currency": currency,
        "low": round(low * fee_low),
        "high": round(high * fee_high),
    }
    return estimate
