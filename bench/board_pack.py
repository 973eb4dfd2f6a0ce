"""Board pack speed: the full pack (content from the catalog, then PPTX, PDF and XLSX) vs a bare DuckDB scan.

`python bench/board_pack.py --scale M` reads bench/out/demo-<scale>.duckdb (an upgraded copy when an earlier version
wrote it, as bench/scorecard.py makes). Target (issue 6): the full pack at scale M in ≤ 10 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from verdict import load_snapshot  # noqa: E402
from scorecard import (add_warehouse_options, bare_scan, cpu_seconds, read_what, reader_for,  # noqa: E402
                       scanned_columns, timed)

from alignment.board import pack as packs  # noqa: E402
from alignment.charter import carry_forward  # noqa: E402
from alignment.board import pdf, pptx, xlsx  # noqa: E402

TARGET_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L", "XL"], default="M")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=3)
    add_warehouse_options(parser)
    args = parser.parse_args()
    print(f"{load_snapshot()} at the start (CPU time is the figure to read when it is above the cores)")
    reader = reader_for(args)

    content, pack = timed(lambda: packs.build_pack(reader, args.quarter), args.repeats, "content")
    renders = {}
    for kind, render in (("pptx", pptx.render), ("pdf", pdf.render), ("xlsx", xlsx.render)):
        renders[kind], data = timed(lambda render=render: render(pack), args.repeats, kind)
        print(f"{kind}: {len(data):,} bytes")

    def whole() -> None:
        built = packs.build_pack(reader, args.quarter)
        for render in (pptx.render, pdf.render, xlsx.render):
            render(built)

    total, _ = timed(whole, args.repeats, "total")
    # The baseline: a bare scan of every column the pack's metrics read (DuckDB's own plans say which).
    scanned = scanned_columns(reader, args.quarter, packs.board_metric_names(carry_forward(None, args.quarter)))
    scan, _ = timed(lambda: bare_scan(reader, scanned), args.repeats, "scan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    people = reader.cursor().execute("SELECT count(*) FROM people").fetchall()[0][0]
    print(f"{read_what(args)}: {people:,} people; quarter {args.quarter}; {len(pack.sections)} sections, "
          f"{len(pack.charts())} charts, {len(pack.tables())} tables (median of {args.repeats}, warm)")
    print(f"content from the catalog: {content:.2f} s; pptx {renders['pptx']:.2f} s, pdf {renders['pdf']:.2f} s, "
          f"xlsx {renders['xlsx']:.2f} s")
    print(f"full pack (content + three files): {total:.2f} s (target <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if total <= TARGET_SECONDS else 'missed'})")
    print(f"bare DuckDB scan of the columns the pack's metrics read: {scan:.3f} s -> ratio {total / scan:.0f}x")
    print(f"CPU time (median): full pack {cpu_seconds['total']:.2f} s, content {cpu_seconds['content']:.2f} s, bare "
          f"scan {cpu_seconds['scan']:.3f} s -> ratio {cpu_seconds['total'] / cpu_seconds['scan']:.0f}x; "
          f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
