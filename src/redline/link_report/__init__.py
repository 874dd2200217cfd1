"""Adapters that turn rings into things people open: graph pictures, HTML pages, evidence zips.

Heavy imports (matplotlib, networkx, jinja2) happen inside the functions that need them, so
importing this package costs nothing.
"""
