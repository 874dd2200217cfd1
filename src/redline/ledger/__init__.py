"""The human-genetic-resource ledger: append-only, hash-chained, Merkle-checkpointed events of
what institutions do with HGR, the state they add up to, and the rules R1-R14 that say what was
done without the approval it needed (see docs/ledger.md and ../shared/LEDGER.md).

Modules: `canonical` (canonical JSON, hashes), `entry` (submissions and chained entries),
`merkle` (RFC 6962 tree and proofs), `keys` and `checkpoint` (Ed25519 signing), `events`
(event types and payload schemas), `intake` (what is refused and why), `storage` (tables),
`ledger` (append, checkpoint, prove), `sources` (database or export), `verify`, `state` and
`projection`, `rules/`, `config` (+ `defaults.toml`), `analysis`, `report`, `evidence`
(findings with inclusion proofs), `reader` (event files) and `scenario/` (seeded histories for
the rules' precision and recall).
"""
