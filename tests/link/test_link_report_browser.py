"""A ring's HTML report in headless Chromium: it renders, shows its graph, matches its JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from redline.link.report import build_report
from redline.link_report.html import ring_html
from redline.link_report.picture import node_codes, ring_picture

RING: dict[str, Any] = {
    "ring_id": "ring-000042",
    "post_ids": ["p1", "p2", "p3"],
    "shipment_ids": ["s1"],
    "accounts": ["weibo:alice", "douyin:bob"],
    "entities": [
        {"type": "wechat", "value": "hkbaby_2026"},
        {"type": "phone", "value": "+8613800138000"},
    ],
    "links": [
        {"kind": "entity", "type": "wechat", "value": "hkbaby_2026", "records": 2},
        {"kind": "account", "value": "weibo:alice", "records": 2},
    ],
    "generic_contacts": [{"type": "phone", "value": "+864008267733", "reason": "benign: ..."}],
}


def _post(post_id: str, account: str, text: str, date: str, entities: list, prices: list) -> dict:
    decision = {
        "id": post_id,
        "verdict": "violating",
        "evidence": [{"signal": "sexid.service"}, {"signal": "logistics.cross_border"}],
        "entities": [{"type": "price", "value": p} for p in prices],
    }
    return {
        "id": post_id,
        "kind": "post",
        "verdict": "violating",
        "account": account,
        "platform": account.split(":")[0],
        "created_at": date,
        "entities": entities,
        "raw": {"id": post_id, "text": text},
        "decision": decision,
    }


RECORDS = [
    _post(
        "p1",
        "weibo:alice",
        "香港验血查男女 已帮助近10000位宝妈 <b>加V</b>",
        "2026-01-02",
        [["wechat", "hkbaby_2026"]],
        ["CNY 3800"],
    ),
    _post(
        "p2",
        "weibo:alice",
        "深圳抽血寄香港 138-0013-8000",
        "2026-01-05",
        [["phone", "+8613800138000"]],
        ["CNY 4200", "CNY 50"],
    ),
    _post("p3", "douyin:bob", "加微信 hkbaby_2026", "2026-02-11", [["wechat", "hkbaby_2026"]], []),
    {
        "id": "s1",
        "kind": "seizure",
        "account": None,
        "created_at": "2026-02-20",
        "entities": [["phone", "+8613800138000"]],
        "raw": {"id": "s1", "kind": "seizure"},
        "decision": None,
    },
]


def test_report_renders_with_its_graph_and_figures(
    chromium_executable: str, chromium_args: list[str], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    report = build_report(RING, RECORDS)
    page_file = tmp_path / "ring.html"
    html = ring_html(report, ring_picture(RING, RECORDS), node_codes(RING), RECORDS)
    page_file.write_text(html, encoding="utf-8")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=chromium_args, headless=True
        )
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            assert page.title() == "ring-000042: ring report"
            size = page.eval_on_selector(
                "#ring-graph", "img => [img.complete, img.naturalWidth, img.naturalHeight]"
            )
            figures = page.eval_on_selector_all(
                "[data-figure]", "els => els.map(e => [e.dataset.figure, e.textContent.trim()])"
            )
            embedded = json.loads(page.text_content("#report-json") or "{}")
            post_cells = page.eval_on_selector_all(
                "#posts pre", "els => els.map(e => e.textContent)"
            )
            remote = page.evaluate(
                "() => performance.getEntriesByType('resource').map(r => r.name)"
            )
        finally:
            browser.close()

    complete, width, height = size
    assert complete and width > 200 and height > 150  # the PNG decoded: the picture is there
    shown = dict(figures)
    for name, value in report["counts"].items():
        assert shown[name] == str(value)
    scale = report["scale"]
    assert shown["customers_low"] == str(scale["customers"]["low"]) == "1000"
    assert shown["customers_high"] == str(scale["customers"]["high"]) == "10000"
    assert shown["revenue_low"] == str(scale["revenue"]["low"]) == "3800000"
    assert shown["revenue_high"] == str(scale["revenue"]["high"]) == "42000000"
    assert embedded == report
    assert any("<b>加V</b>" in cell for cell in post_cells)  # shown as text, never as markup
    assert remote == []  # self-contained: nothing fetched
