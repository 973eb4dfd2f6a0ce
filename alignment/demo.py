"""The embedded demo company: generated Salesforce extracts, imported through the same path a user's files take."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import tempfile
from pathlib import Path

from alignment import keys, warehouse
from alignment.ingest.adapters import Progress
from alignment.ingest.load import ImportReport, import_extracts
from alignment.periods import FiscalCalendar

DEMO_USER = "demo"
"""Who the demo company's import is recorded as; a name only: what makes data the demo is its mark (`mark`)."""


def _within(progress: Progress | None, low: float, high: float) -> Progress | None:
    """A progress callback reporting into the [low, high] share of the whole job."""
    if progress is None:
        return None
    return lambda fraction, message: progress(low + (high - low) * fraction, message)


def write_extracts(out_dir: Path, *, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
                   progress: Progress | None = None) -> dict[str, int]:
    """Write the demo company's Salesforce-format extracts into `out_dir`."""
    from alignment.demo_generator import default_end_quarter, write_demo_extracts

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_demo_extracts(out_dir, scale=scale, seed=seed,
                               end_quarter=end_quarter or default_end_quarter(dt.datetime.now(dt.UTC).date()), progress=progress)


def build_demo(db_path: Path | None = None, *, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
               progress: Progress | None = None, calendar: FiscalCalendar | None = None) -> ImportReport:
    """Generate the demo company and import it into `db_path` (atomically, like any import), on `calendar` (else
    the calendar of the warehouse it replaces: the calendar year for a new one)."""
    db_path = Path(db_path or warehouse.default_db())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".demo-", dir=db_path.parent) as folder:
        write_extracts(Path(folder), scale=scale, seed=seed, end_quarter=end_quarter,
                       progress=_within(progress, 0.0, 0.45))
        return import_as_demo([Path(folder)], db_path, progress=_within(progress, 0.45, 1.0), roots=[Path(folder)],
                              calendar=calendar)


def import_as_demo(paths: list[Path], db_path: Path, progress: Progress | None = None,
                   roots: list[Path] | None = None, calendar: FiscalCalendar | None = None) -> ImportReport:
    """Import extracts as the demo company: the one import that marks its warehouse as the demo (its accounts then
    open it). Nothing else marks data so: not a user called "demo", not the command line's import."""
    return import_extracts(paths, db_path=db_path, format="salesforce", user=DEMO_USER, progress=progress,
                           demo_marker=mark, roots=roots, calendar=calendar)


def mark(data_fingerprint: str) -> str:
    """The demo mark of the data with this fingerprint: HMAC-SHA256 under the server key, so that copying a name,
    a flag or a mark from another warehouse marks nothing."""
    return hmac.new(keys.derived_key("demo"), data_fingerprint.encode("utf-8"), hashlib.sha256).hexdigest()


def is_marked(info: warehouse.DatasetInfo) -> bool:
    """Whether the warehouse carries the demo builder's mark for its own data."""
    if not info.demo_mark:
        return False
    try:
        expected = hmac.new(keys.derived_key("demo", create=False), info.data_fingerprint.encode("utf-8"),
                            hashlib.sha256).hexdigest()
    except keys.KeyUnavailable:
        return False  # no server key: nothing was ever marked with it
    return hmac.compare_digest(info.demo_mark, expected)


def holds_demo(db_path: Path | None) -> bool:
    """Whether the warehouse file holds the demo company (demo accounts act on nothing else); False when absent."""
    if db_path is None or warehouse.identity(Path(db_path)) is None:
        return False
    reader = warehouse.Reader(Path(db_path))
    try:
        return warehouse.dataset_info(reader).is_demo
    finally:
        reader.close()
