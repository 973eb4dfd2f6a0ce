"""The warehouse every page reads: one cached read-only reader per version of the file, shared by all sessions."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from alignment import currency, lake, schema, signoff, warehouse
from alignment.demo import BackgroundBuild
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, default_quarter, last_full_quarter, quarters_between
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
        quarters=quarters, default_quarter=_opening_quarter(newest, quarters, calendar), calendar=calendar,
        currency=currency.settings(con),
    )


def _plausible(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment`, or the last plausible moment of a record as of today when it is later: a warehouse loaded before
    today's import rules may hold a record dated 9999-12-31, and no quarter after the window is offered."""
    if moment is None:
        return None
    _, last_day = schema.date_window("TIMESTAMP", dt.date.today())
    return min(moment, dt.datetime.combine(last_day, dt.time()))


def _opening_quarter(as_of: dt.datetime | None, quarters: list[str],
                     calendar: FiscalCalendar = CALENDAR_YEAR) -> str:
    """The quarter every page opens on (periods.default_quarter): the running quarter when the data has one, else
    the newest quarter it covers to its end."""
    if as_of is None:
        return quarters[0] if quarters else str(last_full_quarter(dt.date.today(), calendar))
    chosen = str(default_quarter(calendar.local_day(as_of), calendar))
    return chosen if chosen in quarters or not quarters else quarters[0]


def snapshot() -> Snapshot:
    """Source, freshness, counts and filter values of the warehouse as it is now (cached per file version); amounts
    are shown in its corporate currency from here on in this run."""
    found = _snapshot(reader())
    formats.set_currency(found.currency.corporate)
    return found


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    """One upgrade of a warehouse at a time, across every session of this server."""
    return threading.Lock()


@st.cache_resource(show_spinner=False)
def _demo_build(path: str) -> BackgroundBuild:
    """The one background build of the demo company into `path` for every session of this server."""
    return BackgroundBuild(Path(path))


def demo_build() -> BackgroundBuild | None:
    """On a fresh install, the demo company's background build (started now unless it runs or failed); None once a
    warehouse exists."""
    path = warehouse_path()
    if lake.configured() or warehouse.identity(path) is not None:
        return None
    build = _demo_build(str(path))
    build.start()
    return build


def ensure_warehouse(*, wait: bool = True) -> None:
    """Bring an older warehouse to this version; on a fresh install start the demo company's build and, with `wait`,
    show its progress instead of the page until it is ready."""
    path = warehouse_path()
    if lake.configured():  # the lake is written elsewhere (export-lake, an import on Spark): never a demo here
        warehouse.version(path)  # no lake yet: say so, naming it
        return
    if warehouse.identity(path) is not None:
        _upgrade(path)
        return
    build = demo_build()
    if build is None:  # it was built between the two looks
        return
    if wait:
        st.title("Setting up the demo company", anchor=False)
        st.write(DEMO_EXPLAINED)
        demo_progress(build)
        st.stop()


DEMO_EXPLAINED = ("No data has been loaded yet, so the dashboard starts with a generated demo company: a realistic "
                  "B2B business with several years of campaigns, leads and deals. Load your own extracts on the Data "
                  "page whenever you are ready.")


@st.fragment(run_every=1.0)
def demo_progress(build: BackgroundBuild) -> None:
    """The build's progress bar, redrawn every second; the whole page runs again once the demo company is ready, and
    a failed build says why and offers to try again."""
    state = build.state
    if state.error:
        st.error(f"Building the demo company failed: {state.error}. Check that the data folder is writable and try "
                 "again, or import your own extracts with `python -m alignment import …`.")
        st.button("Try again", key="demo_build_retry", on_click=build.retry, icon=":material/refresh:")
        return
    if not state.running and warehouse.identity(build.db_path) is not None:
        st.rerun()
    st.progress(state.fraction, text=f"Building the demo company… {state.message}")


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
