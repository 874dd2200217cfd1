# ruff: noqa: E501  (HTML templates read better unwrapped)
"""Self-contained HTML: one page per ring (picture embedded as base64 PNG) and an index.

Every figure in a ring page carries `data-figure="<name>"` and the same number as the report
JSON, so a reader (or a test) can check the page against the data.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.figures{display:flex;gap:1rem;flex-wrap:wrap}
.figure{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}.figure b{display:block;font-size:1.6rem}
.muted{color:#666}pre{white-space:pre-wrap;background:#f8f8f8;padding:.5rem}img{max-width:100%}
"""

_RING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ r.ring_id }}: ring report</title>
<style>{{ style }}</style></head><body>
<h1>Ring {{ r.ring_id }}</h1>
<p class="muted">First seen {{ r.first_seen or "unknown" }}, last seen {{ r.last_seen or "unknown" }}.</p>
<div class="figures">
{% for name, value in r.counts.items() %}<div class="figure">{{ name | replace("_", " ") }}
<b data-figure="{{ name }}">{{ value }}</b></div>{% endfor %}
</div>
<h2>Graph</h2>
<img id="ring-graph" alt="graph of ring {{ r.ring_id }}" src="data:image/png;base64,{{ picture }}">
<h2>Scale estimate</h2>
<p>Customers <b data-figure="customers_low">{{ r.scale.customers.low }}</b> to
<b data-figure="customers_high">{{ r.scale.customers.high }}</b> (basis: {{ r.scale.basis }}).
{% if r.scale.revenue %}Fee {{ r.scale.fee.currency }} {{ "{:,.0f}".format(r.scale.fee.low) }} to
{{ "{:,.0f}".format(r.scale.fee.high) }}; revenue {{ r.scale.revenue.currency }}
<b data-figure="revenue_low">{{ r.scale.revenue.low }}</b> to
<b data-figure="revenue_high">{{ r.scale.revenue.high }}</b>.{% endif %}</p>
<h3>Inputs</h3><ul>{% for x in r.scale.inputs %}<li>{{ x }}</li>{% endfor %}</ul>
<h3>Assumptions</h3><ul>{% for x in r.scale.assumptions %}<li>{{ x }}</li>{% endfor %}</ul>
<h2>What holds it together</h2>
<table id="links"><tr><th>kind</th><th>value</th><th>records</th></tr>
{% for l in r.links %}<tr><td>{{ l.get("type") or l.kind }}</td><td>{{ l.value }}</td><td>{{ l.records }}</td></tr>{% endfor %}
</table>
{% if r.generic_contacts %}<h3>Generic contacts (cut, not used to link)</h3>
<table><tr><th>type</th><th>value</th><th>why</th></tr>
{% for g in r.generic_contacts %}<tr><td>{{ g.type }}</td><td>{{ g.value }}</td><td>{{ g.reason }}</td></tr>{% endfor %}
</table>{% endif %}
<h2>Accounts</h2><table id="accounts"><tr><th>code</th><th>account</th></tr>
{% for a in r.accounts %}<tr><td>{{ codes[("account", a)] }}</td><td>{{ a }}</td></tr>{% endfor %}</table>
<h2>Contacts</h2><table id="contacts"><tr><th>code</th><th>type</th><th>value</th></tr>
{% for t, values in r.contacts.items() %}{% for v in values %}<tr><td>{{ codes[("contact", t ~ ":" ~ v)] }}</td>
<td>{{ t }}</td><td>{{ v }}</td></tr>{% endfor %}{% endfor %}</table>
<h2>Platforms</h2><table>{% for p, n in r.platforms.items() %}<tr><td>{{ p }}</td><td>{{ n }}</td></tr>{% endfor %}</table>
<h2>Services offered</h2><table>{% for s in r.services %}<tr><td>{{ s.service }}</td><td>{{ s.posts }} posts</td></tr>{% endfor %}</table>
<h2>Prices quoted</h2><table>{% for p in r.prices %}<tr><td>{{ p.value }}</td><td>{{ p.posts }} posts</td></tr>{% endfor %}</table>
<h2>Places named</h2><table>{% for p in r.places %}<tr><td>{{ p.place }}</td><td>{{ p.posts }} posts</td></tr>{% endfor %}</table>
<h2>Volume claims</h2><table>{% for c in r.volume_claims %}<tr><td>{{ c.text }}</td><td>{{ c.customers }}</td>
<td>{{ c.post_id }}</td></tr>{% endfor %}</table>
{% if r.shipments %}<h2>Shipments</h2><table><tr><th>code</th><th>id</th><th>kind</th><th>date</th><th>route</th><th>declared</th></tr>
{% for s in r.shipments %}<tr><td>{{ codes[("shipment", s.id)] }}</td><td>{{ s.id }}</td><td>{{ s.kind }}</td><td>{{ s.date }}</td>
<td>{{ s.origin }} → {{ s.destination }}</td><td>{{ s.description }}</td></tr>{% endfor %}</table>{% endif %}
{% if posts %}<h2>Posts</h2><table id="posts"><tr><th>id</th><th>account</th><th>date</th><th>verdict</th><th>text</th></tr>
{% for p in posts %}<tr><td>{{ p.id }}</td><td>{{ p.account }}</td><td>{{ p.created_at }}</td><td>{{ p.verdict }}</td>
<td><pre>{{ p.text }}</pre></td></tr>{% endfor %}</table>{% endif %}
<script type="application/json" id="report-json">{{ report_json | safe }}</script>
</body></html>
"""

_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rings</title><style>{{ style }}</style></head><body>
<h1>Rings</h1><p><span data-figure="rings">{{ rings | length }}</span> rings.</p>
<table><tr><th>ring</th><th>posts</th><th>shipments</th><th>accounts</th><th>contacts</th><th>held together by</th></tr>
{% for r in rings %}<tr><td><a href="rings/{{ r.ring_id }}.html">{{ r.ring_id }}</a>
(<a href="rings/{{ r.ring_id }}.json">json</a>)</td><td>{{ r.post_ids | length }}</td>
<td>{{ r.shipment_ids | length }}</td><td>{{ r.accounts | length }}</td><td>{{ r.entities | length }}</td>
<td>{% for l in r.links[:4] %}{{ l.get("type") or l.kind }} {{ l.value }}{% if not loop.last %}; {% endif %}{% endfor %}
{% if r.links | length > 4 %}…{% endif %}</td></tr>{% endfor %}</table></body></html>
"""


def _environment():
    import jinja2

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def ring_html(
    report: Mapping[str, Any],
    picture_png: bytes,
    codes: Mapping[tuple[str, str], str],
    posts: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The ring page: figures, picture, tables, posts, and the report JSON itself."""
    template = _environment().from_string(_RING)
    report_json = json.dumps(report, ensure_ascii=False).replace("</", "<\\/")
    return template.render(
        r=report,
        style=_STYLE,
        picture=base64.b64encode(picture_png).decode("ascii"),
        codes=codes,
        posts=[
            {**p, "text": (p.get("raw") or {}).get("text", "")}
            for p in posts
            if p.get("kind", "post") == "post"
        ],
        report_json=report_json,
    )


def index_html(rings: Sequence[Mapping[str, Any]]) -> str:
    """The index page linking every ring's HTML and JSON report."""
    return _environment().from_string(_INDEX).render(rings=rings, style=_STYLE)
