"""The command line: demo, import and checks, for scheduling and automation (exit 0 ok, 2 bad input)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from alignment import warehouse
from alignment.ingest.problems import ImportRejected

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _progress(fraction: float, message: str) -> None:
    print(f"\r[{fraction:>4.0%}] {message:<60}", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)


def _report(report, quiet: bool = False) -> None:
    print(f"Loaded {sum(report.tables.values()):,} rows into {report.db_path} in {report.seconds:.1f} s:")
    for table, rows in report.tables.items():
        print(f"  {table:<28} {rows:>10,}")
    if report.assumptions and not quiet:
        print("Assumed:")
        for line in report.assumptions:
            print("  - " + line)
    if report.warnings:
        print(f"Warnings ({len(report.warnings)}):")
        for problem in report.warnings:
            print("  - " + problem.message())


def cmd_demo(args: argparse.Namespace) -> int:
    from alignment import demo

    if args.out:
        counts = demo.write_extracts(Path(args.out), scale=args.scale, seed=args.seed, end_quarter=args.end_quarter,
                                     progress=_progress)
        print(f"Wrote {len(counts)} Salesforce-format files to {args.out}:")
        for name, rows in counts.items():
            print(f"  {name:<32} {rows:>10,}")
        return EXIT_OK
    report = demo.build_demo(Path(args.db), scale=args.scale, seed=args.seed, end_quarter=args.end_quarter,
                             progress=_progress)
    _report(report, quiet=True)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from alignment.ingest.load import import_extracts

    report = import_extracts([Path(p) for p in args.paths], db_path=Path(args.db), format=args.format,
                             mapping=Path(args.mapping) if args.mapping else None,
                             progress=None if args.quiet else _progress, validate_only=args.validate_only)
    if args.validate_only:
        print("Valid: nothing was loaded (--validate-only).")
    _report(report)
    return EXIT_OK


def cmd_quality(args: argparse.Namespace) -> int:
    from alignment import quality

    reader = warehouse.open_reader(Path(args.db))
    checks = quality.run_checks(reader)
    if args.format == "json":
        print(json.dumps([c.__dict__ for c in checks], indent=2))
    else:
        for check in checks:
            print(f"{check.count:>8,}  {check.severity:<8} {check.title}")
    return EXIT_OK


def _filters_from(args: argparse.Namespace):
    from alignment.catalog import Filters

    return Filters(quarter=args.quarter, region=args.region, segment=args.segment)


def _print_frame(frame, output_format: str) -> None:
    if output_format == "json":
        print(frame.to_json(orient="records", date_format="iso", indent=2))
    else:
        print(frame.to_csv(index=False), end="")


def cmd_metrics(args: argparse.Namespace) -> int:
    import pandas as pd

    from alignment import catalog

    rows = catalog.metrics_for_quarter(warehouse.open_reader(Path(args.db)), args.quarter, _filters_from(args))
    _print_frame(pd.DataFrame(rows, columns=["name", "title", "value", "unit"]), args.format)
    return EXIT_OK


def cmd_funnel(args: argparse.Namespace) -> int:
    from alignment import catalog

    frame = catalog.funnel(warehouse.open_reader(Path(args.db)), args.quarter, args.view, _filters_from(args))
    _print_frame(frame, args.format)
    return EXIT_OK


def cmd_attribution(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from alignment import attribution

    try:
        options = attribution.AttributionOptions(
            model=args.model, basis=args.basis, quarter=args.quarter, lookback_days=args.lookback_days,
            half_life_days=args.half_life_days, linking=args.linking)
    except ValidationError as error:
        for problem in error.errors():
            print(f"error: {'.'.join(map(str, problem['loc']))}: {problem['msg']}", file=sys.stderr)
        return EXIT_BAD_INPUT
    frame = attribution.attribute(warehouse.open_reader(Path(args.db)), options)
    frame = frame[["opportunity_id", "campaign_id", "share", "credited_amount"]].copy()
    frame["campaign_id"] = frame["campaign_id"].astype(object).where(frame["campaign_id"].notna(), "")
    if args.format == "json":
        print(frame.to_json(orient="records", indent=2))
    else:
        print(frame.to_csv(index=False), end="")
    return EXIT_OK


def _quarter_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--quarter", required=True, help="e.g. 2026-Q3")
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
    demo.add_argument("--scale", choices=["S", "M", "L"], default="S")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--end-quarter", help="last quarter of data, e.g. 2026-Q3 (default: last full quarter)")
    demo.add_argument("--out", help="write the extracts to this folder instead of importing them")
    demo.set_defaults(handler=cmd_demo)

    load = commands.add_parser("import", help="validate and load extracts atomically")
    load.add_argument("paths", nargs="+", help="folders or files (CSV, XLSX, Parquet)")
    load.add_argument("--format", choices=["salesforce", "hubspot", "mapping"], default="salesforce")
    load.add_argument("--mapping", help="YAML mapping file (with --format mapping)")
    load.add_argument("--validate-only", action="store_true", help="check the files, load nothing")
    load.add_argument("--quiet", action="store_true", help="no progress line")
    load.set_defaults(handler=cmd_import)

    metrics = commands.add_parser("metrics", help="every headline catalog metric for a quarter, one row each")
    _quarter_options(metrics)
    metrics.set_defaults(handler=cmd_metrics)

    funnel = commands.add_parser("funnel", help="the waterfall for a quarter: period (flow) or cohort view")
    _quarter_options(funnel)
    funnel.add_argument("--view", choices=["period", "cohort"], default="period")
    funnel.set_defaults(handler=cmd_funnel)

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
    attributed.add_argument("--format", choices=["csv", "json"], default="csv")
    attributed.set_defaults(handler=cmd_attribution)

    checks = commands.add_parser("quality", help="run the data-quality checks on the warehouse")
    checks.add_argument("--format", choices=["text", "json"], default="text")
    checks.set_defaults(handler=cmd_quality)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from alignment.periods import Quarter

    for option in ("end_quarter", "quarter"):
        if getattr(args, option, None):
            try:
                Quarter.parse(getattr(args, option))
            except ValueError as error:
                print(f"error: --{option.replace('_', '-')}: {error}", file=sys.stderr)
                return EXIT_BAD_INPUT
    if args.command in ("metrics", "funnel", "attribution", "quality") and Path(args.db).exists():
        warehouse.upgrade(Path(args.db))  # a file from an earlier version gets its derived tables first
    try:
        return args.handler(args)
    except ImportRejected as rejected:
        print(file=sys.stderr)
        print(str(rejected), file=sys.stderr)
        return EXIT_BAD_INPUT
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
