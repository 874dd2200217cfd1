"""Alembic's environment and revisions, shipped inside the package so an installed redline can
upgrade its own database (`redline db upgrade`, or on `serve` startup). See `redline.store.migrate`.
"""
