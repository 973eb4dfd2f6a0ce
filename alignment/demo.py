"""The embedded demo company: generated Salesforce extracts, imported through the same path a user's files take."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from alignment import warehouse
from alignment.ingest.adapters import Progress
from alignment.ingest.load import ImportReport, import_extracts

DEMO_USER = "demo"
DEMO_LABEL = "Demo company — generated data, not yours"


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
               progress: Progress | None = None) -> ImportReport:
    """Generate the demo company and import it into `db_path` (atomically, like any import)."""
    db_path = Path(db_path or warehouse.default_db())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".demo-", dir=db_path.parent) as folder:
        write_extracts(Path(folder), scale=scale, seed=seed, end_quarter=end_quarter,
                       progress=_within(progress, 0.0, 0.45))
        return import_extracts([Path(folder)], db_path=db_path, format="salesforce", user=DEMO_USER,
                               progress=_within(progress, 0.45, 1.0), roots=[Path(folder)])


def is_demo(info: warehouse.DatasetInfo) -> bool:
    """Whether the loaded data is the demo company."""
    return info.imported_by == DEMO_USER
