"""Fuzzed CSV extracts through the importer: it loads them or refuses them with messages, and never fails otherwise."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alignment.demo_generator import HEADERS
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected

OBJECT_FILES = sorted(HEADERS) + ["campaign_spend.csv", "notes.csv"]

# Cells that look like what CRM exports hold, and what they hold when something went wrong.
CELLS = st.one_of(
    st.just(""),
    st.sampled_from(["true", "false", "Yes", "N", "maybe", "NaN", "inf", "-0", "1e400", "$1,117.10K", "12,5",
                     "€ 2.5M", "2024-02-30", "31/12/2024", "12/31/2024 11:59 PM", "1700000000000", "99999-01-01",
                     "2024-01-15T10:00:00.000+0000", "null", "NA", "=SUM(A1:A9)", "<b>x</b>", "'; DROP TABLE x; --"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
)


@st.composite
def extracts(draw) -> tuple[str, bytes]:
    """(file name, bytes): a header mostly of the object's real columns, a few rows, written in a random dialect."""
    name = draw(st.sampled_from(OBJECT_FILES))
    known = list(HEADERS.get(name, ("campaign_id", "period_start", "amount")))
    header = draw(st.lists(st.one_of(st.sampled_from(known), st.text(max_size=12)), min_size=1, max_size=10))
    if draw(st.booleans()):
        header = known[: draw(st.integers(1, len(known)))]  # often a well-formed header, to reach the checks
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
               quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    content = buffer.getvalue().encode(encoding, errors="replace")
    damage = draw(st.sampled_from(["none", "truncate", "insert"]))
    if damage == "truncate" and content:
        content = content[: draw(st.integers(0, len(content)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=8)) + content[at:]
    return name, content


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(extracts())
@example(("Account.csv", b"\xef\xbb\xbf\xc2"))  # found by this test: a BOM, then half a character
@example(("Lead.csv", b"Id,Name\n" + b"L1,Ann\n" * 40_000 + "L2,Bj\xf6rn\n".encode("latin-1")))  # Latin-1, late
def test_the_importer_only_loads_or_refuses_fuzzed_csvs(extract):
    name, content = extract
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "extract"
        folder.mkdir()
        (folder / name).write_bytes(content)
        db_path = Path(tmp) / "data" / "warehouse.duckdb"
        try:
            import_extracts([folder], db_path=db_path, user="test", validate_only=True, roots=[folder])
        except ImportRejected as rejected:
            assert rejected.errors, "a refusal names at least one problem"
            for problem in rejected.errors:
                assert problem.rule.strip() and problem.message().startswith(problem.file)
        assert not db_path.exists()  # validation never writes the warehouse
        assert sorted(p.name for p in db_path.parent.iterdir()) in ([], ["warehouse.history.sqlite"])
