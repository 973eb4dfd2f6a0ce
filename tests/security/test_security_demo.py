"""The demo company is a fact of the data: no name, account or copied flag turns real data into it."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from alignment import cli, demo, signoff, users, warehouse
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.users import NotAllowed, User

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DEMO_CMO = User(name="demo-cmo", role="cmo", is_demo=True)


def _info(db_path: Path) -> warehouse.DatasetInfo:
    reader = warehouse.open_reader(db_path)
    try:
        return warehouse.dataset_info(reader)
    finally:
        reader.close()


@pytest.fixture
def hijacked(tmp_path, salesforce_extract) -> Path:
    """Real data imported by someone whose name is "demo" (a dashboard account, an OS account, a CLI user)."""
    db_path = tmp_path / "real-data" / "warehouse.duckdb"
    db_path.parent.mkdir()
    import_extracts([salesforce_extract("real").folder], db_path=db_path, user=demo.DEMO_USER)
    return db_path


def test_data_imported_by_a_user_named_demo_is_not_the_demo_company(hijacked):
    info = _info(hijacked)
    assert info.imported_by == "demo"  # who imported is recorded …
    assert not info.is_demo  # … but only the demo builder's mark makes the demo company


def test_the_command_line_import_never_marks_data_as_the_demo(tmp_path, salesforce_extract, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "demo")  # an operating-system account called demo
    db_path = tmp_path / "warehouse.duckdb"
    assert cli.main(["--db", str(db_path), "import", str(salesforce_extract().folder), "--quiet"]) == 0
    assert _info(db_path).imported_by == "demo" and not _info(db_path).is_demo


def test_a_mark_copied_from_the_demo_warehouse_does_not_mark_other_data(tmp_path, salesforce_extract, hijacked):
    genuine = tmp_path / "demo" / "warehouse.duckdb"
    genuine.parent.mkdir()
    demo.import_as_demo([salesforce_extract("demo-extract").folder], genuine)
    assert _info(genuine).is_demo
    # Someone with the files copies the demo warehouse's whole metadata row into the real warehouse.
    mark = _info(genuine).demo_mark
    con = duckdb.connect(str(hijacked))
    con.execute("UPDATE _import SET demo_mark = $mark, imported_by = 'demo'", {"mark": mark})
    con.execute("UPDATE opportunities SET amount = 1")  # real numbers differ from the demo's
    con.execute("UPDATE _import SET data_fingerprint = data_fingerprint || '0'")
    con.close()
    assert not _info(hijacked).is_demo


def test_any_import_clears_the_demo_mark(tmp_path, salesforce_extract):
    db_path = tmp_path / "warehouse.duckdb"
    demo.import_as_demo([salesforce_extract("a").folder], db_path)
    assert _info(db_path).is_demo
    import_extracts([salesforce_extract("b").folder], db_path=db_path, user="ana")
    assert not _info(db_path).is_demo


def test_demo_accounts_are_refused_in_the_core_on_real_data(hijacked):
    ledger = signoff.Ledger.beside(hijacked)
    demo_analyst = User(name="demo-analyst", role="analyst", is_demo=True)
    with pytest.raises(NotAllowed, match="demo accounts work only on the demo company"):
        ledger.save(demo_analyst, Charter(quarter="2024-Q1"), "A charter from a demo account")
    ledger.save(User(name="ana", role="analyst"), Charter(quarter="2024-Q1"), "The real analyst's charter")
    ledger.propose(User(name="ana", role="analyst"), "2024-Q1", "Please sign")
    reader = warehouse.open_reader(hijacked)
    try:
        with pytest.raises(NotAllowed, match="demo accounts work only on the demo company"):
            signoff.sign(ledger, DEMO_CMO, reader, "2024-Q1", comment="Signed with the public password",
                         acknowledged_checklist=True)
    finally:
        reader.close()
    with pytest.raises(NotAllowed, match="demo accounts work only on the demo company"):
        ledger.reopen(DEMO_CMO, "2024-Q1", "Reopened with the public password")
    assert [r.user for r in ledger.records("2024-Q1")] == ["ana", "ana"]


def test_the_hijack_end_to_end_through_the_pages(hijacked, monkeypatch):
    """Before: the sign-in screen offered the demo accounts on this real data, demo-cmo signed in and could sign."""
    monkeypatch.setenv(warehouse.DB_ENV, str(hijacked))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert "Demo accounts" not in "\n".join(str(e.value) for e in [*at.markdown, *at.caption])
    at.text_input(key="auth_name").input("demo-cmo")
    at.text_input(key="auth_password").input(users.DEMO_PASSWORD)
    at.button(key="auth_submit").click().run()
    assert [t.value for t in at.title] == ["Sign in"]  # the public password opens nothing
    # A session that held a demo account before the real data arrived is signed out on its next run.
    at.session_state["auth_user"] = DEMO_CMO
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_a_copied_demo_warehouse_stays_the_demo_only_under_the_key_that_marked_it(tmp_path, salesforce_extract,
                                                                                   monkeypatch):
    from alignment import keys

    db_path = tmp_path / "warehouse.duckdb"
    demo.import_as_demo([salesforce_extract().folder], db_path)
    copy = tmp_path / "elsewhere" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(db_path, copy)
    assert _info(copy).is_demo  # the same server: still its demo company
    monkeypatch.setenv(keys.SECRETS_ENV, str(tmp_path / "another-server" / "secrets.toml"))
    keys.master_key()  # another server's key
    assert not _info(copy).is_demo  # a mark made elsewhere opens nothing here


def test_a_demo_account_imports_only_over_the_demo_company(tmp_path, salesforce_extract, hijacked):
    demo_analyst = User(name="demo-analyst", role="analyst", is_demo=True)
    before = _info(hijacked)
    with pytest.raises(NotAllowed, match="demo accounts work only on the demo company"):
        import_extracts([salesforce_extract("over-real").folder], db_path=hijacked, user=demo_analyst)
    assert _info(hijacked) == before
    # On the demo company a first-time visitor may load their own data with the demo analyst; it is then no longer
    # the demo, and the demo accounts stop opening it.
    genuine = tmp_path / "demo-company" / "warehouse.duckdb"
    genuine.parent.mkdir()
    demo.import_as_demo([salesforce_extract("demo-data").folder], genuine)
    import_extracts([salesforce_extract("own-data").folder], db_path=genuine, user=demo_analyst)
    assert _info(genuine).imported_by == "demo-analyst" and not _info(genuine).is_demo


def test_the_demo_company_never_replaces_a_company_s_own_data(tmp_path, salesforce_extract):
    """A company's own import that lands while the first start builds the demo (which then waits for the import
    lock) used to be overwritten by the demo company; now the demo's import is refused and the data stays."""
    from alignment.ingest.load import ImportRejected, import_extracts
    from tests.conftest import fingerprint_warehouse

    db = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract("own").folder], db_path=db, user="test", roots=[tmp_path])
    before = fingerprint_warehouse(db)
    with pytest.raises(ImportRejected, match="never replaces"):
        demo.import_as_demo([salesforce_extract("demo-data").folder], db, roots=[tmp_path])
    assert fingerprint_warehouse(db) == before and not demo.holds_demo(db)
    demo.import_as_demo([salesforce_extract("demo-again").folder], tmp_path / "demo.duckdb", roots=[tmp_path])
    demo.import_as_demo([salesforce_extract("demo-rebuilt").folder], tmp_path / "demo.duckdb", roots=[tmp_path])
    assert demo.holds_demo(tmp_path / "demo.duckdb")  # the demo still replaces itself
