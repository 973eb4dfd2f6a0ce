"""The warehouse every page reads: one cached read-only reader per version of the file, shared by all sessions."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from alignment import currency, lake, schema, signoff, warehouse
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, last_full_quarter, quarters_between
from alignment.presentation import formats
from ui import cached


@dataclass(frozen=True)
class Snapshot:
    """What the shell shows about the loaded data: its source, freshness, size and filter values."""

    path: Path
    info: warehouse.DatasetInfo
    counts: dict[str, int]
    regions: list[str]
    segments: list[str]
    quarters: list[str] = field(default_factory=list)  # newest first
    default_quarter: str = ""
    currency: currency.CurrencySettings = field(default_factory=currency.CurrencySettings)
    calendar: FiscalCalendar = CALENDAR_YEAR  # the warehouse's: every quarter on screen is one of its quarters

    @property
    def is_demo(self) -> bool:
        return self.info.is_demo

    @property
    def as_of(self) -> dt.datetime | None:
        """The data's latest record: what "data as of" means everywhere."""
        return self.info.latest_record_at


def warehouse_path() -> Path:
    return warehouse.default_db()


def ledger() -> signoff.Ledger:
    """The sign-off ledger kept beside the warehouse (imports replace the warehouse, never the ledger)."""
    return signoff.Ledger.beside(warehouse_path())


# Keyed on the file's identity: an import swaps a new file in, the identity changes, the next run opens the new
# file, and every session sees the new data without anyone clearing a cache. Old readers are simply dropped.
@st.cache_resource(show_spinner=False, max_entries=4)
def _open(path: str, identity: tuple) -> warehouse.Reader:
    return warehouse.open_reader(Path(path))


def reader() -> warehouse.Reader:
    """The shared reader of the warehouse as it is now; take `reader().cursor()` per query, never share a cursor."""
    path = warehouse_path()
    identity = warehouse.version(path)  # the lake's current snapshot when the dashboard reads a lake
    if identity is None:
        raise FileNotFoundError(f"no warehouse at {path}")
    return _open(str(path), identity)


@cached.data(max_entries=8)
def _snapshot(con: warehouse.Reader) -> Snapshot:
    info = warehouse.dataset_info(con)
    calendar = warehouse.calendar(con)
    first, last = warehouse.data_span(con)
    newest = _plausible(info.latest_record_at or last)
    quarters = [str(q) for q in quarters_between(first, newest, calendar=calendar)]
    return Snapshot(
        path=con.path, info=info, counts=warehouse.table_counts(con),
        regions=warehouse.distinct_values(con, "region"), segments=warehouse.distinct_values(con, "segment"),
        quarters=quarters, default_quarter=_latest_full_quarter(newest, quarters, calendar), calendar=calendar,
        currency=currency.settings(con),
    )


def _plausible(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment`, or the last plausible moment of a record as of today when it is later: a warehouse loaded before
    today's import rules may hold a record dated 9999-12-31, and no quarter after the window is offered."""
    if moment is None:
        return None
    _, last_day = schema.date_window("TIMESTAMP", dt.date.today())
    return min(moment, dt.datetime.combine(last_day, dt.time()))


def _latest_full_quarter(as_of: dt.datetime | None, quarters: list[str],
                         calendar: FiscalCalendar = CALENDAR_YEAR) -> str:
    """The newest quarter the data covers to its end; a record on a quarter's last (local) day counts as covering
    it."""
    if as_of is None:
        return quarters[0] if quarters else str(last_full_quarter(dt.date.today(), calendar))
    full = str(last_full_quarter(calendar.local_day(as_of) + dt.timedelta(days=1), calendar))
    return full if full in quarters or not quarters else quarters[0]


def snapshot() -> Snapshot:
    """Source, freshness, counts and filter values of the warehouse as it is now (cached per file version); amounts
    are shown in its corporate currency from here on in this run."""
    found = _snapshot(reader())
    formats.set_currency(found.currency.corporate)
    return found


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    """One demo build at a time, across every session of this server."""
    return threading.Lock()


def ensure_warehouse() -> None:
    """On a fresh install, build the demo company, showing its progress; other sessions wait for that build."""
    path = warehouse_path()
    if lake.configured():  # the lake is written elsewhere (export-lake, an import on Spark): never a demo here
        warehouse.version(path)  # no lake yet: say so, naming it
        return
    if warehouse.identity(path) is not None:
        _upgrade(path)
        return
    lock = _build_lock()
    if not lock.acquire(blocking=False):
        with st.spinner("The demo company is being set up in another window; this page opens when it is ready."):
            with lock:
                pass
        return
    try:
        if warehouse.identity(path) is not None:
            return
        _build_demo(path)
    finally:
        lock.release()


@st.cache_resource(show_spinner=False)
def _checked() -> set:
    """The (path, identity) pairs already found at the current format: each file is opened to check it once."""
    return set()


def _upgrade(path: Path) -> None:
    """A warehouse written by an earlier version gets its derived tables rebuilt once, under the build lock."""
    seen = (str(path), warehouse.identity(path))
    if seen in _checked():
        return
    with _build_lock():
        reader = warehouse.Reader(path)
        try:
            current = warehouse.format_version(reader) >= warehouse.FORMAT_VERSION
        finally:
            reader.close()
        if not current:
            with st.spinner("Updating the loaded data to this version of the dashboard (your data is unchanged)…"):
                warehouse.upgrade(path)
        else:
            _checked().add(seen)


def _build_demo(path: Path) -> None:
    from alignment import demo

    st.title("Setting up the demo company")
    st.write("No data has been loaded yet, so the dashboard starts with a generated demo company: a realistic "
             "B2B business with several years of campaigns, leads and deals. Load your own extracts on the "
             "Data page whenever you are ready.")
    with st.status("Building the demo company…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            report = demo.build_demo(path, progress=progress)
        except Exception as error:  # the app cannot open without data: say why and stop here
            status.update(label="The demo company could not be built", state="error", expanded=True)
            st.error(f"Building the demo company failed: {error}. Import your own extracts with "
                     "`python -m alignment import …`, or check that the data folder is writable.")
            st.stop()
        status.update(label=f"Demo company ready ({report.seconds:.0f} s)", state="complete", expanded=False)
    st.rerun()  # start over on the dashboard itself, now that there is data


@cached.data(max_entries=8)
def _quality(con: warehouse.Reader) -> list:
    from alignment import quality

    return quality.run_checks(con)


def quality_checks() -> list:
    """The data-quality audits of the warehouse as it is now, with how many records each finds (cached)."""
    return _quality(reader())


@cached.data(max_entries=64)
def _quality_rows(con: warehouse.Reader, name: str):
    from alignment import quality

    return quality.check_rows(con, name)


def quality_rows(name: str):
    """The records one data-quality audit finds (at most a thousand)."""
    return _quality_rows(reader(), name)
