"""House rules held by tests: the core never imports Streamlit, pages never import DuckDB, SQL text is written only in
the allow-listed modules, every definition option and every command-line command and option is in the README, every
metric file writes every header field."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from alignment import catalog, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, at any depth (inside functions too), by its top-level name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "alignment").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_streamlit(path):
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_never_import_duckdb(path):
    # Pages hold no SQL: they read the core, which owns the warehouse.
    assert "duckdb" not in imported_modules(path)


def test_the_import_scan_sees_imports_anywhere(tmp_path):
    source = tmp_path / "module.py"
    source.write_text("import os\n\ndef later():\n    from streamlit.runtime import caching\n    import duckdb as db\n")
    assert imported_modules(source) == {"os", "streamlit", "duckdb"}


# Options the charter holds (a model's learnt effects are not one: they are excluded from it).
OPTIONS = [name for name, field in catalog.Definitions.model_fields.items() if not field.exclude]


@pytest.mark.parametrize("name", OPTIONS)
def test_every_definition_option_is_in_the_readme(name):
    field = catalog.Definitions.model_fields[name]
    assert f"`{name}`" in README or (field.title and field.title in README), \
        f"document the charter option {name} ({field.title}) in README.md"


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[str]]:
    """Every command (`charter verify`, `users add`, …) with its long options, walking sub-commands and the choices
    of a leading action argument."""
    found: dict[tuple[str, ...], list[str]] = {}
    options = [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
    nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    actions = [a for a in parser._actions if not a.option_strings and a.dest == "action" and a.choices]
    if nested:
        for name, child in nested[0].choices.items():
            found |= commands(child, words + (name,))
    elif actions:
        found |= {words + (choice,): options for choice in actions[0].choices}
    else:
        found[words] = options
    return found


COMMANDS = commands(cli.build_parser())


def test_the_command_walk_finds_nested_commands():
    assert {("users", "add"), ("charter", "verify"), ("metrics",)} <= set(COMMANDS)
    assert "--password-stdin" in COMMANDS[("users", "add")]


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_every_command_and_its_options_are_in_the_readme(words):
    # A command is shown as it is typed: `python -m alignment [--db PATH] charter verify …`.
    assert re.search(r"python -m alignment (--db \S+ )?" + " ".join(words) + r"\b", README), \
        f"show `python -m alignment {' '.join(words)}` in README.md"
    missing = [option for option in COMMANDS[words] if option not in README]
    assert missing == [], f"document {missing} of `{' '.join(words)}` in README.md"


@pytest.mark.parametrize("path", sorted((ROOT / "metrics").glob("*.sql")), ids=lambda p: p.stem)
def test_every_metric_file_writes_every_header_field(path):
    written = re.findall(r"^-- (\w+):", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert written == list(catalog.HEADER_FIELDS), f"{path.name}: write every header field, in this order"


SQL_TEXT = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|CREATE (OR REPLACE )?(TEMP )?(TABLE|VIEW|MACRO)|"
                      r"DROP (TABLE|VIEW)|ALTER TABLE|ATTACH|UNION ALL|LEFT JOIN|GROUP BY|ORDER BY)\b")
SQL_WRITERS = {
    "alignment/sqlfiles.py": "composes the little SQL around the headed files, with the one quoting helper",
    "alignment/ingest/staging.py": "compiles the canonical contracts into the import's parsing and checks",
    "alignment/explore.py": "a dimension's grouping expression and its values, each a column of a canonical table",
}
"""The modules that may hold SQL text, and why; every other rule is a headed file in metrics/ or sql/. Statements that
set up a connection (SET, PRAGMA, BEGIN) are not rules and may be written where the connection is opened."""


def sql_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a Python file that are SQL text (docstrings and comments aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and SQL_TEXT.search(node.value)]


@pytest.mark.parametrize("path", sorted(p for folder in ("alignment", "ui", "pages") for p in (ROOT / folder).rglob("*.py")
                                        if str(p.relative_to(ROOT)) not in SQL_WRITERS) + [ROOT / "app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_text_lives_in_headed_files_not_in_python(path):
    assert sql_strings(path) == []


def test_the_sql_scan_sees_sql_in_any_string(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Docstring: SELECT what it says."""\nQ = "SELECT 1"\n\n\ndef f():\n'
                      '    return con.execute("CREATE OR REPLACE TEMP TABLE t AS " + x)\n', encoding="utf-8")
    assert [line for line, _ in sql_strings(module)] == [2, 6]
