"""R12: signs of trading in HGR: a price above the cost band, or a counterparty seen in ads."""

from __future__ import annotations

from decimal import Decimal

from redline.ledger.rules.base import Context, Finding
from redline.ledger.watchlist import watched


def r12_trading(ctx: Context) -> list[Finding]:
    findings = []
    watch = ctx.config.watchlist
    band = ctx.config.max_price_per_specimen
    for transfer in ctx.state.transfers.values():
        reasons = []
        if transfer.price is not None and transfer.items:
            per_item = transfer.price / Decimal(len(transfer.items))
            if per_item > band:
                reasons.append(f"price {per_item} per specimen above the cost band {band}")
        others = [transfer.waybill, transfer.recipient, transfer.customs_declaration]
        seen = sorted(
            {k for k in transfer.contacts if watched(k, watch)}
            | {k for k in others if k and watched(k, watch, phone=False)}
        )
        if seen:
            reasons.append(f"counterparty seen in detected ads or seizures: {', '.join(seen)}")
        if reasons:
            entities = [f"transfer:{transfer.id}", f"institution:{transfer.from_inst}"]
            message = f"transfer {transfer.id}: " + "; ".join(reasons)
            findings.append(
                ctx.finding("R12", transfer.from_inst, message, entities, [transfer.seq])
            )
    for institution in ctx.state.institutions.values():
        seen = sorted(
            {k for k in institution.contacts if watched(k, watch)}
            | {a for a in [institution.address] if a and watched(a, watch, phone=False)}
        )
        if seen:
            message = f"institution {institution.id}'s contacts seen in ads: {', '.join(seen)}"
            findings.append(
                ctx.finding(
                    "R12",
                    institution.id,
                    message,
                    [f"institution:{institution.id}"],
                    [institution.seq],
                )
            )
    return findings
