"""`redline.link.rings`: shared contacts link, generic contacts are cut and explained."""

from __future__ import annotations

from typing import Any

from redline.link import LinkConfig, LinkGraph, compute_rings, post_record, shipment_record
from redline.link.evaluate import pairwise_scores


def _add(
    graph: LinkGraph,
    post_id: str,
    author: str | None,
    *contacts: tuple[str, str],
    verdict: str = "violating",
) -> None:
    meta = {"author": author, "platform": "weibo"} if author else {}
    entities = [{"type": t, "value": v} for t, v in contacts]
    graph.add(post_record(post_id, verdict, meta, entities))


def _rings(graph: LinkGraph, **config: Any) -> list[set[str]]:
    return [
        set(r["post_ids"]) | set(r["shipment_ids"])
        for r in compute_rings(graph, LinkConfig(**config)).dicts()
    ]


def _operation(graph: LinkGraph, name: str, accounts: int = 3, extra: tuple = ()) -> None:
    """An operation: `accounts` accounts, all printing its WeChat, two posts each."""
    for a in range(accounts):
        for p in range(2):
            _add(graph, f"{name}-{a}-{p}", f"{name}{a}", ("wechat", f"{name}_wx"), *extra)


def test_accounts_and_shared_contacts_link_posts() -> None:
    graph = LinkGraph()
    _add(graph, "a1", "alice", ("phone", "+8613800138000"))
    _add(graph, "a2", "alice")
    _add(graph, "b1", "bob", ("phone", "138 0013 8000"))
    _add(graph, "c1", "carol", ("wechat", "other_one"))
    _add(graph, "d1", None, ("wechat", "OTHER_ONE"))
    assert sorted(_rings(graph), key=len) == [{"c1", "d1"}, {"a1", "a2", "b1"}]


def test_benign_and_allowed_posts_never_form_rings_but_count() -> None:
    graph = LinkGraph()
    hotline = ("phone", "+862083651234")
    _add(graph, "a1", "alice", hotline)
    _add(graph, "b1", "bob", hotline)
    assert _rings(graph) == [{"a1", "b1"}]
    for i in range(3):
        _add(graph, f"n{i}", f"news{i}", hotline, verdict="allow")
    ring_set = compute_rings(graph)
    assert ring_set.rings == [] and ring_set.unlinked == 2
    (reason,) = ring_set.generic.values()
    assert reason.startswith("benign: in 3 posts screened as allowed and 2 flagged")


def test_a_contact_with_huge_reach_is_cut() -> None:
    graph = LinkGraph()
    for i in range(8):
        _add(graph, f"p{i}", f"user{i}", ("wechat", "repost_me"))
    assert _rings(graph, max_accounts=10) == [{f"p{i}" for i in range(8)}]
    assert _rings(graph, max_accounts=5) == []


def test_a_courier_shared_by_operations_does_not_fuse_them() -> None:
    graph = LinkGraph()
    courier = ("phone", "+8613900000000")
    for name in "abcde":
        _operation(graph, name)
        _add(graph, f"{name}-courier", f"{name}0", courier)
    ring_set = compute_rings(graph)
    assert len(ring_set.rings) == 5
    assert all(len({p.split("-")[0] for p in r["post_ids"]}) == 1 for r in ring_set.dicts())
    (reason,) = ring_set.generic.values()
    assert reason.startswith("bridging: the only tie between 5 groups")
    ring = next(ring_set.dicts())
    assert ring["generic_contacts"] == [
        {"type": "phone", "value": "+8613900000000", "reason": reason}
    ]


def test_two_established_groups_need_two_contacts_to_fuse() -> None:
    graph = LinkGraph()
    _operation(graph, "a")
    _operation(graph, "b")
    _add(graph, "x1", "a0", ("qq", "55555"))
    _add(graph, "x2", "b0", ("qq", "55555"))
    assert len(_rings(graph)) == 2
    assert next(iter(compute_rings(graph).generic.values())).startswith("uncorroborated")
    assert len(_rings(graph, corroborate=False)) == 1
    _add(graph, "y1", "a1", ("email", "boss@lab.hk"))
    _add(graph, "y2", "b1", ("email", "boss@lab.hk"))
    assert len(_rings(graph)) == 1  # two independent contacts agree


def test_a_single_account_joins_through_one_contact() -> None:
    graph = LinkGraph()
    _operation(graph, "a")
    _add(graph, "z1", "loner", ("wechat", "a_wx"))
    assert _rings(graph) == [{f"a-{i}-{p}" for i in range(3) for p in range(2)} | {"z1"}]


def test_shipments_join_rings_but_never_form_one() -> None:
    graph = LinkGraph()
    _add(graph, "a1", "alice", ("phone", "+8613800138000"))
    graph.add(shipment_record({"id": "s1", "sender_phone": "13800138000"}))
    graph.add(shipment_record({"id": "s2", "sender_phone": "13900000001"}))
    graph.add(shipment_record({"id": "s3", "recipient_phone": "13900000001"}))
    assert _rings(graph) == [{"a1", "s1"}]


def test_links_name_what_holds_a_ring_together() -> None:
    graph = LinkGraph()
    _add(graph, "a1", "alice", ("wechat", "w1"), ("qq", "12345"))
    _add(graph, "a2", "alice", ("wechat", "w2"))
    _add(graph, "b1", "bob", ("wechat", "w1"))
    (ring,) = compute_rings(graph).dicts()
    assert {(link["kind"], link["value"], link["records"]) for link in ring["links"]} == {
        ("account", "weibo:alice", 2),
        ("entity", "w1", 2),
    }
    assert {e["value"] for e in ring["entities"]} == {"w1", "w2", "12345"}


def test_duplicate_ids_are_ignored_and_rings_are_ordered_by_size() -> None:
    graph = LinkGraph()
    _operation(graph, "big", accounts=4)
    _operation(graph, "small", accounts=1)
    # a second copy of big-0-0 that, if taken, would fuse the two operations into one ring
    _add(graph, "big-0-0", "small0", ("wechat", "small_wx"))
    assert len(graph.record_ids) == 10
    sizes = [len(r) for r in _rings(graph)]
    assert sizes == [8, 2]


def test_pairwise_scores() -> None:
    truth = {"a": "x", "b": "x", "c": "x", "d": "y", "e": None}
    perfect = pairwise_scores(truth, {"a": 1, "b": 1, "c": 1, "d": 2})
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    merged = pairwise_scores(truth, {k: 1 for k in truth})
    assert merged.recall == 1.0 and merged.precision == 3 / 10
    split = pairwise_scores(truth, {"a": 1, "b": 1, "c": 2})
    assert split.precision == 1.0 and split.recall == 1 / 3


def test_allowed_posts_of_flagged_accounts_are_not_benign_use() -> None:
    graph = LinkGraph()
    phone = ("phone", "+8613800138000")
    _add(graph, "a1", "alice", phone)
    _add(graph, "b1", "bob", phone)
    for i in range(4):  # the operation's own ads that the screener let through
        _add(graph, f"missed{i}", "alice" if i % 2 else "bob", phone, verdict="allow")
    assert _rings(graph) == [{"a1", "b1"}]
    _add(graph, "shop1", "shop", phone, verdict="allow")
    _add(graph, "shop2", "shop", phone, verdict="allow")
    assert _rings(graph) == []
