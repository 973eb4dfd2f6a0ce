"""Checks that every scorecard trend point equals the metric file's own result for that quarter, under several charters.

`python bench/scorecard_equality.py --scale S|M [--quarter Q ...] [--dump out.json] [--against earlier.json]`: for each
filter/definition set below, `catalog.scorecard` (one query per metric) is compared point by point with `catalog.value`
(the file run for one quarter). `--dump` writes the scorecard's values; `--against` compares them with a dump written
by another version of the code on another copy of the warehouse (e.g. before the derived tables changed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import scorecard as bench_scorecard

from alignment import catalog, warehouse
from alignment.periods import Quarter

# Filter sets and charter choices that reach the precomputed columns (first touch, touch times) and the rest: the
# ones the rules' reference numbers were written under.
from tests.test_rules_equality import CASES  # noqa: E402


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    # Sums of doubles in another order differ in the last digits (DuckDB's parallel sums are not order-stable).
    return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)), abs(float(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L", "XL"], default="S")
    parser.add_argument("--quarter", action="append", help="quarter to check (repeatable; default 2026-Q2)")
    parser.add_argument("--skip-per-file", action="store_true", help="only dump / compare, no per-file check")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args()
    reader = warehouse.Reader(bench_scorecard.warehouse_for(args.scale))
    headline = [m.name for m in catalog.headline_metrics()]
    dumped: dict[str, list] = {}
    checked = mismatches = 0
    for quarter in args.quarter or ["2026-Q2"]:
        for case, (filters, choices) in CASES.items():
            definitions = catalog.Definitions(**choices)
            cards = catalog.scorecard(reader, {**filters, "quarter": quarter}, definitions)
            for card in cards:
                dumped[f"{quarter} | {case} | {card.name}"] = [point.value for point in card.trend]
                if args.skip_per_file:
                    continue
                for point in card.trend:
                    single = catalog.value(reader, card.name, {**filters, "quarter": Quarter.parse(point.quarter)},
                                           definitions)
                    checked += 1
                    if not close(point.value, single):
                        mismatches += 1
                        print(f"MISMATCH {quarter} {case} {card.name} {point.quarter}: trend {point.value!r} "
                              f"vs file {single!r}")
    print(f"{len(headline)} headline metrics x {len(CASES)} cases x {len(args.quarter or [1])} quarter(s): "
          f"{checked} trend points checked against the file, {mismatches} differ")
    if args.dump:
        args.dump.write_text(json.dumps(dumped, indent=0))
    if args.against:
        earlier = json.loads(args.against.read_text())
        common = sorted(set(earlier) & set(dumped))
        differ = [key for key in common
                  if not all(close(a, b) for a, b in zip(earlier[key], dumped[key], strict=True))]
        for key in differ:
            print(f"CHANGED {key}: {earlier[key]} -> {dumped[key]}")
        print(f"against {args.against.name}: {len(common)} metric trends in both, {len(differ)} changed")
        mismatches += len(differ)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
