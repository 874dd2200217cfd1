"""DB-API errors of the inline writer's own connections, raised as SQLAlchemy's.

Why: the app's error handlers know SQLAlchemy's exceptions (`OperationalError`: 503, "busy or
unreachable, nothing written"), and the rest of the service raises those.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


def as_sqlalchemy_error(dialect: Dialect, exc: Exception) -> sa.exc.DBAPIError:
    """`exc`, a DB-API error of `dialect`'s driver, as the matching SQLAlchemy error."""
    return sa.exc.DBAPIError.instance(None, None, exc, dialect.loaded_dbapi.Error, dialect=dialect)
