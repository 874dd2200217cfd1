"""Real Chromium against a real server: log in, work three posts by keyboard, read the audit log;
follow a ring to its posts; a reviewer is refused the admin pages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from web_service import FLAGGED_TEXTS, PASSWORD, Service, make_service

from redline.pipeline import Pipeline

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def live(tmp_path: Path, bare_pipeline: Pipeline) -> Iterator[tuple[Service, str]]:
    """The service on a free loopback port, run by uvicorn in a thread."""
    service = make_service(f"sqlite:///{tmp_path / 'browser.db'}", bare_pipeline)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(service.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield service, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture()
def browser(chromium_executable: str, chromium_args: list[str]) -> Iterator:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable, args=chromium_args, headless=True
        )
        yield launched
        launched.close()


def log_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/review")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_work_three_posts_by_keyboard_and_see_the_audit(live, browser) -> None:
    service, base = live
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    screened = httpx.post(
        base + "/v1/screen", json={"posts": posts}, headers=service.auth("screener")
    )
    assert screened.status_code == 200
    page = browser.new_page()
    log_in(page, base, "analyst")
    assert page.url.endswith("/review")
    assert page.locator("table.queue tbody tr").count() == 3
    with page.expect_navigation():
        page.keyboard.press("Enter")  # start: claims the top post
    worked = []
    for key, note in (("c", ""), ("d", "news report, not an ad"), ("e", "")):
        assert page.locator("#decide-form").count() == 1
        worked.append(page.locator("#post").get_attribute("data-post-id"))
        assert page.locator("#post-text mark").count() > 0  # evidence highlighted
        if note:
            page.keyboard.press("n")
            page.keyboard.type(note)
            page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press(key)
    assert sorted(worked) == sorted(FLAGGED_TEXTS)
    assert "Nothing waiting" in page.content()
    page.goto(base + "/audit")
    assert "Chain intact: 3 entries verified" in page.locator("#chain-status").inner_text()
    rows = page.locator("tr.audit-entry")
    assert rows.count() == 3
    text = rows.all_inner_texts()
    assert [line.split("\t")[3] for line in text] == [
        "review.escalate", "review.dismiss", "review.confirm",
    ]  # fmt: skip
    assert "note=news report, not an ad" in text[1]
    assert all("user:analyst" in line for line in text)


def test_a_reviewer_is_refused_the_admin_pages(live, browser) -> None:
    _service, base = live
    page = browser.new_page()
    log_in(page, base, "reviewer")
    for path in ("/admin/users", "/admin/tokens", "/admin/packs", "/audit", "/rings"):
        response = page.goto(base + path)
        assert response is not None and response.status == 403, path
        assert "needs the" in page.content()
    assert page.locator("a[href='/admin/users']").count() == 0  # not even linked


def test_an_analyst_follows_a_ring_to_its_posts(live, browser) -> None:
    rings = pytest.importorskip("redline.store.rings")
    link = pytest.importorskip("redline.link")
    service, base = live
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    httpx.post(base + "/v1/screen", json={"posts": posts}, headers=service.auth("screener"))
    entities = [{"type": "wechat", "value": "op_main"}]
    store = rings.RingStore(str(service.app.state.services.engine.url))
    store.add_batch(
        rings.StoredRecord(
            link.post_record(post_id, "violating", {"author": f"u-{post_id}"}, entities),
            {"id": post_id, "text": FLAGGED_TEXTS[post_id]},
        )
        for post_id in ("ad-1", "ad-2")
    )
    store.close()
    page = browser.new_page()
    log_in(page, base, "analyst")
    with page.expect_navigation():
        page.click("nav >> text=Rings")
    assert page.locator("tr.ring-row").count() == 1
    with page.expect_navigation():
        page.click("tr.ring-row a")
    assert page.locator("tr.member").count() == 2
    assert "wechat: op_main" in page.locator(".entities").inner_text()
    with page.expect_navigation():
        page.click("tr.member a >> text=ad-2")
    assert page.locator("#post").get_attribute("data-post-id") == "ad-2"
    assert "u-ad-1" in page.locator("#ring").inner_text()
