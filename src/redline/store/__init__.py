"""Storage adapters: SQLite by default (a file, WAL), PostgreSQL by URL, one code path (SQLAlchemy).

The screening core never imports from here (the ledger does, to open its database). Each
feature keeps its tables in its own module; they all open databases through
`redline.store.engine`, so a URL means the same thing everywhere.

The review service's tables are declared together in `tables` (so migrations can be checked
against them) and read and written by `decisions`, `review`, `accounts`, `audit` and `settings`;
`migrate` applies the Alembic revisions shipped in `migrations/`.
"""
