"""The review service: one ASGI app for inline screening (API) and the review queue (browser).

Built by `create_app` (no module-level state); routers are split by concern: `api_screen`,
`api_decisions`, `api_review`, `api_rings`, `api_ledger`, `pages_auth`, `pages_review`,
`pages_admin`, `pages_audit`, `pages_rings`.
"""
