"""Institution-bound tokens made on the admin tokens page: binding shown, enforced and audited."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from web_service import Service

from redline.store import audit
from redline.store.tables import api_tokens


def _create(service: Service, csrf: str, **fields: str):
    return service.client.post("/admin/tokens", data={"csrf": csrf, **fields})


def _audit_entries(service: Service, subject: str) -> list[audit.AuditEntry]:
    with service.app.state.services.reading() as connection:
        return audit.entries(connection, subject=subject)


def test_admin_creates_a_token_bound_to_an_institution(
    service: Service, login: Callable[[str], str]
) -> None:
    csrf = login("admin")
    form = service.client.get("/admin/tokens")
    assert 'name="institution"' in form.text and "<option>institution</option>" in form.text
    made = _create(service, csrf, name="h1-lims", role="institution", institution="H1")
    assert made.status_code == 200, made.text
    secret = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
    row = re.search(r"<td>h1-lims</td><td>institution</td><td[^>]*>([^<]*)</td>", made.text)
    assert row and row.group(1) == "H1"
    bearer = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/v1/ledger/findings", headers=bearer).status_code == 200
    other = service.client.get("/v1/ledger/findings?institution=H2", headers=bearer)
    assert other.status_code == 403  # bound to H1: it reads nothing of H2
    assert service.client.get("/v1/decisions", headers=bearer).status_code == 403
    (entry,) = _audit_entries(service, "token:h1-lims")
    assert (entry.actor, entry.action) == ("user:admin", "token.create")
    assert entry.details == {"role": "institution", "institution": "H1"}


def test_an_unbound_token_shows_no_institution_and_audits_none(
    service: Service, login: Callable[[str], str]
) -> None:
    csrf = login("admin")
    made = _create(service, csrf, name="plain", role="screener", institution="")
    assert made.status_code == 200
    row = re.search(r"<td>plain</td><td>screener</td><td[^>]*>([^<]*)</td>", made.text)
    assert row and row.group(1) == ""
    (entry,) = _audit_entries(service, "token:plain")
    assert entry.details == {"role": "screener"}


def test_a_binding_that_does_not_fit_the_role_is_refused_and_nothing_is_written(
    service: Service, login: Callable[[str], str]
) -> None:
    csrf = login("admin")
    unbound = _create(service, csrf, name="no-inst", role="institution")
    assert unbound.status_code == 422 and "needs the institution" in unbound.text
    mismatched = _create(service, csrf, name="bound-admin", role="admin", institution="H1")
    assert mismatched.status_code == 422
    assert "only institution tokens are bound" in mismatched.text
    spaced = _create(service, csrf, name="spaced", role="institution", institution=" H1")
    assert spaced.status_code == 422 and "outer spaces" in spaced.text
    forged = _create(service, "not-the-token", name="x", role="institution", institution="H1")
    assert forged.status_code == 403
    with service.app.state.services.reading() as connection:
        names = set(connection.execute(sa.select(api_tokens.c.name)).scalars())
        assert not names & {"no-inst", "bound-admin", "spaced", "x"}
        assert not [e for e in audit.entries(connection) if e.action == "token.create"]
