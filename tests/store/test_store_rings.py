"""`redline.store.rings`: rings persist across batches, keep their ids, and record history."""

from __future__ import annotations

from redline.link import LinkConfig, post_record, shipment_record
from redline.store.rings import RingStore, StoredRecord

T1, T2, T3 = "2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00", "2026-03-03T00:00:00+00:00"


def _post(post_id: str, author: str, *contacts: tuple[str, str], verdict: str = "violating"):
    entities = [{"type": t, "value": v} for t, v in contacts]
    meta = {"author": author, "platform": "weibo", "created_at": "2026-02-01"}
    record = post_record(post_id, verdict, meta, entities)
    raw = {"id": post_id, "text": f"text of {post_id}", **meta}
    decision = {"id": post_id, "verdict": verdict, "entities": entities}
    return StoredRecord(record, raw, decision, verdict)


WX_A = ("wechat", "op_a_main")
WX_B = ("wechat", "op_b_main")
PHONE_A = ("phone", "+8613800000001")


def test_ring_keeps_its_id_when_it_grows(db_url: str) -> None:
    store = RingStore(db_url)
    first = store.add_batch([_post("a1", "u1", WX_A), _post("a2", "u2", WX_A)], at=T1)
    assert len(first.rings) == 1
    ring_id = first.rings[0]["ring_id"]
    second = store.add_batch([_post("a3", "u3", ("wechat", "OP_A_MAIN"))], at=T2)
    assert [r["ring_id"] for r in second.rings] == [ring_id]
    assert store.ring_of("a3") == ring_id
    assert sorted(store.ring(ring_id)["post_ids"]) == ["a1", "a2", "a3"]
    kinds = [(e["kind"], e["at"]) for e in store.events(ring_id)]
    assert kinds == [("created", T1), ("grew", T2)]
    store.close()


def test_merge_keeps_the_larger_id_and_names_the_link(db_url: str) -> None:
    store = RingStore(db_url)
    big = [_post(f"a{i}", f"ua{i}", WX_A) for i in range(3)]
    small = [_post(f"b{i}", f"ub{i}", WX_B) for i in range(2)]
    result = store.add_batch(big + small, at=T1)
    ids = {r["post_ids"][0][0]: r["ring_id"] for r in result.rings}
    bridge = _post("x1", "ux", WX_A, WX_B)
    merged = store.add_batch([bridge], at=T2)
    assert [r["ring_id"] for r in merged.rings] == [ids["a"]]
    event = next(e for e in store.events() if e["kind"] == "merged")
    assert event["ring_id"] == ids["a"] and event["related"] == [ids["b"]]
    assert {"type": "wechat", "value": "op_b_main"} in event["cause"]["joined_by"]
    assert store.ring(ids["b"])["status"] == "merged"
    assert store.ring_of("b0") == ids["a"]
    store.close()


def test_split_is_recorded_when_a_contact_turns_out_generic(db_url: str) -> None:
    store = RingStore(db_url, LinkConfig(benign_min=2, benign_ratio=0.5))
    shared = ("phone", "+864008267733")
    posts = [_post("a1", "u1", shared), _post("a2", "u2", shared)]
    ring_id = store.add_batch(posts, at=T1).rings[0]["ring_id"]
    benign = [_post(f"n{i}", f"shop{i}", shared, verdict="allow") for i in range(3)]
    result = store.add_batch(benign, at=T2)
    assert result.rings == []
    history = store.events(ring_id)
    assert [e["kind"] for e in history] == ["created", "dissolved"]
    assert history[-1]["cause"]["generic_now"][0]["reason"].startswith("benign")
    assert store.ring(ring_id)["status"] == "dissolved"
    assert store.ring_of("a1") is None
    store.close()


def test_split_keeps_the_id_on_the_larger_part(db_url: str) -> None:
    store = RingStore(db_url, LinkConfig(max_accounts=3))
    shared = ("qq", "123456")
    posts = [_post(f"a{i}", "ua", shared, WX_A) for i in range(3)]
    posts += [_post("b1", "ub", shared, WX_B), _post("b2", "ub", WX_B)]
    ring_id = store.add_batch(posts, at=T1).rings[0]["ring_id"]
    more = [_post(f"c{i}", f"uc{i}", shared) for i in range(3)]  # now 5 accounts use it
    result = store.add_batch(more, at=T3)
    by_id = {r["ring_id"]: sorted(r["post_ids"]) for r in result.rings}
    assert by_id[ring_id] == ["a0", "a1", "a2"]
    split = next(e for e in store.events(ring_id) if e["kind"] == "split")
    assert len(split["related"]) == 1 and by_id[split["related"][0]] == ["b1", "b2"]
    assert split["cause"]["generic_now"][0]["value"] == "123456"
    store.close()


def test_duplicates_are_counted_and_shipments_join(db_url: str) -> None:
    store = RingStore(db_url)
    store.add_batch([_post("a1", "u1", PHONE_A), _post("a2", "u1")], at=T1)
    parcel = shipment_record({"id": "w1", "kind": "seizure", "sender_phone": "138 0000 0001"})
    again = _post("a1", "u1", PHONE_A)
    result = store.add_batch([StoredRecord(parcel, {"id": "w1"}), again], at=T2)
    assert (result.added, result.duplicates) == (1, 1)
    assert result.rings[0]["shipment_ids"] == ["w1"]
    assert store.list_rings()[0]["size"] == 3
    records = store.ring_records(result.rings[0]["ring_id"])
    assert {r["id"] for r in records} == {"a1", "a2", "w1"}
    assert next(r for r in records if r["id"] == "a1")["raw"]["text"] == "text of a1"
    store.close()
