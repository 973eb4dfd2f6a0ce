"""The rules every query shares (sql/macros: stage dates, sources, roles, cost, attribution) as DuckDB macros."""

from __future__ import annotations

import functools
import hashlib
import threading

import duckdb

from alignment import sqlfiles

def files() -> dict[str, sqlfiles.SqlFile]:
    """Every shared macro (sql/macros), by name."""
    return sqlfiles.folder(sqlfiles.SQL_DIR / "macros", "macro")


def file(name: str) -> sqlfiles.SqlFile:
    """One shared macro's file."""
    return files()[name]


@functools.cache
def statements() -> tuple[str, ...]:
    """The statements defining every shared macro, each after the macros it reads."""
    return tuple(sqlfiles.create_macro(macro) for macro in sqlfiles.in_dependency_order(files()))


def scalar_statements(*, temporary: bool = False) -> tuple[str, ...]:
    """The statements defining the scalar macros alone (what a connection building the derived tables needs: they
    read no table, so they can be defined before any table exists)."""
    return tuple(sqlfiles.create_macro(macro, temporary=temporary)
                 for macro in sqlfiles.in_dependency_order(files()) if macro.returns == "scalar")


@functools.cache
def catalog_name(optional: tuple[str, ...] = ()) -> str:
    """The attached catalog holding these macros plus `optional`, named after their text, so a changed definition
    never meets an instance holding the old one."""
    return "metric_macros_" + hashlib.sha256("\n".join(statements() + optional).encode()).hexdigest()[:12]


_INSTALLING = threading.Lock()


def _installed(cursor: duckdb.DuckDBPyConnection, name: str) -> bool:
    return cursor.execute(sqlfiles.query("database_attached"), {"name": name}).fetchall()[0][0]


def prepare(cursor: duckdb.DuckDBPyConnection, installer: duckdb.DuckDBPyConnection,
            optional: tuple[str, ...] = ()) -> duckdb.DuckDBPyConnection:
    """Make the macros callable from `cursor`, defining them first (through `installer`) if this instance lacks them.

    They are defined once per database instance in an attached in-memory catalog (the warehouse itself is read-only),
    together with `optional` ones (the catalog's table macro per headline metric, so a scorecard can evaluate a metric
    for 8 quarters in one query), and each cursor finds them through its search path. Both cursors come from the same
    source and start in the database the metrics read (the warehouse). `optional` statements may fail to define; a
    caller that finds one missing falls back to running the metric's own SQL.
    """
    macro_catalog = catalog_name(optional)
    database = cursor.execute(sqlfiles.query("current_database")).fetchall()[0][0]
    search_path = {"path": sqlfiles.quote(database) + ".main," + macro_catalog + ".main"}
    with _INSTALLING:
        if not _installed(cursor, macro_catalog):
            installer.execute(sqlfiles.attach_in_memory(macro_catalog))
            installer.execute(sqlfiles.use(macro_catalog))
            # Table names in the macro bodies are checked on creation, so the warehouse must be on the path.
            installer.execute("SET search_path = $path",
                              {"path": macro_catalog + ".main," + sqlfiles.quote(database) + ".main"})
            try:
                for statement in statements():
                    installer.execute(statement)
            except duckdb.Error:
                # Leave no half-defined catalog behind for the next caller to mistake for a complete one.
                installer.execute(sqlfiles.use(database))
                installer.execute(sqlfiles.detach(macro_catalog))
                raise
            for statement in optional:
                try:
                    installer.execute(statement)
                except duckdb.Error:
                    pass  # that metric's callers find no macro and run its SQL file instead
            installer.execute(sqlfiles.use(database))
    cursor.execute("SET search_path = $path", search_path)
    return cursor
