"""`redline.synth.world`: a seeded world with ground truth and planted generic contacts."""

from __future__ import annotations

from redline.synth.world import generate_world


def test_same_seed_same_world_and_truth_covers_everything() -> None:
    first = generate_world(6, seed=5, benign_posts=20, spam_posts=10)
    again = generate_world(6, seed=5, benign_posts=20, spam_posts=10)
    assert first.posts == again.posts and first.shipments == again.shipments
    ids = [p["id"] for p in first.posts] + [s["id"] for s in first.shipments]
    assert len(ids) == len(set(ids)) == len(first.truth)
    assert generate_world(6, seed=6, benign_posts=20, spam_posts=10).posts != first.posts


def test_operations_have_several_accounts_and_decoys_print_generic_contacts() -> None:
    world = generate_world(8, seed=1, benign_posts=30, spam_posts=10)
    for op in world.operations:
        authors = {p["author"] for p in world.posts if world.truth[p["id"]] == op.id}
        assert len(authors) >= 2
    decoys = [p["text"] for p in world.posts if world.truth[p["id"]] is None]
    spam = world.generic["spam"]
    assert any(spam in text.lower() for text in decoys)
    courier = world.generic["courier"]
    assert any(courier[3:6] in text for text in decoys)
    assert {s["kind"] for s in world.shipments} <= {"waybill", "seizure"}
