"""The rings pages: list, one ring with its accounts, contacts and posts, escaping, access."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from web_service import FLAGGED_TEXTS, Service

from redline.web import pages_rings

rings = pytest.importorskip("redline.store.rings")
link = pytest.importorskip("redline.link")

SCRIPT = "<script>alert(1)</script>"


def _stored(post_id: str, author: str, handle: str, text: str | None = None):
    entities = [{"type": "wechat", "value": handle}]
    meta = {"author": author, "platform": "weibo", "created_at": "2026-02-01"}
    record = link.post_record(post_id, "violating", meta, entities)
    decision = {"id": post_id, "verdict": "violating", "entities": entities}
    raw = {"id": post_id, "text": text or FLAGGED_TEXTS.get(post_id, "post text"), **meta}
    return rings.StoredRecord(record, raw, decision, "violating")


def _ring_ids(html: str) -> list[str]:
    return re.findall(r'href="/rings/(ring-\d+)"', html)


def _store(db_url: str, *batches: list) -> None:
    store = rings.RingStore(db_url)
    for batch in batches:
        store.add_batch(batch)
    store.close()


@pytest.fixture()
def two_rings(service: Service, db_url: str) -> dict[str, str]:
    """ad-1 + ad-2 share one handle, ad-3 + an unscreened post another: post id -> its ring."""
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    service.client.post("/v1/screen", json={"posts": posts}, headers=service.auth("screener"))
    _store(
        db_url,
        [
            _stored("ad-1", "u1", "op_main"),
            _stored("ad-2", "u2", "op_main"),
            _stored("ad-3", "u3", "baby88"),
            _stored("elsewhere-4", "u4", "baby88", "seen on another forum"),
        ],
    )
    listed = service.client.get("/v1/rings", headers=service.auth("analyst")).json()["rings"]
    found = {}
    for ring in listed:
        one = service.client.get(f"/v1/rings/{ring['ring_id']}", headers=service.auth("analyst"))
        found.update({record["id"]: ring["ring_id"] for record in one.json()["records"]})
    return found


def test_the_rings_page_lists_each_ring_with_its_counts(
    service: Service, two_rings: dict[str, str], login: Callable[[str], str]
) -> None:
    login("analyst")
    page = service.client.get("/rings")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="ring-row">(.*?)</tr>', page.text, re.S)
    assert len(rows) == 2
    for ring_id in set(two_rings.values()):
        (row,) = [r for r in rows if f'href="/rings/{ring_id}"' in r]
        numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        records, posts, flagged, shipments, accounts, contacts = numbers
        assert records == posts == accounts == 2 and shipments == 0 and contacts == 1
        assert flagged == 2
    assert 'href="/rings"' in page.text  # the nav links the page


def test_a_ring_shows_its_accounts_contacts_and_posts_linked_to_review(
    service: Service, two_rings: dict[str, str], login: Callable[[str], str]
) -> None:
    login("admin")
    page = service.client.get(f"/rings/{two_rings['ad-3']}")
    assert page.status_code == 200
    assert "u3" in page.text and "u4" in page.text and "wechat: baby88" in page.text
    members = re.findall(r'<tr class="member">\s*<td>(.*?)</td>', page.text, re.S)
    assert sorted(members) == [
        '<a href="/review/item?id=ad-3">ad-3</a>',
        "elsewhere-4",  # never screened by the service: no review item to link
    ]
    assert FLAGGED_TEXTS["ad-3"] in page.text
    item = service.client.get("/review/item", params={"id": "ad-3"})
    ring = two_rings["ad-3"]
    assert f'Ring <a href="/rings/{ring}"><code>{ring}</code></a>' in item.text  # admin: linked
    other = service.client.get(f"/rings/{two_rings['ad-1']}").text
    assert "ad-1" in other and "ad-2" in other and "ad-3" not in other


def test_names_and_texts_are_escaped(
    service: Service, db_url: str, login: Callable[[str], str]
) -> None:
    evil_id = f'p"><img src=x onerror=alert(1)>{SCRIPT}'
    _store(
        db_url,
        [
            _stored(evil_id, SCRIPT, f"h{SCRIPT}", f"buy now {SCRIPT}"),
            _stored("calm", "calm-author", f"h{SCRIPT}"),
        ],
    )
    login("analyst")
    (ring_id,) = _ring_ids(service.client.get("/rings").text)
    page = service.client.get(f"/rings/{ring_id}")
    assert page.status_code == 200 and "calm-author" in page.text
    assert SCRIPT not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "wechat: h&lt;script&gt;" in page.text


def test_a_visitor_logs_in_first_and_a_reviewer_is_refused(
    service: Service, two_rings: dict[str, str], login: Callable[[str], str]
) -> None:
    ring_id = two_rings["ad-1"]
    for path in ("/rings", f"/rings/{ring_id}"):
        response = service.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    login("reviewer")
    refused = service.client.get(f"/rings/{ring_id}")
    assert refused.status_code == 403 and "needs the analyst role" in refused.text
    assert 'href="/rings"' not in service.client.get("/review").text


def test_unknown_rings_missing_store_and_paging(
    service: Service, two_rings: dict[str, str], login: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    login("analyst")
    missing = service.client.get("/rings/ring-999999")
    assert missing.status_code == 404 and "No ring" in missing.text
    monkeypatch.setattr(pages_rings, "PAGE_SIZE", 1)
    first = service.client.get("/rings").text
    second = service.client.get("/rings?offset=1").text
    shown = [_ring_ids(p) for p in (first, second)]
    assert sorted(shown[0] + shown[1]) == sorted(set(two_rings.values()))
    assert "offset=1" in first and ">Previous<" in second and ">Next<" not in second
    assert "No merged rings" in service.client.get("/rings?status=merged").text
    service.app.state.services.rings._store = None  # as when the `link` extra is missing
    gone = service.client.get("/rings")
    assert gone.status_code == 404 and "Rings are not available" in gone.text


def test_a_merged_ring_says_so_and_points_at_no_records(
    service: Service, two_rings: dict[str, str], db_url: str, login: Callable[[str], str]
) -> None:
    bridge = _stored("bridge-5", "u5", "op_main")
    bridge.record = link.post_record(
        "bridge-5", "violating", {"author": "u5"},
        [{"type": "wechat", "value": "op_main"}, {"type": "wechat", "value": "baby88"}],
    )  # fmt: skip
    _store(db_url, [bridge])
    login("analyst")
    merged = _ring_ids(service.client.get("/rings?status=merged").text)
    assert len(merged) == 1 and merged[0] in two_rings.values()
    page = service.client.get(f"/rings/{merged[0]}").text
    assert "This ring is merged" in page and "No records belong to this ring now." in page
    (active,) = _ring_ids(service.client.get("/rings").text)
    assert len(re.findall(r'<tr class="member">', service.client.get(f"/rings/{active}").text)) == 5


def test_a_ring_page_tells_its_history_of_merges_with_links_to_the_other_ring(
    service: Service, two_rings: dict[str, str], db_url: str, login: Callable[[str], str]
) -> None:
    first, second = two_rings["ad-1"], two_rings["ad-3"]
    assert first != second
    entities = [{"type": "wechat", "value": "op_main"}, {"type": "wechat", "value": "baby88"}]
    meta = {"author": "u5", "platform": "weibo", "created_at": "2026-02-02"}
    bridge = rings.StoredRecord(
        link.post_record("bridge-5", "violating", meta, entities),
        {"id": "bridge-5", "text": "both handles", **meta},
        {"id": "bridge-5", "verdict": "violating", "entities": entities},
        "violating",
    )
    _store(db_url, [bridge])  # one post naming both rings' handles: they merge
    login("analyst")
    pages = {r: service.client.get(f"/rings/{r}").text for r in (first, second)}
    histories = {
        r: re.search(r'<section class="card" id="history">(.*?)</section>', html, re.S).group(1)
        for r, html in pages.items()
    }
    survivor = first if "took in the records of" in histories[first] else second
    absorbed = second if survivor == first else first
    assert f'took in the records of <a href="/rings/{absorbed}">' in histories[survivor]
    assert f'merged into <a href="/rings/{survivor}">' in histories[absorbed]
    assert histories[survivor].count("first linked") == 1
    assert "is merged" in pages[absorbed]  # the page says the ring is no longer active


def test_history_lines_read_each_event_from_the_ring_shown() -> None:
    split = {"at": "t", "kind": "split", "ring_id": "ring-1", "related": ["ring-2"],
             "cause": {"unlinked_records": 3}}  # fmt: skip
    own = pages_rings.history_line(split, "ring-1")
    assert own.rings == ("ring-2",) and own.text.startswith("split; parts went to")
    assert "3 records now in no ring" in own.text
    other = pages_rings.history_line(split, "ring-2")
    assert other.rings == ("ring-1",) and other.text == "split off from"
    grew = {"at": "t", "kind": "grew", "ring_id": "ring-1", "related": [],
            "cause": {"records_before": 2, "records_after": 5}}  # fmt: skip
    assert pages_rings.history_line(grew, "ring-1").text == "grew from 2 to 5 records"
