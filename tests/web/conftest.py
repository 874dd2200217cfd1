"""Fixtures for the review service: an app per database (both backends), a logged-in client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from web_service import PASSWORD, Service, csrf_of, make_service

from redline.pipeline import Pipeline


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its defaults costs ~0.3 s a hash on a busy machine; the code paths are the same."""
    from argon2 import PasswordHasher

    from redline.store import accounts

    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture()
def service(db_url: str, bare_pipeline: Pipeline) -> Iterator[Service]:
    made = make_service(db_url, bare_pipeline)
    with made.client:
        yield made
    made.app.state.services.engine.dispose()


@pytest.fixture()
def login(service: Service) -> Callable[[str], str]:
    """Log the test client in as the user named like the role; returns a CSRF token."""

    def log_in(name: str) -> str:
        service.client.cookies.clear()
        form = service.client.get("/login")
        response = service.client.post(
            "/login", data={"name": name, "password": PASSWORD, "csrf": csrf_of(form.text)}
        )
        assert response.status_code == 200, response.text
        return csrf_of(response.text)

    return log_in


@pytest.fixture(scope="session")
def chromium_args(request: pytest.FixtureRequest) -> list[str]:
    """CHROMIUM_ARGS from tests/conftest.py, found among loaded conftests (both are `conftest`)."""
    for plugin in request.config.pluginmanager.get_plugins():
        args = getattr(plugin, "CHROMIUM_ARGS", None)
        if args is not None:
            return list(args)
    raise LookupError("tests/conftest.py defines no CHROMIUM_ARGS")
