"""The quarter's board pack as content: sections of chart and table descriptions and words, all from the catalog."""

from __future__ import annotations

import contextvars
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pandas as pd

from alignment import catalog, currency, pacing, pipeline_walk, quadrant, quality, warehouse, waterfall
from alignment import forecast as forecasts
from alignment import plan as campaign_plans
from alignment.board.spec import BoardPack, Section, SignoffStatus
from alignment.catalog import Comparison, Definitions
from alignment.charter import Charter, carry_forward
from alignment.periods import Quarter
from alignment.presentation import formats, palette
from alignment.presentation.specs import ChartSpec, Column, Series, TableSpec

PARTS: dict[str, str] = {
    "summary": "Executive summary",
    "scorecard": "Scorecard vs targets",
    "pace": "Pace of the running quarter",
    "quarter_plan": "The plan",
    "roles": "Awareness | demand generation | sales",
    "waterfall": "The waterfall",
    "pipeline": "Sourced and influenced pipeline",
    "pipeline_walk": "The pipeline walk",
    "plan": "The campaign plan",
    "campaigns": "Campaigns and the alignment quadrant",
    "sla": "Follow-up SLA and lead quality",
    "definitions": "Definitions: the charter in force",
    "quality": "Data quality",
    "signoff": "Sign-off",
}
"""The parts a pack can hold, in order (the title page always comes first). The pace is in a pack only while its
quarter runs on the data's as-of day: a finished quarter's pack has no such part, not an empty one."""
RUNNING_ONLY = ("pace",)

ROLE_TRENDS = {"awareness": "reach", "demand_gen": "mqls", "sales": "pipeline"}
"""The metric each role's column charts over eight quarters."""

SLA_METRICS = ["acceptance_rate", "sla_met_share", "median_hours_to_follow_up", "never_followed_up"]
QUALITY_METRICS = ["lead_quality", "sales_ready_mqls", "cost_per_sales_ready_lead"]
MOVERS = 5
"""How many of the biggest moves the executive summary puts in words."""
SLIDE_CAMPAIGNS = 12
PLAN_ROWS = 18
"""The most campaigns the plan's timeline draws (the largest by cost in the quarter); its table lists every one."""
SLIPPED_ROWS = 10
"""The most slipped deals the pipeline walk lists (the largest); the words count the rest."""
PACE_CHART = "bookings"
"""The planned number whose weekly line the pace part draws (else the first planned total)."""
FORECAST_FIGURES = {
    "bookings_to_date": ("Bookings to date", "currency"), "bookings_target": ("Bookings target", "currency"),
    "to_win": ("Still to win", "currency"), "open_pipeline": ("Open pipeline", "currency"),
    "coverage": ("Coverage", "ratio"), "trailing_win_rate": ("Trailing win rate", "percent"),
    "coverage_needed": ("Coverage that is enough", "ratio"), "forecast": ("Forecast", "currency"),
    "forecast_low": ("Forecast, low end", "currency"), "forecast_high": ("Forecast, high end", "currency"),
    "commit": ("Commit", "currency")}
"""The forecast's figures (forecast.summary_table) the pack lists, in words and units; the shares by source stay on
the Scorecard."""


def board_metric_names(charter: Charter) -> list[str]:
    """The charter's metrics, the sales numbers the marketing ones feed, and what the pack's other parts show."""
    return list(dict.fromkeys(charter.metrics_and_pairs() + SLA_METRICS + QUALITY_METRICS
                              + list(ROLE_TRENDS.values()) + ["pipeline", "share_sourced_by_marketing",
                                                              "marketing_sourced_pipeline",
                                                              "marketing_influenced_pipeline"]))


# --- what the pack reads -------------------------------------------------------------------------------------------

class Inputs:
    """Everything the sections read, fetched once and concurrently (each task on its own cursors)."""

    def __init__(self, source: catalog.Source, quarter: Quarter, charter: Charter, parts: list[str]):
        self.quarter, self.definitions, self.plan = quarter, charter.definitions, charter.plan
        self.board = charter.by_funnel_role()
        definitions = charter.definitions
        filters = catalog.Filters(quarter=quarter)
        tasks: dict[str, Callable[[], Any]] = {
            "comparisons": lambda: {c.name: c for c in catalog.scorecard(
                source, filters, definitions, names=board_metric_names(charter),
                as_of=campaign_plans.as_of_day(source))},
            "info": lambda: warehouse.dataset_info(source),
        }
        if "waterfall" in parts:
            tasks["funnel"] = lambda: catalog.funnel(source, filters, "period", definitions)
        if "pipeline" in parts:
            tasks["by_source"] = lambda: catalog.run(source, "pipeline_by_source", filters, definitions)
        if "quarter_plan" in parts and charter.plan is not None:
            tasks["quarter_plan"] = lambda: waterfall.work_out(source, charter.plan, definitions)
        if "plan" in parts:
            tasks["plan"] = lambda: campaign_plans.campaign_plan(source, [quarter], definitions)
        if "campaigns" in parts:
            tasks["placed"] = lambda: quadrant.place_campaigns(source, quarter, filters, definitions)
        if "sla" in parts:
            tasks["follow_up"] = lambda: catalog.run(source, "follow_up_distribution", filters, definitions)
            tasks["quality_by_channel"] = lambda: catalog.run(source, "lead_quality_by_channel", filters, definitions)
        if "quality" in parts:
            tasks["checks"] = lambda: quality.run_checks(source)
        if "pace" in parts:
            tasks["pace"] = lambda: pacing.pace(source, charter)
            tasks["forecast"] = lambda: forecasts.forecast(source, charter)
        if "pipeline_walk" in parts:
            tasks["walk"] = lambda: pipeline_walk.walk(source, quarter)
        with ThreadPoolExecutor(max_workers=3) as pool:
            # Each task in this thread's context: its quarters in the warehouse's calendar, its money in its currency.
            futures = {name: pool.submit(contextvars.copy_context().run, task) for name, task in tasks.items()}
            self.results = {name: future.result() for name, future in futures.items()}
        self.comparisons: dict[str, Comparison] = self.results["comparisons"]
        self.info: warehouse.DatasetInfo = self.results["info"]
        self.money = currency.settings(source)


def _unit(name: str) -> str:
    return catalog.spec(name).unit


def _title(name: str) -> str:
    return catalog.spec(name).title


def _show(comparison: Comparison) -> str:
    return formats.by_unit(comparison.value, comparison.unit)


def target_status(comparison: Comparison) -> str | None:
    """met / missed against the target (Comparison.target_met); 'not measured' with the reason when the data lacks
    what the metric needs; None without a target or a value."""
    if comparison.not_measured:
        return f"not measured: {comparison.not_measured}"
    if comparison.to_date is not None and comparison.target is not None:
        return f"under way: to {formats.day(comparison.to_date)}"
    met = comparison.target_met
    return None if met is None else "met" if met else "missed"


# --- executive summary ---------------------------------------------------------------------------------------------

def relative_change(comparison: Comparison) -> float | None:
    """How far the metric moved since last quarter, as a share of last quarter's value (None when unknown or 0, or
    while the quarter is under way: the catalog gives it no change then)."""
    if comparison.change_vs_last_quarter is None or not comparison.last_quarter:
        return None
    return comparison.change_vs_last_quarter / abs(comparison.last_quarter)


def biggest_moves(comparisons: list[Comparison], limit: int = MOVERS) -> list[Comparison]:
    """The metrics that moved most since last quarter, relative to their size, largest first (ties by name)."""
    moved = [c for c in comparisons if relative_change(c) not in (None, 0)]
    return sorted(moved, key=lambda c: (-abs(relative_change(c)), c.name))[:limit]


def not_measured_sentence(comparisons: list[Comparison]) -> list[str]:
    """One sentence naming the board's metrics that show no number (why, metric by metric, is in the scorecard table
    and the data-quality appendix)."""
    titles = [c.title for c in comparisons if c.not_measured]
    if not titles:
        return []
    return [f"Not measured, because the loaded data lacks what they need: {', '.join(titles)} (the scorecard and "
            "the data-quality appendix say what is missing)."]


def move_sentence(comparison: Comparison) -> str:
    """Pipeline rose 12.5% to $72.0M (+$8.0M vs 2026-Q1), the good way: higher is better."""
    change = relative_change(comparison)
    verb = "rose" if change > 0 else "fell"
    good = (change > 0) == (comparison.direction == "up")
    previous = Quarter.parse(comparison.quarter).shift(-1)
    return (f"{comparison.title} {verb} {abs(change):.1%} to {_show(comparison)} "
            f"({formats.change(comparison.change_vs_last_quarter, comparison.unit)} vs {previous}), "
            f"{'the good way' if good else 'the wrong way'}: {'higher' if comparison.direction == 'up' else 'lower'}"
            " is better.")


def _summary(inputs: Inputs, signoff: SignoffStatus) -> Section:
    comparisons = inputs.comparisons
    board = [comparisons[name] for names in inputs.board.values() for name in names]
    words = []
    pipeline, sourced = comparisons["pipeline"], comparisons["marketing_sourced_pipeline"]
    share = comparisons["share_sourced_by_marketing"]
    to_date = pipeline.to_date
    if pipeline.value is not None:
        opened = "opened" if to_date is None else f"has opened, to {formats.day(to_date)},"
        words.append(f"{inputs.quarter} {opened} {_show(pipeline)} of pipeline; marketing sourced {_show(sourced)} "
                     f"of it ({_show(share)}) and influenced {_show(comparisons['marketing_influenced_pipeline'])}.")
    if to_date is not None:
        words.append(f"{inputs.quarter} is under way: its numbers run to {formats.day(to_date)}, so they are not "
                     "compared with whole quarters and no target is judged yet.")
    words.extend(move_sentence(c) for c in biggest_moves(board))
    missed = [c for c in board if target_status(c) == "missed"]
    for comparison in missed:
        words.append(f"Target missed: {comparison.title} at {_show(comparison)} against "
                     f"{formats.by_unit(comparison.target, comparison.unit)}.")
    words.extend(not_measured_sentence(board))
    words.append(f"Sign-off: {signoff.label.lower()}." if signoff.state != "signed"
                 else "Sign-off: signed by both executives.")
    moves = biggest_moves(board)
    table = TableSpec(
        title="The biggest moves since last quarter", sheet="Biggest moves",
        columns=[Column(header="Metric"), Column(header="Actual", unit="row"),
                 Column(header="Last quarter", unit="row"), Column(header="Change", unit="row_change"),
                 Column(header="Change, %", unit="percent")],
        rows=[[c.title, c.value, c.last_quarter, c.change_vs_last_quarter, relative_change(c)] for c in moves],
        row_units=[c.unit for c in moves],
        definition="Board metrics ranked by how far they moved since last quarter, relative to their size.")
    return Section(key="summary", title=PARTS["summary"], layout="words", words=words,
                   tables=[] if to_date is not None else [table])


# --- scorecard and roles -------------------------------------------------------------------------------------------

def _scorecard(inputs: Inputs) -> Section:
    rows, units = [], []
    for role, names in inputs.board.items():
        for name in names:
            c = inputs.comparisons[name]
            rows.append([c.title, palette.FUNNEL_LABELS[role], c.value, c.target, target_status(c),
                         c.change_vs_last_quarter, c.change_vs_last_year, catalog.spec(name).definition])
            units.append(c.unit)
    table = TableSpec(
        title=f"The board's metrics for {inputs.quarter} against their targets", sheet="Scorecard",
        columns=[Column(header="Metric"), Column(header="Funnel role"), Column(header="Actual", unit="row"),
                 Column(header="Target", unit="row"), Column(header="Target met"),
                 Column(header="vs last quarter", unit="row_change"),
                 Column(header="vs same quarter last year", unit="row_change"),
                 Column(header="Definition", detail=True)],
        rows=rows, row_units=units,
        definition="Targets come from the quarter's charter; a dash means no target was set. A quarter under way is "
                   "not compared with whole quarters: its changes are dashes until it ends.")
    return Section(key="scorecard", title=PARTS["scorecard"], tables=[table])


def trend_chart(comparisons: list[Comparison], *, title: str, colours: list[str], kind: str = "column",
                labels: list[str] | None = None, value_title: str = "", sheet: str = "") -> ChartSpec:
    """Metrics of one unit over their eight quarters, one series each."""
    first = comparisons[0]
    return ChartSpec(
        kind=kind, title=title, categories=formats.trend_labels(first), unit=first.unit,
        definition=" ".join(catalog.spec(c.name).definition for c in comparisons), value_title=value_title,
        sheet=sheet,
        series=[Series(name=(labels or [c.title for c in comparisons])[i], values=[p.value for p in c.trend],
                       colour=colours[i]) for i, c in enumerate(comparisons)])


def _roles(inputs: Inputs) -> Section:
    charts, tables = [], []
    for role, names in inputs.board.items():
        trend = inputs.comparisons[ROLE_TRENDS[role]]
        charts.append(trend_chart([trend], title=f"{trend.title} by quarter", colours=[palette.FUNNEL_COLOURS[role]],
                                  sheet=f"{trend.title} chart"))
        comparisons = [inputs.comparisons[name] for name in names]
        tables.append(TableSpec(
            title=palette.FUNNEL_LABELS[role], sheet=palette.FUNNEL_LABELS[role][:31], role=role,
            columns=[Column(header="Metric"), Column(header="Actual", unit="row"),
                     Column(header="vs last quarter", unit="row_change")],
            rows=[[c.title, c.value, c.change_vs_last_quarter] for c in comparisons],
            row_units=[c.unit for c in comparisons]))
    return Section(key="roles", title=PARTS["roles"], layout="columns", charts=charts, tables=tables,
                   words=["Awareness beside demand generation beside the sales numbers they feed."])


# --- the quarter's plan ----------------------------------------------------------------------------------------------

def _quarter_plan(inputs: Inputs, signoff: SignoffStatus) -> Section:
    if inputs.plan is None:
        return Section(key="quarter_plan", title=PARTS["quarter_plan"], layout="words",
                       words=[f"No plan was signed for {inputs.quarter}: the charter holds no bookings target worked "
                              "back through the funnel."])
    result: waterfall.Waterfall = inputs.results["quarter_plan"]
    scopes = list(dict.fromkeys(row.scope for row in result.rows))
    words = [] if signoff.state == "signed" else [
        f"The plan is in the charter but not signed by both executives ({signoff.label.lower()})."]
    for scope in scopes[1:]:
        rows = {row.stage: row for row in result.scope(scope)}
        words.append(f"{scope[:1].upper()}{scope[1:]}: {waterfall.needed_text(rows['bookings'])} of bookings needs "
                     + ", ".join(f"{waterfall.needed_text(rows[stage])} {label}" for stage, label in
                                 (("opportunities", "opportunities"), ("mqls", "MQLs"), ("inquiries", "inquiries")))
                     + ".")
    unset = result.hand_set_needed()
    if unset:
        words.append("Not measured and not set by hand: " + ", ".join(waterfall.RATE_NAMES[s] for s in unset) + ".")
    return Section(key="quarter_plan", title=PARTS["quarter_plan"], layout="chart_left",
                   charts=[waterfall.chart(result, scopes[0])], tables=[waterfall.table(result, scopes[0])],
                   words=words, notes=[result.cohorts, result.due_dates])


# --- waterfall and pipeline ----------------------------------------------------------------------------------------

def _waterfall(inputs: Inputs) -> Section:
    frame = inputs.results["funnel"].sort_values("stage_order")
    stages = list(frame["stage"])
    chart = ChartSpec(
        kind="column", title=f"People reaching each stage in {inputs.quarter}", unit="count",
        categories=[palette.STAGE_LABELS.get(s, s) for s in stages], value_title="People", sheet="Waterfall chart",
        definition=catalog.spec("funnel_period").definition,
        series=[Series(name="People", values=list(frame["people"]), colour=palette.SALES,
                       point_colours=[palette.FUNNEL_COLOURS[palette.STAGE_ROLES.get(s, "sales")] for s in stages])])
    table = TableSpec(
        title="Volume, flow ratio, velocity and value by stage", sheet="Waterfall",
        columns=[Column(header="Stage"), Column(header="People", unit="count"),
                 Column(header="Flow ratio from the stage before", unit="percent"),
                 Column(header="Median days from the stage before", unit="days"), Column(header="Value", unit="currency")],
        rows=[[palette.STAGE_LABELS.get(r.stage, r.stage), r.people, r.ratio, r.velocity_days, r.value]
              for r in frame.itertuples()],
        definition="Period view: people who reached each stage inside the quarter; ratios between stages are flow "
                   "ratios, not conversion rates.")
    return Section(key="waterfall", title=PARTS["waterfall"], layout="chart_left", charts=[chart], tables=[table],
                   words=["Demand generation works a person to MQL; sales takes it from acceptance (SAL) on."])


def _pipeline(inputs: Inputs) -> Section:
    pipeline = inputs.comparisons["pipeline"]
    sourced = inputs.comparisons["marketing_sourced_pipeline"]
    influenced = inputs.comparisons["marketing_influenced_pipeline"]
    quarters = formats.trend_labels(pipeline)
    chart = ChartSpec(
        kind="column", title="Pipeline created by quarter", categories=quarters, unit="currency",
        sheet="Pipeline trend chart",
        value_title="Pipeline created",
        definition=(f"{pipeline.title}: {catalog.spec('pipeline').definition} {sourced.title}: "
                    f"{catalog.spec('marketing_sourced_pipeline').definition} {influenced.title}: "
                    f"{catalog.spec('marketing_influenced_pipeline').definition}"),
        series=[Series(name="All pipeline", values=[p.value for p in pipeline.trend], colour=palette.SALES),
                Series(name="Marketing-sourced", values=[p.value for p in sourced.trend], colour=palette.DEMAND_GEN),
                Series(name="Marketing-influenced", values=[p.value for p in influenced.trend],
                       colour=palette.NAVY)])
    share = inputs.comparisons["share_sourced_by_marketing"]
    by_quarter = TableSpec(
        title="Pipeline sourced and influenced by marketing", sheet="Pipeline by quarter",
        columns=[Column(header="Quarter"), Column(header="Pipeline", unit="currency"),
                 Column(header="Marketing-sourced", unit="currency"),
                 Column(header="Share sourced by marketing", unit="percent"),
                 Column(header="Marketing-influenced", unit="currency")],
        # Newest first: a page that has room for only some of the quarters keeps this one.
        rows=[[q, p.value, s.value, h.value, i.value] for q, p, s, h, i in
              reversed(list(zip(quarters, pipeline.trend, sourced.trend, share.trend, influenced.trend)))])
    by_source = inputs.results["by_source"]
    source_table = TableSpec(
        title=f"Pipeline and bookings by source category, {inputs.quarter}", sheet="Pipeline by source",
        columns=[Column(header="Source category"), Column(header="Deals created", unit="count"),
                 Column(header="Pipeline", unit="currency"), Column(header="Won deals", unit="count"),
                 Column(header="Bookings", unit="currency")],
        rows=[[r.source_category.capitalize(), r.deals_created, r.pipeline, r.won_deals, r.bookings]
              for r in by_source.itertuples()],
        definition=catalog.spec("pipeline_by_source").definition)
    return Section(key="pipeline", title=PARTS["pipeline"], layout="chart_left", charts=[chart],
                   tables=[by_quarter, source_table])


# --- the plan, campaigns, SLA and lead quality ------------------------------------------------------------------------

def largest_campaigns(plan: pd.DataFrame, limit: int = PLAN_ROWS) -> pd.DataFrame:
    """The plan's `limit` campaigns with the most cost in the period (actual where recorded, else budget; umbrella
    programs without a cost of their own come last), kept in the plan's order."""
    ranked = plan.assign(size=plan["cost_in_period"].fillna(-1.0)).sort_values(
        ["size", "campaign_id"], ascending=[False, True])
    return plan[plan["campaign_id"].isin(ranked["campaign_id"].head(limit))].reset_index(drop=True)


def _plan(inputs: Inputs) -> Section:
    plan, quarter = inputs.results["plan"], inputs.quarter
    shown = largest_campaigns(plan)
    hidden = len(plan) - len(shown)
    missing = int((~plan["has_sales_sponsor"].astype(bool)).sum())
    missing_hidden = missing - int((~shown["has_sales_sponsor"].astype(bool)).sum())
    title = (f"The {len(shown)} largest of the {len(plan)} campaigns running in {quarter}" if hidden
             else f"The campaigns running in {quarter}")
    chart = campaign_plans.timeline(
        shown, (quarter.first_day, quarter.end_day), title=title, sheet="Plan chart",
        definition=f"{catalog.spec('campaign_plan').definition} Bars run from a campaign's first to its last day "
                   "inside the quarter, coloured by funnel role; ⚠ and a red outline: no sales sponsor.")
    if plan.empty:
        words = [f"No campaign runs in {quarter}."]
    else:
        words = [f"{len(plan)} campaigns run in {quarter}" + (
            f"; the timeline draws the {len(shown)} with the most cost in the quarter, {hidden} more in the workbook."
            if hidden else ".")]
        words.append("Every campaign names a sales sponsor." if not missing else
                     f"{missing} of the {len(plan)} name no sales sponsor (⚠, outlined in red)"
                     + (f", {missing_hidden} of them in the workbook only." if missing_hidden else ".")
                     + " Every initiative should have one.")
    table = TableSpec(
        title=f"Every campaign running in {quarter}", sheet="Campaign plan",
        columns=[Column(header="Campaign"), Column(header="Channel"), Column(header="Funnel role"),
                 Column(header="Status"), Column(header="Start", unit="date"), Column(header="End", unit="date"),
                 Column(header="Sales sponsor"), Column(header="Has a sales sponsor"),
                 Column(header="Budget", unit="currency"), Column(header="Actual cost", unit="currency"),
                 Column(header=f"Cost in {quarter}", unit="currency"), Column(header="Owner", detail=True),
                 Column(header="Content", detail=True), Column(header="Targeting", detail=True),
                 Column(header="Objective", detail=True), Column(header="Campaign id", detail=True)],
        rows=[[r.campaign_name, str(r.channel).replace("_", " "),
               palette.FUNNEL_LABELS.get(r.funnel_role, r.funnel_role), r.status, r.start_date, r.end_date,
               r.sales_sponsor_name if r.has_sales_sponsor else None, bool(r.has_sales_sponsor), r.budgeted_cost,
               r.actual_cost, r.cost_in_period, r.owner_name, r.content, r.targeting, r.objective, r.campaign_id]
              for r in plan.itertuples()],
        definition=catalog.spec("campaign_plan").definition)
    return Section(key="plan", title=PARTS["plan"], layout="wide", words=words, charts=[chart], tables=[table])


def _campaigns(inputs: Inputs) -> Section:
    placed = inputs.results["placed"]
    order = [*quadrant.QUADRANTS, quadrant.AWARENESS]
    counts = placed["quadrant"].value_counts()
    chart = ChartSpec(
        kind="column", title=f"Campaigns per quadrant, {inputs.quarter}", categories=order, unit="count",
        sheet="Quadrant chart",
        value_title="Campaigns",
        definition=f"Delivers value: attributed pipeline per {formats.symbol()}1 of cost at or above what bought leads "
                   "return, and "
                   "lead quality at or above the company's. Demonstrates value: traceability (responses dated, "
                   "contact roles on influenced deals, plain facts filled in). Awareness campaigns are judged apart.",
        series=[Series(name="Campaigns", values=[int(counts.get(q, 0)) for q in order], colour=palette.SALES,
                       point_colours=[palette.QUADRANT_COLOURS[q] for q in order])])
    ranked = placed.sort_values(["cost", "campaign_id"], ascending=[False, True])
    table = TableSpec(
        title="Every campaign of the quarter, largest cost first", sheet="Campaigns",
        columns=[Column(header="Campaign"), Column(header="Quadrant"), Column(header="Cost", unit="currency"),
                 Column(header="Attributed pipeline", unit="currency"), Column(header=f"Pipeline per {formats.symbol()}1", unit="ratio"),
                 Column(header="Lead quality", unit="percent"), Column(header="Channel", detail=True),
                 Column(header="Traceability", unit="percent", detail=True), Column(header="Why", detail=True),
                 Column(header="Campaign id", detail=True)],
        rows=[[r.name, r.quadrant, r.cost, r.attributed_pipeline, r.pipeline_per_cost, r.lead_quality,
               str(r.channel).replace("_", " "), r.traceability, r.explanation, r.campaign_id]
              for r in ranked.itertuples()],
        definition=f"Attribution: {placed.attrs.get('model_card', '')}.")
    notes = [f"{r.name}: {r.explanation}" for r in ranked.head(SLIDE_CAMPAIGNS).itertuples()]
    return Section(key="campaigns", title=PARTS["campaigns"], layout="chart_left", charts=[chart], tables=[table],
                   notes=notes)


def _key_figures(inputs: Inputs, names: list[str], title: str, sheet: str) -> TableSpec:
    comparisons = [inputs.comparisons[name] for name in names]
    return TableSpec(
        title=title, sheet=sheet,
        columns=[Column(header="Metric"), Column(header="Actual", unit="row"), Column(header="Target", unit="row"),
                 Column(header="vs last quarter", unit="row_change")],
        rows=[[c.title, c.value, c.target, c.change_vs_last_quarter] for c in comparisons],
        row_units=[c.unit for c in comparisons])


def _sla(inputs: Inputs) -> Section:
    bands = inputs.results["follow_up"].sort_values("band_order")
    band_chart = ChartSpec(
        kind="column", title="Time from MQL to first follow-up", categories=list(bands["band"]), unit="count",
        sheet="Follow-up chart",
        value_title="MQLs", definition=catalog.spec("follow_up_distribution").definition,
        series=[Series(name="MQLs", values=list(bands["people"]), colour=palette.SALES,
                       point_colours=[palette.MISS if b == "never" else palette.SALES if (w or 0) > 0
                                      else palette.NEUTRAL for b, w in zip(bands["band"], bands["within_sla"])])])
    channels = inputs.results["quality_by_channel"].sort_values(["mqls", "channel"], ascending=[False, True]).head(8)
    quality_chart = ChartSpec(
        kind="bar", title="Lead quality by channel (the 8 with the most MQLs)", unit="percent",
        sheet="Lead quality chart",
        categories=[str(c).replace("_", " ") for c in channels["channel"]], value_title="Sales-ready share of MQLs",
        definition=catalog.spec("lead_quality_by_channel").definition,
        series=[Series(name="Lead quality", values=list(channels["lead_quality"]), colour=palette.DEMAND_GEN)])
    sla = formats.hours(inputs.definitions.sla_hours)
    return Section(
        key="sla", title=PARTS["sla"], layout="columns", charts=[band_chart, quality_chart],
        tables=[_key_figures(inputs, SLA_METRICS, f"Acceptance and follow-up (SLA {sla})", "Follow-up SLA"),
                _key_figures(inputs, QUALITY_METRICS, "Lead quality", "Lead quality")])


# --- a running quarter's pace, and the pipeline walk ---------------------------------------------------------------

def pace_status(row: pacing.PaceRow) -> str:
    """on track / behind / ahead, or "not measured" (why is in the row's note): never a status without a curve or a
    value to judge."""
    return row.status or "not measured"


def pace_table(paced: pacing.Pace) -> TableSpec:
    """Every planned number of the running quarter, paced (pacing.pace's rows, as they are)."""
    rows = paced.rows
    return TableSpec(
        title=f"The plan to date: {formats.day(paced.as_of)}, week {paced.week} of {paced.weeks}", sheet="Pace",
        columns=[Column(header="Metric"), Column(header="Actual to date", unit="row"),
                 Column(header="Expected to date", unit="row"), Column(header="Target", unit="row"),
                 Column(header="Status"), Column(header="Gap", unit="row_change"),
                 Column(header="Needed per week", unit="row"), Column(header="Note"),
                 Column(header="Curve learnt from", detail=True), Column(header="Catalog name", detail=True)],
        rows=[[row.title, row.actual, row.expected, row.target, pace_status(row), row.gap, pacing.needed_shown(row),
               row.not_measured or ("its value to date against the target" if row.paced_as == "rate" else None),
               ", ".join(row.curve_from) or None, row.name] for row in rows],
        row_units=[row.unit for row in rows],
        definition=f"Expected to date: the target × the share of the quarter's total reached by the same day in the "
                   f"past {paced.history_quarters} quarters; on track within ±{paced.tolerance:.0%} of it. A rate is "
                   "its value to date against its target.")


def forecast_table(result: forecasts.Forecast) -> TableSpec:
    """Coverage and the forecast (forecast.summary_table's figures): each empty figure says why in its note."""
    rows = [row for row in forecasts.summary_table(result) if row["figure"] in FORECAST_FIGURES]
    no_target = "no bookings target for this quarter: set one on the Charter page"
    # Coverage's note is why the win rate is missing only when coverage itself was measured (forecast.forecast).
    win_rate = result.coverage_note if result.coverage is not None else None
    notes = {"bookings_target": no_target, "to_win": no_target, "coverage_needed": win_rate,
             "trailing_win_rate": win_rate, "forecast_low": result.not_measured, "forecast_high": result.not_measured}
    cells = []
    for row in rows:
        note = row["note"]
        if row["value"] is None:
            note = notes.get(row["figure"]) or note or "not measured"
        cells.append([FORECAST_FIGURES[row["figure"]][0], row["value"], note])
    return TableSpec(
        title=f"Coverage and forecast of {result.quarter}'s bookings", sheet="Coverage and forecast",
        columns=[Column(header="Figure"), Column(header="Value", unit="row"), Column(header="Note")],
        rows=cells, row_units=[FORECAST_FIGURES[row["figure"]][1] for row in rows],
        definition="Coverage: open pipeline due in the quarter ÷ bookings still to win; enough is 1 ÷ the trailing "
                   "win rate by value. Forecast: bookings to date + each open deal's amount × its chance of being "
                   "won by the quarter's end, learnt from past deals in its stage; commit: bookings to date + open "
                   "deals their owners called Commit.")


def forecast_words(result: forecasts.Forecast) -> list[str]:
    """Coverage, the forecast with its range, and the commit in sentences; each not measured says why."""
    if result.coverage is not None:
        enough = (f"enough at the trailing win rate ({formats.percent(result.trailing_win_rate)}) is "
                  f"{formats.ratio(result.coverage_needed)}" if result.coverage_needed is not None
                  else f"what is enough is not measured: {result.coverage_note}")
        words = [f"Coverage {formats.ratio(result.coverage)}: {formats.currency(result.open_pipeline)} of open "
                 f"pipeline for {formats.currency(result.to_win)} still to win; {enough}."]
    else:
        words = [f"Coverage: {result.coverage_note or 'not measured'}."]
    if result.expected is not None:
        words.append(f"Forecast {formats.currency(result.expected)} of bookings (10–90 %: "
                     f"{formats.currency(result.low)} – {formats.currency(result.high)}), with "
                     f"{formats.currency(result.bookings_to_date)} booked to date.")
    else:
        words.append(f"Forecast: {result.not_measured or 'not measured'}.")
    if result.unmeasured_deals:
        words.append(f"{result.unmeasured_deals:,} open deals ({formats.currency(result.unmeasured_amount)}) are "
                     "older in their stage than any past deal: left out of the forecast.")
    words.append(f"Commit {formats.currency(result.commit)}." if result.commit is not None
                 else f"Commit not measured: {result.commit_note or 'no forecast categories'}.")
    return words


def pace_chart_row(paced: pacing.Pace) -> pacing.PaceRow | None:
    """The row the pace part draws: bookings when planned, else the first planned number paced along a curve."""
    totals = [row for row in paced.rows if row.paced_as == "total"]
    return next((row for row in totals if row.name == PACE_CHART), totals[0] if totals else None)


def _pace(inputs: Inputs) -> list[Section]:
    paced: pacing.Pace = inputs.results["pace"]
    result: forecasts.Forecast = inputs.results["forecast"]
    title = f"{PARTS['pace']}: week {paced.week} of {paced.weeks}"
    words = [f"Data as of {formats.day(paced.as_of)}: {paced.weeks_left:.1f} weeks of {inputs.quarter} left."]
    if paced.not_planned:
        words.append(f"Nothing is paced: {paced.not_planned}.")
        tables = []
    else:
        counts = {status: sum(pace_status(row) == status for row in paced.rows)
                  for status in (*pacing.STATUSES, "not measured")}
        words.append(f"Of {len(paced.rows)} planned numbers: "
                     + ", ".join(f"{count} {status}" for status, count in counts.items() if count) + ".")
        curves = sorted({quarter for row in paced.rows for quarter in row.curve_from})
        if curves:
            words.append(f"Expected to date follows the weeks of {', '.join(curves)}; on track within "
                         f"±{paced.tolerance:.0%} of it.")
        tables = [pace_table(paced)]
    sections = [Section(key="pace", title=title, layout="tables" if tables else "words", words=words,
                        tables=tables)]
    row = pace_chart_row(paced)
    charts = [] if row is None else [pacing.chart(row, paced).model_copy(update={"sheet": "Pace chart"})]
    sections.append(Section(key="pace_forecast", title=f"{inputs.quarter}: on pace, coverage and forecast",
                            layout="chart_left" if charts else "words", words=forecast_words(result),
                            charts=charts, tables=[forecast_table(result)]))
    return sections


def slipped_table(slipped: pd.DataFrame) -> TableSpec:
    """The largest slipped deals (at most SLIPPED_ROWS): owner, region, amount, old → new close date."""
    shown = slipped.head(SLIPPED_ROWS)
    return TableSpec(
        title="The largest deals that slipped out of the quarter", sheet="Slipped deals",
        columns=[Column(header="Deal"), Column(header="Account"), Column(header="Owner"), Column(header="Region"),
                 Column(header="Amount", unit="currency"), Column(header="Was due", unit="date"),
                 Column(header="Now due", unit="date"), Column(header="Stage now"),
                 Column(header="Opportunity id", detail=True)],
        rows=[[_text_or_none(r.name), _text_or_none(r.account_name), _text_or_none(r.owner_name),
               _text_or_none(r.region), r.start_amount, r.start_close_date, r.end_close_date,
               _text_or_none(r.end_stage), str(r.opportunity_id)] for r in shown.itertuples()],
        definition="Deals whose close date moved out of the quarter while they were in its pipeline, largest first: "
                   "the amount and close date when they were due in it, the close date now.")


def _text_or_none(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _pipeline_walk(inputs: Inputs) -> Section | list[Section]:
    walk: pipeline_walk.Walk = inputs.results["walk"]
    if walk.not_measured:
        return Section(key="pipeline_walk", title=PARTS["pipeline_walk"], layout="words",
                       words=[f"The pipeline walk of {inputs.quarter} is not measured: {walk.not_measured}."])
    words = pipeline_walk.notes(walk)
    slipped = pipeline_walk.slipped(walk)
    rest = len(slipped) - SLIPPED_ROWS
    slipped_words = f"{len(slipped):,} deals slipped out of {inputs.quarter} " \
                    f"({formats.currency(slipped['start_amount'].sum())})" + (
        f"; the {SLIPPED_ROWS} largest are listed, {rest:,} more are not." if rest > 0 else ".")
    words.append(slipped_words if len(slipped) else "No deal slipped out of the quarter.")
    steps = pipeline_walk.table(walk)
    table = TableSpec(
        title="Start + each step = end", sheet="Pipeline walk",
        columns=[Column(header="Step"), Column(header="Deals", unit="count"), Column(header="Amount", unit="currency")],
        rows=[[r.label, r.deals, r.amount] for r in steps.itertuples()],
        definition="Open deals whose close date lies in the quarter; each deal in one step, by its state at the start "
                   "against its state at the end.")
    chart = pipeline_walk.waterfall(walk).model_copy(update={"sheet": "Pipeline walk chart"})
    sections = [Section(key="pipeline_walk", title=PARTS["pipeline_walk"],
                        layout="chart_left", words=words, charts=[chart], tables=[table])]
    if len(slipped):
        sections.append(Section(key="pipeline_walk_slipped", title=f"Slipped deals, {inputs.quarter}",
                                words=[slipped_words], tables=[slipped_table(slipped)]))
    return sections


# --- appendices ----------------------------------------------------------------------------------------------------

def definition_rows(definitions: Definitions,
                    money: currency.CurrencySettings | None = None) -> list[list[str]]:
    """The charter's definitions in words: name, value, what it means; then, given the warehouse's currency settings
    (`money`), the currency its amounts are in and the rates they are converted at."""
    rows = []
    for field, info in Definitions.model_fields.items():
        if info.exclude:
            continue  # learnt from the data when a model runs, not a charter choice
        value = getattr(definitions, field)
        if field == "lead_source_categories":
            grouped: dict[str, list[str]] = {}
            for source, category in value.items():
                grouped.setdefault(category, []).append(source)
            shown = "; ".join(f"{category}: {', '.join(sources)}" for category, sources in grouped.items())
        elif field == "targets":
            shown = "; ".join(f"{_title(name)}: {formats.by_unit(target, _unit(name))}" for name, target in
                              value.items()) or "none set"
        elif isinstance(value, dict):
            shown = "; ".join(f"{k}: {v}" for k, v in value.items()) or "none set"
        elif isinstance(value, tuple):
            shown = ", ".join(str(v).replace("_", " ") for v in value)
        elif field == "sla_hours":
            shown = formats.hours(value)
        elif field == "acceptance_target":
            shown = formats.percent(value)
        elif field == "bought_lead_price":
            shown = formats.currency(value)
        elif field.endswith("_days"):
            shown = formats.days(value)
        else:
            shown = str(value)
        rows.append([info.title or field, shown, info.description or ""])
    if money is not None:
        rows.append(["Currency", f"{money.corporate}, {money.conversion_date.replace('_', ' ')}", money.reading])
    return rows


def _definitions(inputs: Inputs) -> Section:
    charter = TableSpec(title="The definitions the numbers are computed under", sheet="Definitions",
                        columns=[Column(header="Definition"), Column(header="In force"), Column(header="Meaning")],
                        rows=definition_rows(inputs.definitions, inputs.money))
    names = list(inputs.comparisons)
    metrics = TableSpec(
        title="What each number means (the metric catalog)", sheet="Metric definitions",
        columns=[Column(header="Metric"), Column(header="Definition"), Column(header="Owner"),
                 Column(header="Better when"), Column(header="Catalog name", detail=True)],
        rows=[[catalog.spec(n).title, catalog.spec(n).definition, catalog.spec(n).owner,
               "higher" if catalog.spec(n).direction == "up" else "lower", n] for n in names])
    return Section(key="definitions", title=PARTS["definitions"], tables=[charter, metrics])


def _quality(inputs: Inputs) -> Section:
    checks = sorted(inputs.results["checks"], key=lambda c: (c.count == 0, c.severity != "warning", c.name))
    table = TableSpec(
        title="Data-quality checks on the loaded data", sheet="Data quality",
        columns=[Column(header="Check"), Column(header="Records", unit="count"), Column(header="Severity"),
                 Column(header="Why it matters")],
        rows=[[c.title, c.count, c.severity, c.description] for c in checks],
        definition="Audits that should find nothing; findings are reported, never silently corrected.")
    flagged = sum(1 for c in checks if c.count)
    summary = (f"{flagged} of {len(checks)} checks find records; warnings can skew the numbers, information notes "
               "limit what can be shown.")
    return Section(key="quality", title=PARTS["quality"], tables=[table], words=[summary])


def _signoff(signoff: SignoffStatus, quarter: Quarter) -> Section:
    words = {"not signed": "Not signed: the CMO and the VP of Sales have not signed this quarter off.",
             "proposed": "Proposed: the charter awaits both signatures.",
             "signed by one": "Signed by one: one of the two executives has signed.",
             "signed": "Signed: both executives signed this quarter's numbers and definitions.",
             "changed since sign-off": "Changed since sign-off: the data or the charter moved after signing; "
                                       "the signatures below do not cover what changed.",
             "not verified": "Not verified: the sign-off ledger does not check out, so no signature in it counts "
                             "until it is restored from a backup."}[signoff.state]
    if signoff.ledger_head:
        words += (f" Ledger head (record {signoff.ledger_records} of the quarter's chain): {signoff.ledger_head}. "
                  f"`python -m alignment charter verify --quarter {quarter} --head {signoff.ledger_head[:16]}` shows "
                  "later that the ledger still holds this record.")
    table = TableSpec(
        title="Signatures", sheet="Sign-off",
        columns=[Column(header="Name"), Column(header="Role"), Column(header="Signed at", unit="datetime"),
                 Column(header="SHA-256 signed")],
        rows=[[s.name, s.role.replace("_", " ").upper() if s.role in ("cmo", "vp_sales") else s.role, s.signed_at,
               s.hash] for s in signoff.signatures])
    return Section(key="signoff", title=PARTS["signoff"], words=[words, *signoff.problems, *signoff.changes],
                   tables=[table])


# --- the pack ------------------------------------------------------------------------------------------------------

def build_pack(source: catalog.Source, quarter: Quarter | str, *, signoff: SignoffStatus | None = None,
               charter: Charter | None = None, parts: list[str] | None = None,
               now: dt.datetime | None = None) -> BoardPack:
    """The quarter's pack under its charter (default: the default definitions and metrics), all parts or `parts` in
    their fixed order, read from the catalog once."""
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    signoff = signoff or SignoffStatus()
    charter = charter or carry_forward(None, quarter)
    unknown = sorted(set(parts or []) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown pack parts {unknown}; choose from {', '.join(PARTS)}")
    chosen = [part for part in PARTS if parts is None or part in parts]
    if not pacing.is_running(source, quarter):
        chosen = [part for part in chosen if part not in RUNNING_ONLY]
    corporate = currency.settings(source).corporate
    with formats.in_currency(corporate):
        return _build(source, quarter, signoff, charter, chosen, now, corporate)


def _build(source: catalog.Source, quarter: Quarter, signoff: SignoffStatus, charter: Charter, chosen: list[str],
           now: dt.datetime | None, corporate: str) -> BoardPack:
    inputs = Inputs(source, quarter, charter, chosen)
    build: dict[str, Callable[[], Section | list[Section]]] = {
        "summary": lambda: _summary(inputs, signoff), "scorecard": lambda: _scorecard(inputs),
        "quarter_plan": lambda: _quarter_plan(inputs, signoff),
        "roles": lambda: _roles(inputs), "waterfall": lambda: _waterfall(inputs),
        "pipeline": lambda: _pipeline(inputs), "plan": lambda: _plan(inputs),
        "campaigns": lambda: _campaigns(inputs),
        "sla": lambda: _sla(inputs), "definitions": lambda: _definitions(inputs),
        "quality": lambda: _quality(inputs), "signoff": lambda: _signoff(signoff, quarter),
        "pace": lambda: _pace(inputs), "pipeline_walk": lambda: _pipeline_walk(inputs),
    }
    sections = [build[part]() for part in chosen]
    return BoardPack(
        quarter=str(quarter), title=f"Sales & marketing alignment, {quarter}",
        generated_at=now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        data_as_of=inputs.info.latest_record_at, data_fingerprint=inputs.info.data_fingerprint,
        is_demo=inputs.info.is_demo, signoff=signoff, definitions=charter.definitions,
        sections=[section for built in sections for section in (built if isinstance(built, list) else [built])],
        currency=corporate)

