"""The embedded demo company: generated Salesforce extracts, imported through the same path a user's files take."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import logging
import math
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from alignment import keys, warehouse
from alignment.ingest.adapters import Progress
from alignment.ingest.load import ImportReport, import_extracts
from alignment.periods import CALENDAR_YEAR, FiscalCalendar

DEMO_CALENDAR = FiscalCalendar(start_month=2, year_named_by="end")
"""The demo company's books: a fiscal year from February, named by the calendar year it ends in (FY2027 is
February 2026 to January 2027), as many software companies keep them."""
DEMO_CURRENCIES = ("USD", "EUR", "GBP")
"""The demo company reports in dollars; its EMEA deals and campaigns are booked in euros and pounds."""
REFERENCE_COMPANY: dict = {"calendar": CALENDAR_YEAR, "currencies": ("USD",), "running": False,
                            "signed_plans": False}
"""The calendar-quarter, dollars-only demo company whose data ends with its last full quarter (`demo --calendar
calendar --currencies USD --no-running-quarter --no-signed-plans`): the one the reference numbers were taken on, which tests and benches
comparing with earlier figures build."""

log = logging.getLogger(__name__)

DEMO_USER = "demo"
"""Who the demo company's import is recorded as; a name only: what makes data the demo is its mark (`mark`)."""


def _within(progress: Progress | None, low: float, high: float) -> Progress | None:
    """A progress callback reporting into the [low, high] share of the whole job."""
    if progress is None:
        return None
    return lambda fraction, message: progress(low + (high - low) * fraction, message)


def write_extracts(out_dir: Path, *, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
                   progress: Progress | None = None, currencies: tuple[str, ...] = DEMO_CURRENCIES,
                   running: bool = False, as_of: dt.date | None = None) -> dict[str, int]:
    """Write the demo company's Salesforce-format extracts into `out_dir`; with `currencies` beyond the first (the
    corporate one), its EMEA accounts and campaigns book in the others (book_in_currencies). `running` runs the
    data into the quarter after `end_quarter` up to `as_of` (default: today when it lies in that quarter, else its
    40th day: demo_generator.running_as_of), so the dashboard opens on a running quarter."""
    from alignment.demo_generator import default_end_quarter, running_as_of, write_demo_extracts

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.UTC).date()
    end_quarter = end_quarter or default_end_quarter(today)
    if running and as_of is None:
        as_of = running_as_of(end_quarter, today)
    written = write_demo_extracts(out_dir, scale=scale, seed=seed, end_quarter=end_quarter, progress=progress,
                                  as_of=as_of if running else None)
    if len(currencies) > 1:
        written.update(book_in_currencies(out_dir, currencies))
    return written


# Units of each currency per US dollar the demo's rates move around (a few percent a year), in the range of recent
# years; a corporate currency other than the dollar divides them by its own.
DEMO_RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CHF": 0.89, "CAD": 1.36, "AUD": 1.52, "JPY": 150.0, "SEK": 10.6}
DEMO_RATE_FIRST_MONTH = dt.date(2000, 1, 1)
"""The first month the demo's dated rates cover; they run to the end of next year (a rate dated further ahead is not
plausible, and the import refuses it)."""


def demo_rate(currency: str, corporate: str, month: dt.date) -> float:
    """A currency's rate per 1 corporate unit in the demo, for the month starting `month`: its base rate moved by a
    slow wave, so a rate changes inside a quarter and a deal's close rate differs from its creation rate."""
    if currency == corporate:
        return 1.0
    index = (month.year - 2000) * 12 + month.month - 1
    wave = 1 + 0.04 * math.sin(index / 5 + len(currency) + ord(currency[0]))
    return round(DEMO_RATES[currency] / DEMO_RATES[corporate] * wave, 6)


def book_in_currencies(out_dir: Path, currencies: tuple[str, ...]) -> dict[str, int]:
    """Rewrite the demo's extracts as a company selling in `currencies` (the first is the corporate one): each EMEA
    account's deals and each EMEA campaign's costs in one of the others (by a hash of its id), their amounts turned
    into that currency at the rate of the day they are dated by (a deal's creation, a campaign's start, a spend row's
    period), and the rates as Salesforce exports them (DatedConversionRate.csv, CurrencyType.csv)."""
    corporate, others = currencies[0], tuple(c for c in currencies[1:] if c != currencies[0])
    unknown = sorted(set(currencies) - set(DEMO_RATES))
    if unknown:
        raise ValueError(f"the demo company has no rates for {unknown}; choose from {', '.join(DEMO_RATES)}")

    def chosen(record_id: str, region: str) -> str:
        if region != "EMEA" or not others:
            return corporate
        return others[int(hashlib.sha256(record_id.encode()).hexdigest(), 16) % len(others)]

    def local(amount: str, code: str, day: str) -> str:
        if not amount or code == corporate:
            return amount
        on = dt.date.fromisoformat(day[:10]).replace(day=1)
        return f"{float(amount) * demo_rate(code, corporate, on):.2f}"

    regions = {row["Id"]: row["Region__c"] for row in _read_rows(out_dir / "Account.csv")}
    deals, deal_rows = {}, _read_rows(out_dir / "Opportunity.csv")
    for row in deal_rows:
        code = chosen(row["AccountId"], regions.get(row["AccountId"], ""))
        deals[row["Id"]] = (code, row["CreatedDate"])
        row["Amount"] = local(row["Amount"], code, row["CreatedDate"])
        row["CurrencyIsoCode"] = code
    _write_rows(out_dir / "Opportunity.csv", deal_rows)
    history = _read_rows(out_dir / "OpportunityHistory.csv")
    for row in history:
        code, created = deals.get(row["OpportunityId"], (corporate, row["CreatedDate"]))
        row["Amount"] = local(row["Amount"], code, created)
    _write_rows(out_dir / "OpportunityHistory.csv", history)
    campaigns, campaign_rows = {}, _read_rows(out_dir / "Campaign.csv")
    for row in campaign_rows:
        code = chosen(row["Id"], row.get("Region__c", ""))
        campaigns[row["Id"]] = code
        day = row["StartDate"] or row["EndDate"]
        if day:
            row["BudgetedCost"] = local(row["BudgetedCost"], code, day)
            row["ActualCost"] = local(row["ActualCost"], code, day)
        row["CurrencyIsoCode"] = code if day else corporate
    _write_rows(out_dir / "Campaign.csv", campaign_rows)
    if (out_dir / "campaign_spend.csv").exists():
        spend = _read_rows(out_dir / "campaign_spend.csv")
        for row in spend:
            code = campaigns.get(row["campaign_id"], corporate)
            row["amount"] = local(row["amount"], code, row["period_start"])
            row["currency"] = code
        _write_rows(out_dir / "campaign_spend.csv", spend)
    months, month, last = [], DEMO_RATE_FIRST_MONTH, dt.date(dt.date.today().year + 1, 12, 1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    rates = [{"IsoCode": code, "StartDate": start.isoformat(), "NextStartDate": end.isoformat(),
              "ConversionRate": f"{demo_rate(code, corporate, start):g}"}
             for code in others for start, end in zip(months, [*months[1:], dt.date(9999, 12, 31)])]
    _write_rows(out_dir / "DatedConversionRate.csv", rates)
    types = [{"IsoCode": code, "ConversionRate": f"{demo_rate(code, corporate, months[-1]):g}",
              "IsCorporate": str(code == corporate).lower(), "IsActive": "true"} for code in (corporate, *others)]
    _write_rows(out_dir / "CurrencyType.csv", types)
    return {"DatedConversionRate.csv": len(rates), "CurrencyType.csv": len(types)}


def _read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_demo(db_path: Path | None = None, *, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
               progress: Progress | None = None, calendar: FiscalCalendar | None = None,
               currencies: tuple[str, ...] = DEMO_CURRENCIES, running: bool = True,
               as_of: dt.date | None = None, signed_plans: bool = False) -> ImportReport:
    """Generate the demo company and import it into `db_path` (atomically, like any import), on `calendar` (else
    the calendar of the warehouse it replaces; the demo's own, DEMO_CALENDAR, for a new one); `currencies`,
    `running` and `as_of` as in write_extracts (REFERENCE_COMPANY gives the calendar-quarter, dollars-only company
    whose data ends with a full quarter); with `signed_plans`, the demo's CMO and VP of Sales then sign a plan for
    its last full quarter and the one after (sign_demo_plans), as the first start and the `demo` command do."""
    db_path = Path(db_path or warehouse.default_db())
    if calendar is None and warehouse.identity(db_path) is None:
        calendar = DEMO_CALENDAR
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".demo-", dir=db_path.parent) as folder:
        write_extracts(Path(folder), scale=scale, seed=seed, end_quarter=end_quarter,
                       progress=_within(progress, 0.0, 0.40 if signed_plans else 0.45), currencies=currencies,
                       running=running, as_of=as_of)
        report = import_as_demo([Path(folder)], db_path, progress=_within(progress, 0.40 if signed_plans else 0.45,
                                                                            0.9 if signed_plans else 1.0),
                                roots=[Path(folder)], calendar=calendar)
    if signed_plans:
        if progress:
            progress(0.9, "Signing the demo's plans")
        sign_demo_plans(db_path)
        if progress:
            progress(1.0, "Signed the demo's plans")
    return report


PLAN_GROWTH = 1.15
"""The demo's plans aim 15 % above the bookings of the same quarter a year before, for the company and each region."""


def sign_demo_plans(db_path: Path, growth: float = PLAN_GROWTH) -> list[str]:
    """For the demo company: a plan for its last full quarter and the quarter after it, applied to each charter's
    targets, proposed by the demo's analyst and signed by its CMO and VP of Sales (the ledger takes demo accounts only
    on the demo company). A quarter whose ledger already holds anything is left as it is. The quarters signed."""
    # Imported here: the sign-off ledger imports this module to recognise the demo company.
    from alignment import signoff, waterfall
    from alignment.catalog import Filters, value
    from alignment.charter import with_plan
    from alignment.periods import Quarter, using_calendar
    from alignment.plan import as_of_day
    from alignment.users import DEMO_ACCOUNTS, User

    demo_user = {role: User(name=name, role=role, is_demo=True) for name, role in DEMO_ACCOUNTS.items()}
    ledger = signoff.Ledger.beside(db_path)
    reader = warehouse.open_reader(db_path)
    signed = []
    try:
        with using_calendar(warehouse.calendar(reader)):
            as_of = as_of_day(reader)
            if as_of is None:
                return []
            last_full = Quarter.of(as_of)
            if as_of < last_full.last_day:
                last_full = last_full.shift(-1)
            regions = warehouse.distinct_values(reader, "region")
            for quarter in (last_full, last_full.shift(1)):
                if ledger.records(quarter):
                    continue

                def target(region: str | None = None) -> float | None:
                    before = value(reader, "bookings", Filters(quarter=quarter.shift(-4), region=region))
                    return round(before * growth, -4) if before else None

                scoped = {region: target(region) for region in regions}
                plan = waterfall.Plan(quarter=quarter, bookings_target=target(),
                                      region_targets={r: t for r, t in scoped.items() if t})
                charter = ledger.charter_in_force(quarter)
                planned = with_plan(charter, waterfall.work_out(reader, plan, charter.definitions, as_of=as_of))
                ledger.save(demo_user["analyst"], planned, f"The {quarter} plan: bookings {growth - 1:.0%} above "
                            "the same quarter last year, worked back through the funnel")
                ledger.propose(demo_user["analyst"], quarter, "The plan for the quarterly review")
                for role in ("cmo", "vp_sales"):
                    signoff.sign(ledger, demo_user[role], reader, quarter, acknowledged_checklist=True,
                                 comment="Agreed: marketing's stage targets and the sales number, one plan")
                signed.append(str(quarter))
    finally:
        reader.close()
    return signed


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


@dataclass(frozen=True)
class BuildState:
    """Where a background build of the demo company stands: its share done, what it is doing, and why it failed."""

    fraction: float = 0.0
    message: str = "Starting"
    running: bool = False
    error: str | None = None


def first_start_build(db_path: Path, progress: Progress | None = None) -> ImportReport:
    """The demo company a fresh install opens on: running into the quarter after its last full one, with the plans of
    both quarters signed by its CMO and VP of Sales, so pacing, coverage and the walk show at once."""
    return build_demo(db_path, progress=progress, signed_plans=True)


class BackgroundBuild:
    """The demo company built in a thread of its own, one build at a time: pages start it, read its progress while
    they show the sign-in screen, and retry it after a failure; it runs whatever `build` (build_demo) does."""

    def __init__(self, db_path: Path, build: Callable[..., object] | None = None) -> None:
        self.db_path = Path(db_path)
        self._build = build or first_start_build
        self._lock = threading.Lock()
        self._state = BuildState()

    @property
    def state(self) -> BuildState:
        return self._state

    def start(self) -> BuildState:
        """Start the build unless one is running or the last one failed (that one waits for `retry`)."""
        with self._lock:
            if not (self._state.running or self._state.error):
                self._state = BuildState(running=True)
                threading.Thread(target=self._run, name="demo-build", daemon=True).start()
            return self._state

    def retry(self) -> BuildState:
        """Start again after a failed build."""
        with self._lock:
            if self._state.error and not self._state.running:
                self._state = BuildState()
        return self.start()

    def _progress(self, fraction: float, message: str) -> None:
        self._state = BuildState(fraction=min(max(fraction, 0.0), 1.0), message=message, running=True)

    def _run(self) -> None:
        try:
            self._build(self.db_path, progress=self._progress)
        except Exception as error:  # the pages show why and offer to try again
            log.exception("building the demo company failed")
            self._state = BuildState(fraction=self._state.fraction, message=self._state.message,
                                     error=str(error) or type(error).__name__)
        else:
            self._state = BuildState(fraction=1.0, message="Done")
