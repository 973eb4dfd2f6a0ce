"""The command line: demo, import and checks, for scheduling and automation (exit 0 ok, 2 bad input)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from alignment import warehouse
from alignment.ingest.problems import ImportRejected
from alignment.lake import LakeUnreadable

EXIT_OK, EXIT_BAD_INPUT = 0, 2
EXIT_TAMPERED = 1
"""`charter verify` found an edited, deleted or reordered record."""

# C0 controls but tab and newline, DEL, and C1 controls: what a terminal acts on (escape sequences that recolour,
# retitle or clear it, a carriage return that overwrites the line) instead of showing.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """`text` (names and values from data and files among it) without the characters a terminal would act on."""
    return _CONTROL.sub("", str(text))


def _print(*values: object, **options) -> None:
    """print(), for everything the command line writes: what came from data or files is shown, never run."""
    print(*(printable(value) for value in values), **options)


def _progress(fraction: float, message: str) -> None:
    # The carriage return is the progress line's own; the message may name files.
    print(f"\r[{fraction:>4.0%}] {printable(message):<60}", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)


def _report(report, quiet: bool = False) -> None:
    _print(f"Loaded {sum(report.tables.values()):,} rows into {report.db_path} in {report.seconds:.1f} s:")
    for table, rows in report.tables.items():
        _print(f"  {table:<28} {rows:>10,}")
    if report.assumptions and not quiet:
        _print("Assumed:")
        for line in report.assumptions:
            _print("  - " + line)
    if report.warnings:
        _print(f"Warnings ({len(report.warnings)}):")
        for problem in report.warnings:
            _print("  - " + problem.message())


def cmd_demo(args: argparse.Namespace) -> int:
    from alignment import demo

    if args.out:
        counts = demo.write_extracts(Path(args.out), scale=args.scale, seed=args.seed, end_quarter=args.end_quarter,
                                     progress=_progress, currencies=args.currencies or demo.DEMO_CURRENCIES,
                                     running=args.running, as_of=args.as_of)
        _print(f"Wrote {len(counts)} Salesforce-format files to {args.out}:")
        for name, rows in counts.items():
            _print(f"  {name:<32} {rows:>10,}")
        return EXIT_OK
    report = demo.build_demo(Path(args.db), scale=args.scale, seed=args.seed, end_quarter=args.end_quarter,
                             progress=_progress, calendar=DEMO_CALENDARS[args.calendar] if args.calendar else None,
                             currencies=args.currencies or demo.DEMO_CURRENCIES, running=args.running,
                             as_of=args.as_of, signed_plans=args.signed_plans)
    _report(report, quiet=True)
    return EXIT_OK


def _demo_calendars() -> dict:
    from alignment.periods import CALENDAR_YEAR, MONTHS, FiscalCalendar

    return {"calendar": CALENDAR_YEAR,
            **{MONTHS[month - 1][:3].lower(): FiscalCalendar(start_month=month, year_named_by="end")
               for month in (2, 4, 7, 10)}}


DEMO_CALENDARS = _demo_calendars()


def demo_currencies(text: str) -> tuple[str, ...]:
    """`demo --currencies USD,EUR,GBP`: the corporate currency first, then the ones EMEA books in."""
    from alignment import demo

    codes = tuple(dict.fromkeys(code.strip().upper() for code in text.split(",") if code.strip()))
    unknown = [code for code in codes if code not in demo.DEMO_RATES]
    if not codes or unknown:
        raise argparse.ArgumentTypeError(
            f"write currency codes the demo has rates for, separated by commas, the corporate one first (e.g. "
            f"USD,EUR,GBP); {', '.join(unknown) or 'none given'} is not one of {', '.join(demo.DEMO_RATES)}")
    return codes
"""`demo --calendar`: the calendar year, or a fiscal year starting in February, April, July or October named by the
calendar year it ends in."""


def cmd_import(args: argparse.Namespace) -> int:
    from alignment.ingest.load import import_extracts

    if args.engine == "spark" or args.lake:
        return _import_on_spark(args)
    report = import_extracts([Path(p) for p in args.paths], db_path=Path(args.db), format=args.format,
                             mapping=Path(args.mapping) if args.mapping else None,
                             progress=None if args.quiet else _progress, validate_only=args.validate_only,
                             roots=[Path(root) for root in args.import_root] if args.import_root else None,
                             date_format=args.date_format,
                             currency_settings=_currency_settings(args))
    if args.validate_only:
        _print("Valid: nothing was loaded (--validate-only).")
    _report(report)
    return EXIT_OK


def _import_on_spark(args: argparse.Namespace) -> int:
    """`import … --engine spark --lake DIR`: the extracts loaded into a new lake snapshot, computed on Spark."""
    from alignment.ingest import spark_import

    if args.engine != "spark" or not args.lake:
        _print("error: an import into a lake runs on Spark: give both --engine spark and --lake DIR",
               file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.validate_only:
        _print("error: --validate-only checks on DuckDB: leave out --engine spark and --lake", file=sys.stderr)
        return EXIT_BAD_INPUT
    from alignment.spark_engine import SparkUnavailable

    try:
        report = spark_import.import_to_lake(
            [Path(p) for p in args.paths], lake_dir=Path(args.lake), spark_url=args.spark, format=args.format,
            mapping=Path(args.mapping) if args.mapping else None, progress=None if args.quiet else _progress,
            roots=[Path(root) for root in args.import_root] if args.import_root else None,
            date_format=args.date_format, currency_settings=_currency_settings(args), ledger_beside=Path(args.db))
    except SparkUnavailable as error:
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _report(report)
    return EXIT_OK


def _currency_code(text: str) -> str:
    """A --corporate-currency value, checked as the settings check it (an argparse type: a mistake is a usage error)."""
    from pydantic import ValidationError

    from alignment import currency

    try:
        return currency.CurrencySettings(corporate=text).corporate
    except ValidationError as error:
        raise argparse.ArgumentTypeError(error.errors()[0]["msg"].removeprefix("Value error, ")) from None


def _currency_settings(args: argparse.Namespace):
    from alignment import currency

    chosen = {k: v for k, v in (("corporate", args.corporate_currency), ("conversion_date", args.conversion_date))
              if v}
    return currency.CurrencySettings(**chosen)


def cmd_quality(args: argparse.Namespace) -> int:
    from alignment import quality

    reader = warehouse.open_reader(Path(args.db))
    checks = quality.run_checks(reader)
    if args.format == "json":
        _print(json.dumps([c.__dict__ for c in checks], indent=2))
    else:
        for check in checks:
            _print(f"{check.count:>8,}  {check.severity:<8} {check.title}")
    return EXIT_OK


def _filters_from(args: argparse.Namespace):
    from alignment.catalog import Filters

    return Filters(quarter=args.quarter, region=args.region, segment=args.segment,
                   split=getattr(args, "split", "none"))


def _definitions_from(args: argparse.Namespace):
    """The definitions of the quarter's charter in force (the defaults until one is saved), for the filters asked."""
    from alignment.signoff import Ledger

    return Ledger.beside(Path(args.db)).charter_in_force(args.quarter).definitions_for(args.region, args.segment)


def _print_frame(frame, output_format: str) -> None:
    from alignment.board import csvs

    if output_format == "json":
        _print(frame.to_json(orient="records", date_format="iso", indent=2))
    else:
        _print(csvs.to_csv(frame), end="")


def _day(text: str) -> dt.date:
    """A YYYY-MM-DD option (an argparse type: a mistake is a usage error)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day; write it like 2026-11-09") from None


def cmd_walk(args: argparse.Namespace) -> int:
    from alignment import pipeline_walk

    walk = pipeline_walk.walk(warehouse.open_reader(Path(args.db)), args.quarter, region=args.region,
                              segment=args.segment)
    if walk.not_measured:
        _print(f"error: the pipeline walk of {args.quarter} is not measured: {walk.not_measured}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if walk.running:
        _print(f"note: {walk.quarter} is running; the walk ends on the data's as-of day, {walk.last_day}",
               file=sys.stderr)
    frame = pipeline_walk.slipped(walk) if args.slipped else pipeline_walk.table(walk)
    _print_frame(frame, args.format)
    return EXIT_OK


def _source(args: argparse.Namespace):
    """The warehouse as the catalog reads it: through DuckDB, or on Spark when ALIGNMENT_ENGINE=spark (the session
    from ALIGNMENT_SPARK, the tables the warehouse's)."""
    from alignment import spark_engine

    return spark_engine.source_for(warehouse.open_reader(Path(args.db)))


def cmd_metrics(args: argparse.Namespace) -> int:
    import pandas as pd

    from alignment import catalog

    rows = catalog.metrics_for_quarter(_source(args), _filters_from(args), _definitions_from(args))
    _print_frame(pd.DataFrame(rows, columns=["name", "title", "value", "unit", "not_measured"]), args.format)
    return EXIT_OK


def cmd_funnel(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from alignment import catalog

    try:
        filters = _filters_from(args)
    except ValidationError as error:
        for problem in error.errors():
            _print(f"error: --{problem['loc'][0]}: {problem['msg']}", file=sys.stderr)
        return EXIT_BAD_INPUT
    reader = _source(args)
    # What the data cannot give is said beside the (then empty) rows, never in them: the output stays one table.
    missing, unavailable = catalog.missing_inputs(reader), catalog.funnel_unavailable(reader, args.view)
    if unavailable:
        _print(f"note: {unavailable}", file=sys.stderr)
    elif args.view == "deals" and "stage_history" in missing:
        _print(f"note: velocity needs stage history: {missing['stage_history']}", file=sys.stderr)
    elif args.view == "period" and "people" in missing:
        _print("note: counted from the stage counts per period (only stage counts were loaded)", file=sys.stderr)
    frame = catalog.funnel(reader, filters, args.view, _definitions_from(args))
    _print_frame(frame, args.format)
    return EXIT_OK


def _charter_in_force(args: argparse.Namespace):
    from alignment.signoff import Ledger

    return Ledger.beside(Path(args.db)).charter_in_force(args.quarter)


def cmd_pace(args: argparse.Namespace) -> int:
    import pandas as pd

    from alignment import pacing

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
        paced = pacing.pace(warehouse.open_reader(Path(args.db)), _charter_in_force(args), as_of=as_of,
                            region=args.region, segment=args.segment)
    except ValueError as error:
        _print(f"error: {'--as-of: ' if args.as_of else ''}{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if paced.not_planned:
        _print(f"note: {paced.not_planned}", file=sys.stderr)
    if args.format == "json":
        _print(paced.model_dump_json(indent=2))
    else:
        _print_frame(pd.DataFrame(pacing.rows_table(paced), columns=[
            "metric", "title", "unit", "paced_as", "actual_to_date", "expected_to_date", "target", "status", "gap",
            "needed_per_week", "curve_share", "curve_from", "not_measured"]), "csv")
    return EXIT_OK


def cmd_forecast(args: argparse.Namespace) -> int:
    import pandas as pd

    from alignment import forecast

    try:
        result = forecast.forecast(warehouse.open_reader(Path(args.db)), _charter_in_force(args),
                                   region=args.region, segment=args.segment)
    except ValueError as error:
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        _print(result.model_dump_json(indent=2))
    else:
        _print_frame(pd.DataFrame(forecast.summary_table(result), columns=["figure", "value", "note"]), "csv")
    return EXIT_OK


def cmd_attribution(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from alignment import attribution

    try:
        options = attribution.AttributionOptions(
            model=args.model, basis=args.basis, quarter=args.quarter, lookback_days=args.lookback_days,
            half_life_days=args.half_life_days, linking=args.linking,
            primary_campaign_credit=args.primary_campaign_credit)
    except ValidationError as error:
        for problem in error.errors():
            _print(f"error: {'.'.join(map(str, problem['loc']))}: {problem['msg']}", file=sys.stderr)
        return EXIT_BAD_INPUT
    frame = attribution.attribute(_source(args), options)
    frame = frame[["opportunity_id", "campaign_id", "share", "credited_amount"]].copy()
    frame["campaign_id"] = frame["campaign_id"].astype(object).where(frame["campaign_id"].notna(), "")
    _print_frame(frame, args.format)
    return EXIT_OK


def _rate_overrides(texts: list[str]) -> dict[str, float]:
    """--rate stage=value, repeated: the rates set by hand (the plan model checks the stages and ranges)."""
    rates = {}
    for text in texts:
        stage, equals, value = text.partition("=")
        try:
            rates[stage.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--rate {text!r} is not stage=value; write e.g. --rate mqls=0.25 (a share) or "
                             "--rate won_deals=25000 (the average deal size)") from None
        if not equals:
            raise ValueError(f"--rate {text!r} is not stage=value; write e.g. --rate mqls=0.25")
    return rates


def cmd_plan(args: argparse.Namespace) -> int:
    import pandas as pd
    from pydantic import ValidationError

    from alignment import waterfall
    from alignment.signoff import Ledger

    signed = Ledger.beside(Path(args.db)).charter_in_force(args.quarter).plan
    try:
        rates = _rate_overrides(args.rate or [])
        if args.bookings_target is not None:
            scoped = {args.region: args.bookings_target} if args.region else {}
            by_segment = {args.segment: args.bookings_target} if args.segment else {}
            plan = waterfall.Plan(quarter=args.quarter, bookings_target=None if scoped or by_segment
                                  else args.bookings_target, region_targets=scoped, segment_targets=by_segment,
                                  window=args.window or waterfall.DEFAULT_WINDOW, overrides=rates)
        elif signed is not None:
            kept = ({"bookings_target": None, "segment_targets": {},
                     "region_targets": {args.region: signed.region_targets[args.region]}} if args.region in
                    signed.region_targets else {"bookings_target": None, "region_targets": {},
                                                "segment_targets": {args.segment: signed.segment_targets[args.segment]}}
                    if args.segment in signed.segment_targets else {})
            if (args.region or args.segment) and not kept:
                raise ValueError(f"the {args.quarter} plan has no bookings target for {args.region or args.segment}; "
                                 "give one with --bookings-target")
            plan = waterfall.Plan.model_validate({**signed.model_dump(mode="json"), **kept,
                                                  "window": args.window or signed.window,
                                                  "overrides": {**signed.overrides, **rates}})
        else:
            raise ValueError(f"the {args.quarter} charter has no plan; give the bookings target with "
                             "--bookings-target")
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(map(str, problem["loc"])) or "plan"
            _print(f"error: {where}: {problem['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as error:
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    reader = warehouse.open_reader(Path(args.db))
    try:
        result = waterfall.work_out(reader, plan, _definitions_from(args))
    finally:
        reader.close()
    _print(f"note: rates over {', '.join(result.window)} ({result.window_dates}); {result.cohorts}", file=sys.stderr)
    for stage in result.hand_set_needed():
        _print(f"note: {waterfall.RATE_NAMES[stage]} is not measured: set it with --rate {stage}=…", file=sys.stderr)
    _print_frame(pd.DataFrame(waterfall.export_rows(result)), args.format)
    return EXIT_OK


def _exact(value) -> str:
    """62,500.75 · 4 · 0.04518: a value as signed, not rounded to a display unit as pages and exports show it."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 10 else f"{value:.4g}"


def _print_charter_status(ledger, status, now, records) -> None:
    charter = status.charter
    saved = f"version {charter.version}" if charter.version else (
        f"not saved yet (carried forward from {charter.carried_from})" if charter.carried_from
        else "not saved yet (default definitions)")
    _print(f"Charter {status.quarter} · {saved} · {status.title}")
    if status.changed_since_signoff:
        _print(f"Changed since sign-off (compared with the {status.compared_with.role} signature of "
              f"{status.compared_with.signed_at}):")
        for change in status.changes:
            if change.kind == "metric":
                _print(f"  metric {change.name}: signed {_exact(change.signed)}, now {_exact(change.now)}")
            elif change.kind == "option":
                _print(f"  option {change.name}: signed {change.signed!r}, now {change.now!r}")
            else:
                _print(f"  data re-imported: fingerprint {str(change.signed)[:12]}… now {str(change.now)[:12]}…")
    _print("Metrics now (whole company) and targets:")
    for name, value in now.values.items():
        _print(f"  {name:<32} {_exact(value):>14}   target {_exact(charter.target(name))}")
    _print("Definitions:")
    for key, value in charter.definitions.model_dump(mode="json").items():
        _print(f"  {key:<28} {value}")
    for scope, targets in (("region", charter.region_targets), ("segment", charter.segment_targets)):
        for where, by_metric in targets.items():
            for name, target in by_metric.items():
                _print(f"  target for {scope} {where}: {name} {_exact(target)}")
    _print("Signatures that match the numbers now:" if status.signatures else "No signature matches the numbers now.")
    for role, signature in status.signatures.items():
        _print(f"  {role:<9} {signature.user} at {signature.signed_at}: {signature.comment!r} "
              f"sha256 {signature.signature}")
    _print("History:")
    for record in records:
        _print(f"  {record.position:>3} {record.recorded_at} {record.kind:<8} {record.user} ({record.role}): "
              f"{record.comment!r}")
    _print(f"Head hash (keep it elsewhere to prove nothing is cut off later): {ledger.head(status.quarter)}")


def cmd_charter(args: argparse.Namespace) -> int:
    from alignment import signoff

    ledger = signoff.Ledger.beside(Path(args.db))
    scope = args.quarter or "every quarter"
    if args.action == "verify":
        problems = ledger.verify(args.quarter, heads=tuple(args.head or ()))
        if problems:
            _print(f"The sign-off ledger of {scope} does not check out ({ledger.path.name}): no quarter it concerns "
                  "counts as signed until it is restored from a backup.", file=sys.stderr)
            for problem in problems:
                _print("  - " + problem, file=sys.stderr)
            return EXIT_TAMPERED
        count = len(ledger.records(args.quarter))
        head = f", head {ledger.head(args.quarter)}" if args.quarter else ""
        checked = len([c for c in ledger.checkpoints() if not args.quarter or c.quarter == args.quarter])
        _print(f"{scope}: intact: {count} records{head}; each authenticated with the server key; {checked} checkpoint"
              f"{'' if checked == 1 else 's'} and {len(args.head or ())} board-pack head"
              f"{'' if len(args.head or ()) == 1 else 's'} agree")
        return EXIT_OK
    if args.action == "authenticate":
        try:
            count = ledger.authenticate_existing()
        except signoff.LedgerTampered as refused:
            _print(f"error: {refused}", file=sys.stderr)
            return EXIT_TAMPERED
        _print(f"Authenticated {count} record{'' if count == 1 else 's'} of {ledger.path.name} with the server key.")
        return EXIT_OK
    try:
        ledger.records(args.quarter)
    except signoff.LedgerDamaged as damaged:
        _print(f"error: {damaged}", file=sys.stderr)
        return EXIT_TAMPERED
    if not args.quarter:
        _print(f"error: --quarter: charter show needs the quarter, {QUARTER_HELP}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if Path(args.db).exists():
        warehouse.upgrade(Path(args.db))  # a file from an earlier version gets its derived tables first
    reader = warehouse.open_reader(Path(args.db))
    try:
        now = signoff.current_content(reader, ledger.charter_in_force(args.quarter))
    finally:
        reader.close()
    status = ledger.status(args.quarter, now)
    records = ledger.records(args.quarter)
    if args.format == "json":
        _print(json.dumps({"status": status.model_dump(mode="json"), "values": now.values,
                          "signature_now": now.signature(), "head": ledger.head(args.quarter),
                          "records": [r.model_dump(mode="json") for r in records]}, indent=2))
    else:
        _print_charter_status(ledger, status, now, records)
    return EXIT_OK


def cmd_users(args: argparse.Namespace) -> int:
    import getpass
    import os
    import stat

    from pydantic import ValidationError

    from alignment import keys, users

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Repeat it: ") != password:
            _print("error: the two passwords differ; nothing was written", file=sys.stderr)
            return EXIT_BAD_INPUT
    args.secrets = args.secrets or str(keys.secrets_path())
    secrets = Path(args.secrets)
    exposed = keys.warn_if_readable_by_others(secrets)
    mode_before = stat.filemode(os.stat(secrets).st_mode) if exposed else ""
    account = None
    try:
        new = users.NewAccount(name=args.name, role=args.role, password=password, email=args.email)
        account = users.add_account(new, secrets, replace=args.replace)
    except ValidationError as error:
        for problem in error.errors():
            _print(f"error: {problem['loc'][0]}: {problem['msg']}", file=sys.stderr)
    except ValueError as error:
        _print(f"error: {error}", file=sys.stderr)
    if account is not None:
        _print(f"{'Replaced' if args.replace else 'Added'} {account.name} ({users.ROLE_TITLES[account.role]}) in "
              f"{args.secrets}; the password is stored only as a salted scrypt hash.")
    if exposed:
        still = keys.warn_if_readable_by_others(secrets)
        _print(f"warning: {still}" if still else
              f"warning: {args.secrets} could be read by other users of this machine (mode {mode_before}) until now; "
              "it is owner-only now, but whoever read it may hold its password hashes and the server key: consider "
              "new passwords (users add --replace)", file=sys.stderr)
    return EXIT_OK if account is not None else EXIT_BAD_INPUT


def cmd_export(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from alignment.board import export

    try:
        request = export.ExportRequest(
            quarter=args.quarter, out=Path(args.out),
            kinds=tuple(kind for kind in ("pptx", "pdf", "xlsx") if getattr(args, kind)) or ("pptx", "pdf", "xlsx"))
    except ValidationError as error:
        for problem in error.errors():
            _print(f"error: {'.'.join(map(str, problem['loc']))}: {problem['msg']}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if Path(args.db).exists():
        warehouse.upgrade(Path(args.db))  # a file from an earlier version gets its derived tables first
    for path in export.export(warehouse.open_reader(Path(args.db)), request, db_path=Path(args.db)):
        _print(f"Wrote {path} ({path.stat().st_size:,} bytes)")
    return EXIT_OK


def cmd_export_lake(args: argparse.Namespace) -> int:
    from alignment import lake

    manifest = lake.export(Path(args.db), Path(args.out))
    _print(f"Wrote snapshot {manifest.snapshot} of {args.db} ({len(manifest.tables)} tables) to {args.out}; it is "
           f"current (previous: {manifest.previous or 'none'}). Read it with {lake.LAKE_ENV}={args.out}")
    return EXIT_OK


QUARTER_HELP = "e.g. 2026-Q3, or FY27-Q1 on a warehouse with a fiscal calendar (see `calendar show`)"


def cmd_calendar(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from alignment.periods import FiscalCalendar, Quarter

    db_path = Path(args.db)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}; import data or build the demo company first")
    current = warehouse.calendar_of(db_path)
    if args.action == "set":
        given = {"start_month": args.start_month, "year_named_by": args.named_by, "time_zone": args.time_zone,
                 "weeks": args.weeks, "year_end_weekday": args.year_end_weekday}
        fields = {**current.model_dump(), **{k: v for k, v in given.items() if v is not None}}
        if args.weeks == "months":
            fields.update(weeks=None, year_end_weekday=None)  # back to calendar months: no weekday to end on
        try:
            new = FiscalCalendar(**fields)
        except ValidationError as error:
            for problem in error.errors():
                where = ".".join(map(str, problem["loc"]))
                _print(f"error: {'--' + where.replace('_', '-') + ': ' if where else ''}{problem['msg']}",
                       file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            warehouse.set_calendar(db_path, new)
        except warehouse.CalendarLocked as locked:
            _print(f"error: {locked}", file=sys.stderr)
            return EXIT_BAD_INPUT
        current = new
    import datetime as dt

    today = Quarter.of(dt.datetime.now(dt.UTC).replace(tzinfo=None), current)
    if args.format == "json":
        _print(json.dumps({"calendar": current.model_dump(), "described": current.describe(),
                           "this_quarter": str(today), "dates": today.dates}, indent=2))
    else:
        _print(current.describe())
        _print(f"This quarter: {today.label_with_dates}; quarters are written like {today}.")
    return EXIT_OK


def _quarter_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--quarter", required=True, help=QUARTER_HELP)
    command.add_argument("--region", help="only accounts in this region")
    command.add_argument("--segment", help="only accounts in this segment")
    command.add_argument("--format", choices=["csv", "json"], default="csv")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m alignment",
                                     description="Sales & marketing alignment dashboard — command line.")
    parser.add_argument("--db", default=str(warehouse.default_db()),
                        help="warehouse file (default: $ALIGNMENT_DB or data/warehouse.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="build the embedded demo company (Salesforce-format extracts)")
    demo.add_argument("--scale", choices=["S", "M", "L", "XL"], default="S")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--end-quarter", help="last quarter of data, e.g. 2026-Q3 (default: last full quarter)")
    demo.add_argument("--out", help="write the extracts to this folder instead of importing them")
    demo.add_argument("--calendar", choices=list(DEMO_CALENDARS),
                      help="the warehouse's calendar: calendar quarters, or a fiscal year starting in that month and "
                           "named by the year it ends in (default: the calendar of the warehouse it replaces; for a "
                           "new one the demo's own, a fiscal year from February)")
    demo.add_argument("--currencies", type=demo_currencies, metavar="USD,EUR,GBP",
                      help="the corporate currency, then the ones its EMEA deals and campaigns are booked in "
                           "(default USD,EUR,GBP; --calendar calendar --currencies USD builds the calendar-quarter, "
                           "dollars-only company that earlier figures were taken on)")
    demo.add_argument("--no-running-quarter", dest="running", action="store_false",
                      help="end the data with --end-quarter (by default it runs into the next quarter, to --as-of)")
    demo.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                      help="the running quarter's last day of data (default: today when it lies in the quarter after "
                           "--end-quarter, else that quarter's 40th day)")
    demo.add_argument("--no-signed-plans", dest="signed_plans", action="store_false",
                      help="leave the plans unsigned (by default the demo's CMO and VP of Sales sign a plan for its "
                           "last full quarter and the quarter after it)")
    demo.set_defaults(handler=cmd_demo)

    load = commands.add_parser("import", help="validate and load extracts atomically")
    load.add_argument("paths", nargs="+", help="folders or files (CSV, XLSX, Parquet)")
    load.add_argument("--format", choices=["salesforce", "hubspot", "mapping"], default="salesforce")
    load.add_argument("--mapping", help="YAML mapping file (with --format mapping)")
    load.add_argument("--date-format", metavar="FORMAT",
                      help="how the export writes dates, when the import does not recognise it: e.g. "
                           "'DD/MM/YY HH:mm' or '%%d/%%m/%%y' (a mapping file's own date_format comes first)")
    load.add_argument("--corporate-currency", metavar="CODE", type=_currency_code,
                      help="the currency every amount is converted into and shown in, when the rates do not mark one "
                           "(CurrencyType's IsCorporate); default USD")
    load.add_argument("--conversion-date", choices=["close_for_bookings", "creation", "close"],
                      help="the rate a deal in another currency is converted at: close_for_bookings (default: "
                           "pipeline at the creation day's rate, bookings at the close date's), creation or close")
    load.add_argument("--validate-only", action="store_true", help="check the files, load nothing")
    load.add_argument("--quiet", action="store_true", help="no progress line")
    load.add_argument("--import-root", action="append", metavar="DIR",
                      help="read files only below this folder (repeat for several) instead of the configured import "
                           "roots ($ALIGNMENT_IMPORT_ROOTS, else data/imports)")
    load.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                      help="where the checks and the tables are computed: duckdb (the warehouse file) or spark "
                           "(with --lake: a new snapshot of the lake)")
    load.add_argument("--spark", default="local[2]", metavar="URL",
                      help="with --engine spark: local[N] (a session in this process) or a Spark Connect URL "
                           "sc://host:15002 (default local[2])")
    load.add_argument("--lake", metavar="DIR", help="with --engine spark: the lake folder to write a new snapshot "
                                                     "into (made current last; a refused import leaves it as it was)")
    load.set_defaults(handler=cmd_import)

    metrics = commands.add_parser("metrics", help="every headline catalog metric for a quarter, one row each")
    _quarter_options(metrics)
    metrics.set_defaults(handler=cmd_metrics)

    funnel = commands.add_parser("funnel", help="the waterfall for a quarter: period (flow) or cohort view, or the "
                                                "deal-stage funnel (its cohort and period rows)")
    _quarter_options(funnel)
    funnel.add_argument("--view", choices=["period", "cohort", "deals"], default="period")
    funnel.add_argument("--split", default="none",
                        help="split every stage by source_category, lead_source, channel, segment or region "
                             "(default: none)")
    funnel.set_defaults(handler=cmd_funnel)

    paced = commands.add_parser("pace", help="a running quarter's planned numbers to date: actual, expected from "
                                             "past quarters' weekly shape, status, gap and needed per week")
    _quarter_options(paced)
    paced.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to pace on, inside the quarter (default: the "
                                                             "data's as-of day)")
    paced.set_defaults(handler=cmd_pace)

    forecasted = commands.add_parser("forecast", help="a running quarter's pipeline coverage and bookings forecast "
                                                      "with its range, beside the commit")
    _quarter_options(forecasted)
    forecasted.set_defaults(handler=cmd_forecast)

    walked = commands.add_parser("walk", help="the quarter's pipeline walk: start, created, pulled in, amount changed, "
                                              "pushed out, lost, won, end (to the as-of day while it runs)")
    _quarter_options(walked)
    walked.add_argument("--slipped", action="store_true",
                        help="list the slipped deals (close date moved out of the quarter) instead of the steps")
    walked.set_defaults(handler=cmd_walk)

    attributed = commands.add_parser(
        "attribution", help="credit each opportunity's amount to campaigns: opportunity_id,campaign_id,share,"
                            "credited_amount (campaign_id empty for unattributed)")
    attributed.add_argument("--model", required=True, choices=[
        "first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay", "data_driven"])
    attributed.add_argument("--basis", choices=["pipeline", "bookings"], default="pipeline")
    attributed.add_argument("--quarter", help="pipeline: deals created in it; bookings: deals won with close date in it")
    attributed.add_argument("--lookback-days", type=int, default=365)
    attributed.add_argument("--half-life-days", type=float, default=7.0)
    attributed.add_argument("--linking", choices=["contacts", "account"], default="contacts")
    attributed.add_argument("--primary-campaign-credit", action=argparse.BooleanOptionalAction, default=True,
                            help="credit a deal with no eligible touch to the primary campaign it names, at its "
                                 "creation (default: on, as the charter's default)")
    attributed.add_argument("--format", choices=["csv", "json"], default="csv")
    attributed.set_defaults(handler=cmd_attribution)

    planned = commands.add_parser(
        "plan", help="the reverse waterfall: from a bookings target back to the won deals, opportunities, SQLs, SALs, "
                     "MQLs and inquiries needed, one row per stage (the charter's plan for the quarter without a "
                     "target)")
    planned.add_argument("--quarter", required=True, help=QUARTER_HELP)
    planned.add_argument("--bookings-target", type=float, metavar="N",
                         help="bookings to win in the quarter, in the corporate currency")
    scope = planned.add_mutually_exclusive_group()
    scope.add_argument("--region", help="the target and the rates are this region's")
    scope.add_argument("--segment", help="the target and the rates are this segment's")
    planned.add_argument("--window", type=int, help="finished quarters the rates are measured over (default 4)")
    planned.add_argument("--rate", action="append", metavar="STAGE=VALUE",
                         help="a rate set by hand, repeatable: a share for opportunities, sqls, sals, mqls or "
                              "inquiries (their conversion to the next stage), an amount for won_deals (the average "
                              "deal size)")
    planned.add_argument("--format", choices=["csv", "json"], default="csv")
    planned.set_defaults(handler=cmd_plan)

    checks = commands.add_parser("quality", help="run the data-quality checks on the warehouse")
    checks.add_argument("--format", choices=["text", "json"], default="text")
    checks.set_defaults(handler=cmd_quality)

    charter = commands.add_parser("charter", help="the quarter's charter and sign-off: show it, or verify that its "
                                                  "ledger is intact (exit 1 naming any altered record)")
    charter.add_argument("action", choices=["show", "verify", "authenticate"],
                         help="authenticate: sign the records of a ledger written before records were authenticated, "
                              "once, after checking its chain")
    charter.add_argument("--quarter", help=QUARTER_HELP + " (verify without it checks every quarter)")
    charter.add_argument("--head", action="append", metavar="HASH",
                         help="a ledger head printed in a board pack (at least 16 hex characters): verify checks the "
                              "ledger still holds that record; repeat for several packs")
    charter.add_argument("--format", choices=["text", "json"], default="text")
    charter.set_defaults(handler=cmd_charter)

    exported = commands.add_parser("export", help="the quarter's board pack: PowerPoint, PDF and Excel (all three "
                                                  "unless some are named)")
    exported.add_argument("--quarter", required=True, help=QUARTER_HELP)
    exported.add_argument("--out", required=True, help="folder to write board-pack-QUARTER.pptx/.pdf/.xlsx into")
    for kind, what in (("pptx", "PowerPoint deck"), ("pdf", "PDF"), ("xlsx", "Excel workbook")):
        exported.add_argument("--" + kind, action="store_true", help=f"write the {what}")
    exported.set_defaults(handler=cmd_export)

    lake_export = commands.add_parser(
        "export-lake", help="write the warehouse as a new snapshot of a lake folder (Parquet, made current last); "
                            "the dashboard reads it with ALIGNMENT_LAKE=DIR")
    lake_export.add_argument("--out", required=True, help="the lake folder (created if need be)")
    lake_export.set_defaults(handler=cmd_export_lake)

    fiscal = commands.add_parser(
        "calendar", help="the warehouse's fiscal calendar: show it, or set it (refused while any quarter is signed)")
    fiscal.add_argument("action", choices=["show", "set"])
    fiscal.add_argument("--start-month", type=int, help="month the fiscal year starts in: 1 (the calendar year) to 12")
    fiscal.add_argument("--named-by", choices=["start", "end"],
                        help="name a fiscal year by the calendar year it starts or ends in (FY2027 = Feb 2026 – Jan "
                             "2027 by its end)")
    fiscal.add_argument("--weeks", choices=["4-4-5", "4-5-4", "5-4-4", "months"],
                        help="52/53-week years of these weeks per quarter's periods; months: calendar months")
    fiscal.add_argument("--year-end-weekday", help="with --weeks: the weekday the year ends on, the one nearest the "
                                                   "end of the month before the start month, e.g. saturday")
    fiscal.add_argument("--time-zone", help="IANA time zone whose midnights bound the days, e.g. Europe/Berlin")
    fiscal.add_argument("--format", choices=["text", "json"], default="text")
    fiscal.set_defaults(handler=cmd_calendar)

    accounts = commands.add_parser("users", help="local accounts of the dashboard (kept in .streamlit/secrets.toml)")
    account_actions = accounts.add_subparsers(dest="action", required=True)
    add_user = account_actions.add_parser("add", help="add an account; asks for its password")
    add_user.add_argument("name", help="log-in name: lower-case letters, digits, '-' or '_'")
    add_user.add_argument("--role", required=True, choices=["cmo", "vp_sales", "analyst", "viewer"])
    add_user.add_argument("--email", help="the address single sign-on (OIDC) reports for this person")
    add_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add_user.add_argument("--replace", action="store_true", help="replace an existing account's password and role")
    add_user.add_argument("--secrets", help="the secrets file to write (default: $ALIGNMENT_SECRETS, else "
                                            ".streamlit/secrets.toml: where the server key lives too)")
    add_user.set_defaults(handler=cmd_users)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from alignment.periods import CALENDAR_YEAR, using_calendar

    if args.command in ("metrics", "funnel", "walk", "attribution", "quality", "plan", "pace", "forecast") and \
            Path(args.db).exists():
        warehouse.upgrade(Path(args.db))  # a file from an earlier version gets its derived tables first
    # Quarters given as text are the warehouse's own (its fiscal calendar); the demo's --end-quarter is a calendar
    # quarter of the company it generates.
    reads_quarters = args.command in ("metrics", "funnel", "walk", "attribution", "charter", "export", "plan", "pace",
                                      "forecast")
    with using_calendar(warehouse.calendar_of(Path(args.db)) if reads_quarters else CALENDAR_YEAR):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from alignment.periods import Quarter
    from alignment.signoff import LedgerTampered

    for option in ("end_quarter", "quarter"):
        if getattr(args, option, None):
            try:
                Quarter.parse(getattr(args, option))
            except ValueError as error:
                _print(f"error: --{option.replace('_', '-')}: {error}", file=sys.stderr)
                return EXIT_BAD_INPUT
    try:
        return args.handler(args)
    except LedgerTampered as tampered:
        _print(f"error: {tampered}", file=sys.stderr)
        return EXIT_TAMPERED
    except ImportRejected as rejected:
        _print(file=sys.stderr)
        _print(str(rejected), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, warehouse.CalendarLocked, LakeUnreadable) as error:
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        from alignment import spark_engine

        if not isinstance(error, spark_engine.SparkUnavailable):
            raise
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
