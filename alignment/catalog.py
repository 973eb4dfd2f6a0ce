"""The metric catalog: metrics/*.sql with their signed-off headers, run with bound parameters, compared over time."""

from __future__ import annotations

import datetime as dt
import functools
import graphlib
from concurrent.futures import ThreadPoolExecutor
import math
import re
import threading
import weakref
from pathlib import Path
from typing import Any, Callable, Literal, Protocol

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

from alignment import attribution, defaults, macros, names, schema, sqlfiles
from alignment.periods import Quarter, QuarterField, carried, running_quarter

METRICS_DIR = Path(__file__).resolve().parent.parent / "metrics"
INPUTS_SQL = Path(__file__).resolve().parent.parent / "sql" / "inputs.sql"
HEADER_FIELDS = ("name", "title", "definition", "unit", "owner", "funnel_role", "direction", "pairs_with", "grain",
                 "kind", "parameters", "needs", "uses", "measures", "records", "columns")
FUNNEL_STAGES = schema.WATERFALL_STAGES
FUNNEL_VIEWS = ("period", "cohort", "deals")
"""The funnel's views: people (or stage counts) reaching each stage in the quarter, the quarter's inquiries followed
through, and deals through their own stages (funnel_deals: its cohort and period rows)."""
SPLITS = ("none", "source_category", "channel", "segment", "region", "lead_source")


def _normalise(text: str) -> str:
    return text.strip().lower()


class Definitions(BaseModel):
    """The charter-overridable definitions a metric is computed under (DESIGN §4); defaults from alignment.defaults."""

    # Infinite or not-a-number options (a target, a price) cannot be signed as JSON nor compared: refused.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    stage_policy: Literal["backfill", "strict"] = Field(
        defaults.STAGE_POLICY, title="Skipped stages",
        description="backfill: a skipped stage counts at the next stage's date; strict: not")
    sla_hours: float = Field(defaults.SLA_HOURS, gt=0, title="Follow-up SLA",
                             description="follow-up within this many hours meets the SLA")
    acceptance_target: float = Field(defaults.ACCEPTANCE_TARGET, ge=0, le=1, title="Acceptance target",
                                     description="target share of MQLs sales accepts")
    lead_source_categories: dict[str, Literal["marketing", "sales", "partner", "other"]] = Field(
        default_factory=lambda: dict(defaults.LEAD_SOURCE_CATEGORIES), title="Lead source categories",
        description="lead source → source category; unlisted sources are 'other'")
    awareness_channels: tuple[str, ...] = Field(defaults.AWARENESS_CHANNELS, title="Awareness channels",
                                                description="channels whose campaigns play the awareness role")
    interest_touches: int = Field(defaults.INTEREST_TOUCHES, ge=0, le=1000, title="Interest: responded touches",
                                  description="responded touches before mql_at that show interest")
    interest_window_days: int = Field(defaults.INTEREST_WINDOW_DAYS, ge=0, le=3650, title="Interest window",
                                      description="how many days before mql_at a touch shows interest")
    sales_ready_personas: tuple[str, ...] = Field(defaults.SALES_READY_PERSONAS, title="Personas with a decision role",
                                                  description="personas with a role in the decision")
    bought_lead_price: float = Field(defaults.BOUGHT_LEAD_PRICE, ge=0, title="Bought-lead price",
                                     description="what a bought lead costs (benchmark for cost per sales-ready lead)")
    targets: dict[str, float] = Field(default_factory=dict, title="Targets", description="metric name → target value")
    model_of_record: Literal[defaults.ATTRIBUTION_MODELS] = Field(
        defaults.MODEL_OF_RECORD, title="Attribution model of record",
        description="the attribution model whose credit is reported (DESIGN §4.4)")
    lookback_days: int = Field(defaults.LOOKBACK_DAYS, ge=0, le=3650, title="Attribution lookback",
                               description="how many days before a deal's creation a touch can influence it")
    half_life_days: float = Field(defaults.HALF_LIFE_DAYS, gt=0, le=3650, title="Time-decay half-life",
                                  description="time_decay: days after which a touch's weight halves")
    linking: Literal["contacts", "account"] = Field(
        defaults.LINKING, title="Touches linked through",
        description="whose touches count for a deal: contacts (its contact roles and converted leads) or account "
                    "(everyone at its account)")
    primary_campaign_credit: bool = Field(
        defaults.PRIMARY_CAMPAIGN_CREDIT, title="Primary-campaign credit",
        description="a deal with no eligible touch that names its primary campaign counts that campaign as a touch "
                    "at the deal's creation (influenced, and credited by every model)")
    engaged_touches: int = Field(defaults.ENGAGED_TOUCHES, ge=1, le=1000, title="Engaged: responded touches",
                                 description="responded touches of an account's people that make it engaged")
    engaged_window_days: int = Field(defaults.ENGAGED_WINDOW_DAYS, ge=1, le=3650, title="Engagement window",
                                     description="how many days up to the quarter's end an account's touches count "
                                                 "for engagement and its score")
    engagement_half_life_days: float = Field(defaults.ENGAGEMENT_HALF_LIFE_DAYS, gt=0, le=3650,
                                             title="Engagement half-life",
                                             description="days after which a touch's weight in the account "
                                                         "engagement score halves")
    persona_weights: dict[str, float] = Field(
        default_factory=lambda: dict(defaults.PERSONA_WEIGHTS), title="Engagement weight by persona",
        description="persona → weight of a responded touch in the engagement score (unlisted personas weigh 1)")
    channel_weights: dict[str, float] = Field(
        default_factory=lambda: dict(defaults.CHANNEL_WEIGHTS), title="Engagement weight by channel",
        description="channel → weight of a responded touch in the engagement score (unlisted channels weigh 1)")
    markov_effects: dict[str, float] = Field(
        default_factory=dict, exclude=True,
        description="data_driven only: each channel's removal effect, learnt from the warehouse's paths when the "
                    "model runs (alignment.campaigns.results); not a charter choice")

    @field_validator("lead_source_categories")
    @classmethod
    def _sources(cls, value: dict[str, str]) -> dict[str, str]:
        return {_normalise(source): category for source, category in value.items() if source.strip()}

    @field_validator("awareness_channels")
    @classmethod
    def _channels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_normalise(channel) for channel in value)

    @field_validator("sales_ready_personas")
    @classmethod
    def _personas(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # held in their normal form, the one persona_key gives the data's personas (sql/macros/persona_key.sql)
        return tuple(names.keys(value))

    @field_validator("persona_weights", "channel_weights")
    @classmethod
    def _weights(cls, value: dict[str, float], info) -> dict[str, float]:
        weights = {}
        for name, weight in value.items():
            normal = names.key(name)
            if normal is None:
                raise ValueError(f"a {info.field_name.split('_')[0]} weight names no {info.field_name.split('_')[0]}; "
                                 "write its name, e.g. decision_maker: 4 or webinar: 2")
            if not (math.isfinite(weight) and 0 <= weight <= 1000):
                raise ValueError(f"the weight of '{name}' must be a number from 0 to 1000, not {weight}")
            weights[normal] = float(weight)
        if info.field_name == "persona_weights" and (unknown := sorted(set(weights) - set(schema.PERSONAS))):
            raise ValueError(f"{', '.join(unknown)}: not a persona; weigh {', '.join(schema.PERSONAS)}")
        return weights

    @model_serializer(mode="wrap")
    def _without_default_engagement(self, handler) -> dict[str, Any]:
        # The engagement options came after charters were signed: left at their defaults they stay out of the
        # canonical form, so a charter signed before them keeps its digest and its signatures.
        dumped = handler(self)
        for name in ENGAGEMENT_OPTIONS:
            if name in dumped and getattr(self, name) == type(self).model_fields[name].get_default(
                    call_default_factory=True):
                del dumped[name]
        return dumped

    def target_for(self, name: str) -> float | None:
        """The target of a metric: an explicit one, else the acceptance target or the bought-lead benchmark."""
        built_in = {"acceptance_rate": self.acceptance_target, "cost_per_sales_ready_lead": self.bought_lead_price}
        return self.targets.get(name, built_in.get(name))


ENGAGEMENT_OPTIONS = ("engaged_touches", "engaged_window_days", "engagement_half_life_days", "persona_weights",
                      "channel_weights")
"""The account-engagement options of the charter (left out of its canonical form while at their defaults)."""


class Source(Protocol):
    """What the catalog reads: a warehouse Reader or a DuckDB connection; each query takes a cursor of its own (a
    connection must not be shared between threads). A Spark source (alignment.spark_engine) runs the same files
    compiled for Spark instead."""

    def cursor(self) -> duckdb.DuckDBPyConnection: ...


def on_engine(source: Any) -> bool:
    """Whether the source runs the files on another engine than DuckDB (it has `run_file(sql, where, params)`)."""
    return callable(getattr(source, "run_file", None))


class Filters(BaseModel):
    """What the numbers are cut to: a quarter, optionally one region and one segment, and a split for breakdowns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarter: QuarterField
    region: str | None = None
    segment: str | None = None
    split: Literal[SPLITS] = "none"

    @field_validator("region", "segment", mode="before")
    @classmethod
    def _blank_is_all(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class Parameter(BaseModel):
    """A named parameter a metric's SQL may use, and where its value comes from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    description: str
    sql_type: str = Field(description="its DuckDB type, which the Spark compiler casts it to (spark_sql)")
    value: Callable[[Filters, Definitions], Any]


PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    # Timestamps are instants in UTC: they compare to the local midnights in UTC. Date-only fields (campaign and
    # spend dates) are days of the company's own calendar: they compare to the local days.
    Parameter(name="quarter_start", sql_type="TIMESTAMP",
              description="first instant of the quarter: local midnight of its first day, in UTC",
              value=lambda f, d: f.quarter.start),
    Parameter(name="quarter_end", sql_type="TIMESTAMP",
              description="first instant of the next quarter (UTC, exclusive)",
              value=lambda f, d: f.quarter.end),
    Parameter(name="quarter_first_day", sql_type="DATE", description="first day of the quarter (a local date)",
              value=lambda f, d: f.quarter.first_day),
    Parameter(name="quarter_end_day", sql_type="DATE",
              description="first day after the quarter (a local date, exclusive)",
              value=lambda f, d: f.quarter.end_day),
    Parameter(name="time_zone", sql_type="VARCHAR",
              description="the warehouse's time zone, whose days calendar days are counted in",
              value=lambda f, d: f.quarter.calendar.time_zone),
    Parameter(name="region", sql_type="VARCHAR",
              description="account region to keep (NULL: all)", value=lambda f, d: f.region),
    Parameter(name="segment", sql_type="VARCHAR",
              description="account segment to keep (NULL: all)", value=lambda f, d: f.segment),
    Parameter(name="split", sql_type="VARCHAR",
              description="dimension a breakdown is split by (" + ", ".join(SPLITS) + ")",
              value=lambda f, d: f.split),
    Parameter(name="backfill", sql_type="BOOLEAN", description="stage policy: true back-fills skipped stages",
              value=lambda f, d: d.stage_policy == "backfill"),
    Parameter(name="sla_hours", sql_type="DOUBLE",
              description="follow-up SLA in hours", value=lambda f, d: float(d.sla_hours)),
    Parameter(name="source_names", sql_type="VARCHAR[]",
              description="lead sources of the source-category map, in their normal form (alignment.names)",
              value=lambda f, d: [names.key(s) or "" for s in d.lead_source_categories]),
    Parameter(name="source_categories", sql_type="VARCHAR[]", description="their categories, in the same order",
              value=lambda f, d: list(d.lead_source_categories.values())),
    Parameter(name="awareness_channels", sql_type="VARCHAR[]",
              description="channels in the awareness role, in their normal form",
              value=lambda f, d: names.keys(d.awareness_channels)),
    Parameter(name="interest_touches", sql_type="BIGINT", description="responded touches that show interest",
              value=lambda f, d: d.interest_touches),
    Parameter(name="interest_window_days", sql_type="BIGINT", description="days before mql_at a touch shows interest",
              value=lambda f, d: d.interest_window_days),
    Parameter(name="sales_ready_personas", sql_type="VARCHAR[]",
              description="personas with a role in the decision, in their normal form",
              value=lambda f, d: names.keys(d.sales_ready_personas)),
    Parameter(name="bought_lead_price", sql_type="DOUBLE", description="what a bought lead costs (the benchmark)",
              value=lambda f, d: float(d.bought_lead_price)),
    Parameter(name="attribution_models", sql_type=attribution.MODEL_WEIGHTS_TYPE,
              description="the model of record as rows of raw weights",
              value=lambda f, d: attribution.model_weights((d.model_of_record,))),
    Parameter(name="lookback_hours", sql_type="BIGINT",
              description="attribution lookback in hours (lookback days × 24)",
              value=lambda f, d: d.lookback_days * 24),
    Parameter(name="half_life_days", sql_type="DOUBLE", description="time_decay half-life in days",
              value=lambda f, d: float(d.half_life_days)),
    Parameter(name="by_account", sql_type="BOOLEAN", description="linking: true links everyone at the deal's account",
              value=lambda f, d: d.linking == "account"),
    Parameter(name="primary_credit", sql_type="BOOLEAN",
              description="true credits a deal with no eligible touch to its primary campaign",
              value=lambda f, d: d.primary_campaign_credit),
    Parameter(name="engaged_touches", sql_type="BIGINT", description="responded touches that make an account engaged",
              value=lambda f, d: d.engaged_touches),
    Parameter(name="engaged_window_days", sql_type="BIGINT",
              description="days up to the quarter's end an account's touches count",
              value=lambda f, d: d.engaged_window_days),
    Parameter(name="engagement_half_life_days", sql_type="DOUBLE",
              description="days after which a touch's engagement weight halves",
              value=lambda f, d: float(d.engagement_half_life_days)),
    Parameter(name="persona_names", sql_type="VARCHAR[]",
              description="personas with an engagement weight, in their normal form",
              value=lambda f, d: list(d.persona_weights)),
    Parameter(name="persona_weights", sql_type="DOUBLE[]", description="their weights, in the same order",
              value=lambda f, d: [float(w) for w in d.persona_weights.values()]),
    Parameter(name="channel_names", sql_type="VARCHAR[]",
              description="channels with an engagement weight, in their normal form",
              value=lambda f, d: list(d.channel_weights)),
    Parameter(name="channel_weights", sql_type="DOUBLE[]", description="their weights, in the same order",
              value=lambda f, d: [float(w) for w in d.channel_weights.values()]),
    Parameter(name="markov_channels", sql_type="VARCHAR[]",
              description="data_driven: the channels with a removal effect",
              value=lambda f, d: attribution.markov_parameters(d.markov_effects)["markov_channels"]),
    Parameter(name="markov_effects", sql_type="DOUBLE[]",
              description="data_driven: their removal effects, in the same order",
              value=lambda f, d: attribution.markov_parameters(d.markov_effects)["markov_effects"]),
)}

PARAMETER_PATTERN = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def sql_parameters(sql: str) -> set[str]:
    """The $names a SQL text uses (comment lines ignored)."""
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return set(PARAMETER_PATTERN.findall(body))


HEADER_LINE = re.compile(r"^--\s(\w+):\s*(.*)$")
# A column is a name, or a label in double quotes (the records Explore shows are labelled for people: "Lead source").
COLUMN_LINE = re.compile(r'^--\s{3}(\w+|"[^"]+"):\s*(.*)$')
CONTINUATION_LINE = re.compile(r"^--\s{3,}(.*)$")


def parse_header(text: str) -> tuple[dict[str, str], dict[str, str], str]:
    """A headed SQL file's leading `-- key: value` comments, its `columns:` block and the SQL below.

    Under `columns:` each `--   name: comment` line describes one output column; any other line indented by three
    or more spaces continues the field (or column comment) above it.
    """
    fields: dict[str, str] = {}
    columns: dict[str, str] = {}
    key = column = None
    lines = text.splitlines()
    body_start = len(lines)
    for number, line in enumerate(lines):
        if not line.startswith("--"):
            body_start = number
            break
        if key == "columns" and (match := COLUMN_LINE.match(line)):
            column = match.group(1).strip('"')
            columns[column] = match.group(2).strip()
        elif match := HEADER_LINE.match(line):
            key = match.group(1)
            fields[key] = match.group(2).strip()
        elif key and (match := CONTINUATION_LINE.match(line)):
            if key == "columns" and column:
                columns[column] = (columns[column] + " " + match.group(1).strip()).strip()
            elif key != "columns":
                fields[key] = (fields[key] + " " + match.group(1).strip()).strip()
    fields.pop("columns", None)
    return fields, columns, "\n".join(lines[body_start:]).strip()


@functools.cache
def _inputs() -> tuple[dict[str, str], str]:
    _, columns, sql = parse_header(INPUTS_SQL.read_text(encoding="utf-8"))
    return columns, sql


def inputs() -> dict[str, str]:
    """Every input a metric may declare it needs (sql/inputs.sql), with the reason shown when the data lacks it."""
    return _inputs()[0]


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip().lstrip("$") for item in (text or "").split(",") if item.strip())


METRIC_CALL = re.compile(r"\bmetric_([a-z][a-z0-9_]*)\s*\(")


def _code(sql: str) -> str:
    """The SQL without its comments (a comment may name a metric or a parameter it does not use)."""
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def metric_calls(sql: str) -> list[str]:
    """The metrics whose macros (metric_<name>) a SQL text calls, in the order it first calls them."""
    return list(dict.fromkeys(METRIC_CALL.findall(_code(sql))))


def call_arguments(sql: str, called: str) -> list[int]:
    """How many arguments each call of metric_<called> in a SQL text passes (commas at the call's own depth)."""
    counts = []
    code = _code(sql)
    for match in re.finditer(r"\bmetric_" + called + r"\s*\(", code):
        depth, commas, quoted, empty = 1, 0, False, True
        for char in code[match.end():]:
            if char == "'":
                quoted = not quoted
            elif quoted:
                continue
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    break
            elif char == "," and depth == 1:
                commas += 1
            if not char.isspace() and depth >= 1:
                empty = False
        counts.append(0 if empty else commas + 1)
    return counts


class RecordsRef(BaseModel):
    """The records behind a headline metric's number: a record set of sql/records, the event that puts a record in
    the quarter (its anchor), and, when the metric counts only some of them, how to say which and the condition on
    the records' columns that keeps them.

    Written in the header as `records: deals won` or `records: deals won; sourced by marketing; "Source category" =
    'marketing'`. The condition is fixed text from the catalog, never user input; values in it are literals.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    records: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    anchor: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    phrase: str | None = None
    condition: str | None = None

    @field_validator("condition")
    @classmethod
    def _plain_condition(cls, value: str | None) -> str | None:
        if value is not None and re.search(r";|--|\$|/\*", value):
            raise ValueError("a records condition is one expression over the records' columns: no ';', comments or "
                             "$parameters")
        return value

    @classmethod
    def parse(cls, text: str) -> "RecordsRef":
        """`<record set> <anchor>[; <phrase>; <condition>]`."""
        parts = [part.strip() for part in text.split(";", 2)]
        head = parts[0].split()
        if len(head) != 2 or len(parts) == 2:
            raise ValueError(f"records: '{text}' is not '<record set> <anchor>' optionally followed by "
                             "'; <phrase>; <condition>' (e.g. 'deals won; sourced by marketing; \"Source category\" "
                             "= \'marketing\'')")
        return cls(records=head[0], anchor=head[1], phrase=parts[1] if len(parts) > 1 else None,
                   condition=parts[2] if len(parts) > 2 else None)


class MetricSpec(BaseModel):
    """One catalog entry: the header people sign off, plus the SQL that computes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3)
    definition: str = Field(min_length=10)
    # A percent metric's value is a fraction (0.9 is 90 %); formatting is the page's and the export's job.
    unit: Literal["count", "currency", "percent", "days", "hours", "ratio"]
    owner: Literal["marketing", "sales", "joint"]
    funnel_role: Literal["awareness", "demand_gen", "sales"]
    direction: Literal["up", "down"]
    pairs_with: str | None = None
    grain: str = Field(min_length=3)
    kind: Literal["headline", "breakdown"]
    parameters: tuple[str, ...]
    needs: tuple[str, ...] = Field((), description="the inputs (sql/inputs.sql) without which the metric is not "
                                                   "measured: its value is then empty, with the reason")
    uses: tuple[str, ...] = Field((), description="the metrics this one builds on: exactly those whose macros "
                                                  "(metric_<name>) its SQL calls")
    measures: tuple[str, ...] = Field((), description="the tables whose rows the metric counts or sums (Explore cuts "
                                                      "it by what every one of them carries)")
    records: RecordsRef | None = Field(None, description="the records behind a headline metric's number (Explore)")
    columns: dict[str, str]
    sql: str
    path: Path | None = None

    @field_validator("definition")
    @classmethod
    def _one_sentence(cls, value: str) -> str:
        if not value.endswith(".") or re.search(r"\.\s+[A-Z]", value):
            raise ValueError("the definition must be one plain sentence ending with a full stop")
        return value

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(PARAMETERS))
        if unknown:
            raise ValueError(f"unknown parameters {unknown}; bindable ones are {sorted(PARAMETERS)}")
        return value

    @field_validator("uses", "measures")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not re.match(r"^[a-z][a-z0-9_]*$", name)]
        if bad:
            raise ValueError(f"{bad} are not names: write lower-case names separated by commas")
        return value

    @field_validator("needs")
    @classmethod
    def _known_inputs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(inputs()))
        if unknown:
            raise ValueError(f"unknown inputs {unknown} under needs; sql/inputs.sql defines {sorted(inputs())}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "MetricSpec":
        used = sql_parameters(self.sql)
        if used != set(self.parameters):
            raise ValueError(f"{self.name}: the SQL uses {sorted(used)} but the header declares "
                             f"{sorted(self.parameters)}; list exactly the parameters the SQL uses")
        if self.kind == "headline" and "value" not in self.columns:
            raise ValueError(f"{self.name}: a headline metric returns a 'value' column; declare it under columns")
        if self.funnel_role in ("awareness", "demand_gen") and not self.pairs_with:
            raise ValueError(f"{self.name}: an {self.funnel_role} metric names the sales metric it feeds in pairs_with")
        if self.kind == "headline" and not self.needs:
            raise ValueError(f"{self.name}: a headline metric names the inputs it needs (needs: people, …) so that it "
                             "is shown as not measured, never as a number, when the data lacks them")
        called = set(metric_calls(self.sql))
        if called != set(self.uses):
            raise ValueError(f"{self.name}: the SQL calls the metrics {sorted(called)} but the header's uses lists "
                             f"{sorted(self.uses)}; list exactly the metrics whose macros (metric_<name>) it calls")
        if self.kind == "headline" and not (self.measures and self.records):
            raise ValueError(f"{self.name}: a headline metric names the tables it measures (measures: "
                             "opportunity_facts, …) and the records behind its number (records: deals created, …), "
                             "so that Explore can cut it and show what it counts")
        return self

    def not_measured(self, missing: dict[str, str]) -> str | None:
        """Why the metric cannot be measured on data lacking the `missing` inputs (None: it can)."""
        reasons = [missing[name] for name in self.needs if name in missing]
        return "; ".join(reasons) if reasons else None

    @property
    def filters(self) -> tuple[str, ...]:
        """Which of the region and segment filters this metric applies (cost has no region, for one)."""
        return tuple(f for f in ("region", "segment") if f in self.parameters)


def parse_metric(text: str, path: Path | None = None) -> MetricSpec:
    """Read a metric file: its header (`parse_header`) and the SQL below."""
    fields, columns, sql = parse_header(text)
    where = f"{path.name}: " if path else ""
    unknown = sorted(set(fields) - set(HEADER_FIELDS))
    if unknown:
        raise ValueError(f"{where}unknown header fields {unknown}; the header has {list(HEADER_FIELDS)}")
    fields["parameters"] = _list(fields.get("parameters"))
    fields["needs"] = _list(fields.get("needs"))
    fields["uses"] = _list(fields.get("uses"))
    fields["measures"] = _list(fields.get("measures"))
    fields["records"] = RecordsRef.parse(fields["records"]) if fields.get("records") else None
    fields["pairs_with"] = fields.get("pairs_with") or None
    return MetricSpec(**fields, columns=columns, sql=sql, path=path)


@functools.cache
def _load(directory: Path) -> dict[str, MetricSpec]:
    specs = {}
    for path in sorted(directory.glob("*.sql")):
        spec = parse_metric(path.read_text(encoding="utf-8"), path)
        if spec.name != path.stem:
            raise ValueError(f"{path.name}: the header names '{spec.name}'; name the file {spec.name}.sql")
        specs[spec.name] = spec
    dependency_order(specs)
    return specs


def dependency_order(specs: dict[str, MetricSpec]) -> list[str]:
    """The metrics' names, each after every metric it uses (so their macros can be created in this order); a metric
    using one that does not exist, with the wrong number of arguments, or in a cycle is refused, naming it."""
    for spec in specs.values():
        for used in spec.uses:
            if used not in specs:
                raise ValueError(f"{spec.name}: uses '{used}', which is not a metric of the catalog")
            wanted = len(specs[used].parameters)
            for given in call_arguments(spec.sql, used):
                if given != wanted:
                    raise ValueError(f"{spec.name}: metric_{used} takes {wanted} arguments, its parameters in order "
                                     f"({', '.join(specs[used].parameters)}), but is called with {given}")
    sorter = graphlib.TopologicalSorter({name: specs[name].uses for name in sorted(specs)})
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as error:
        cycle = error.args[1]
        raise ValueError("metrics cannot build on each other in a cycle: " + " uses ".join(reversed(cycle))
                         + "; make one of them read the tables instead") from None


@functools.cache
def _resolved(directory: Path) -> Path:
    return directory.resolve()


def load_catalog(directory: Path = METRICS_DIR) -> dict[str, MetricSpec]:
    """Every metric in metrics/, by name (read once per process)."""
    return _load(_resolved(Path(directory)))


def spec(name: str) -> MetricSpec:
    catalog = load_catalog()
    if name not in catalog:
        raise KeyError(f"no metric named '{name}' in the catalog; known: {', '.join(sorted(catalog))}")
    return catalog[name]


def headline_metrics() -> list[MetricSpec]:
    return [s for s in load_catalog().values() if s.kind == "headline"]


def bind(metric: MetricSpec, filters: Filters, definitions: Definitions) -> dict[str, Any]:
    """The values of exactly the parameters a metric declares."""
    return {name: PARAMETERS[name].value(filters, definitions) for name in metric.parameters}


# Every metric is also installed as a table macro taking its declared parameters, so that one query can evaluate it
# for several quarters and a metric can build on another (`uses:`, calling metric_<name>). Macro parameters shadow
# column names, hence the prefix (a metric's SQL reads columns called region and segment and takes $region and
# $segment).
MACRO_PARAMETER_PREFIX = "param_"


def macro_name(metric: MetricSpec) -> str:
    return "metric_" + metric.name


def macro_statement(metric: MetricSpec) -> str:
    """The metric's SQL file as a table macro: its declared parameters become the macro's, `$name` → `param_name`.

    Identifiers come from the catalog only (the metric name is checked against a pattern, parameter names against
    PARAMETERS); values still reach the macro as bound parameters of the query that calls it.
    """
    body = PARAMETER_PATTERN.sub(lambda match: MACRO_PARAMETER_PREFIX + match.group(1), metric.sql)
    arguments = tuple(MACRO_PARAMETER_PREFIX + name for name in metric.parameters)
    return sqlfiles.macro_statement(macro_name(metric), arguments, body, table=True)


@functools.cache
def _metric_macros(directory: Path) -> tuple[str, ...]:
    # Every metric is a macro, created after the metrics it uses: a ratio reads its bases through theirs.
    specs = _load(directory)
    return tuple(macro_statement(specs[name]) for name in dependency_order(specs))


def cursor(source: Source) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on a Reader or a DuckDB connection, in UTC, that sees the shared and the per-metric macros."""
    fresh = source.cursor()
    fresh.execute("SET TimeZone = 'UTC'")
    installer = source.cursor()
    try:
        return macros.prepare(fresh, installer, _metric_macros(_resolved(METRICS_DIR)))
    finally:
        installer.close()


def _filters(filters: Filters | dict) -> Filters:
    """The filters every call of the catalog takes: a Filters, or its fields as a dict (the quarter among them)."""
    return filters if isinstance(filters, Filters) else Filters(**filters)


def run(source: Source, name: str, filters: Filters | dict, definitions: Definitions | None = None) -> pd.DataFrame:
    """Run one catalog metric for the filters; every value reaches the SQL as a bound, named parameter."""
    metric = spec(name)
    if on_engine(source):
        return source.run_file(metric.sql, f"metrics/{name}.sql",
                               bind(metric, _filters(filters), definitions or Definitions()))
    metric_cursor = cursor(source)
    try:
        return metric_cursor.execute(metric.sql, bind(metric, _filters(filters), definitions or Definitions())).df()
    finally:
        metric_cursor.close()


def _plain(value: Any) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


_missing_cache: "weakref.WeakKeyDictionary[Any, dict[str, str]]" = weakref.WeakKeyDictionary()


def missing_inputs(source: Source) -> dict[str, str]:
    """The inputs the loaded data lacks, each with the reason a metric needing it is not measured (asked once per
    read-only snapshot of the warehouse)."""
    try:
        return _missing_cache[source]
    except (KeyError, TypeError):
        pass
    if on_engine(source):
        frame = source.run_file(_inputs()[1], "sql/inputs.sql", {})
    else:
        query_cursor = cursor(source)
        try:
            frame = query_cursor.execute(_inputs()[1]).df()
        finally:
            query_cursor.close()
    missing = {name: reason for name, reason in inputs().items() if not bool(frame[name].iloc[0])}
    try:
        _missing_cache[source] = missing
    except TypeError:
        pass  # a connection being written (an import) is asked afresh
    return missing


class Measure(BaseModel):
    """A headline metric's value, or why it is not measured (then the value is empty, never a number)."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float | int | None
    not_measured: str | None = None


def measure(source: Source, name: str, filters: Filters | dict, definitions: Definitions | None = None) -> Measure:
    """A headline metric's value for the filters, or the reason it cannot be measured on the loaded data."""
    metric = spec(name)
    if metric.kind != "headline":
        raise ValueError(f"'{name}' is a breakdown ({metric.grain}); run() it for its rows")
    reason = metric.not_measured(missing_inputs(source))
    if reason:
        return Measure(name=name, value=None, not_measured=reason)
    frame = run(source, name, filters, definitions)
    return Measure(name=name, value=_plain(frame["value"].iloc[0]) if len(frame) else None)


def value(source: Source, name: str, filters: Filters | dict, definitions: Definitions | None = None) -> Any:
    """The `value` of a headline metric (None when the quarter has nothing to measure, or the data lacks what it
    needs: `measure` says which)."""
    return measure(source, name, filters, definitions).value


class TrendPoint(BaseModel):
    """A metric's value in one quarter."""

    quarter: str
    value: float | None


class Comparison(BaseModel):
    """A headline metric for a quarter beside its target, the quarter before, a year before, and 8 quarters."""

    name: str
    title: str
    unit: str
    direction: str
    quarter: str
    value: float | None
    target: float | None
    last_quarter: float | None
    same_quarter_last_year: float | None
    change_vs_last_quarter: float | None = Field(description="value − last quarter's; empty while the quarter is "
                                                             "under way (a part against a whole is no change)")
    change_vs_last_year: float | None = Field(description="value − the same quarter last year's; empty while the "
                                                          "quarter is under way")
    trend: list[TrendPoint] = Field(description="the 8 quarters ending with this one, oldest first")
    not_measured: str | None = Field(None, description="why the loaded data cannot give this metric (then every "
                                                       "value is empty and no target is judged)")
    to_date: dt.date | None = Field(None, description="the quarter is under way: its value runs to this day (the "
                                                      "data's as-of day), so its target is not judged yet; pacing "
                                                      "judges it against the weeks gone")

    @property
    def target_met(self) -> bool | None:
        """Whether the quarter's value meets its target (None: no target, nothing measured to judge, or the quarter
        still running)."""
        return None if self.not_measured or self.to_date else meets(self.value, self.target, self.direction)


def meets(value: float | None, target: float | None, direction: str) -> bool | None:
    """Whether a value meets a target, judged by the metric's direction (None without both)."""
    if value is None or target is None:
        return None
    return value >= target if direction == "up" else value <= target


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


# A few threads, each with its own cursor, keep both cores busy while one metric's query is planned.
SCORECARD_THREADS = 4
# How each metric's 8-quarter trend is evaluated, best first: one query joining the quarters LATERALly to the metric's
# macro; one query of the macro's expansions, one per quarter, UNION ALL BY NAME (when DuckDB cannot decorrelate the
# metric's SQL); the metric's SQL file run once per quarter (when it cannot be a macro at all).
TREND_STRATEGIES = ("lateral", "union", "per_quarter")
# The strategy each metric settled on in this process (a metric drops to the next one when DuckDB refuses it).
trend_strategy: dict[str, str] = {}


def _quarter_bounds(base: Filters, definitions: Definitions, quarters: list[Quarter]) -> list[dict[str, Any]]:
    return [{name: PARAMETERS[name].value(base.model_copy(update={"quarter": q}), definitions)
             for name in sqlfiles.QUARTER_BOUNDS} for q in quarters]


def _trend_query(strategy: str, metric: MetricSpec, base: Filters, definitions: Definitions,
                 bounds: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """One query returning (quarter_index, value) rows for the windows' bounds, and its bound parameters."""
    params = {name: value for name, value in bind(metric, base, definitions).items()
              if name not in sqlfiles.QUARTER_BOUNDS}
    if strategy == "lateral":
        # every list is bound (the query unnests them all), even a bound the metric does not take
        params.update({name + "s": [values[name] for values in bounds] for name in sqlfiles.QUARTER_BOUNDS})
        return sqlfiles.trend_lateral(macro_name(metric), metric.parameters), params
    for index, values in enumerate(bounds):
        params.update({name + "_" + str(index): values[name] for name in metric.parameters
                       if name in sqlfiles.QUARTER_BOUNDS})
    return sqlfiles.trend_union(macro_name(metric), metric.parameters, len(bounds)), params


def _trend_values(metric_cursor: duckdb.DuckDBPyConnection, metric: MetricSpec, base: Filters,
                  definitions: Definitions, bounds: list[dict[str, Any]]) -> list[Any]:
    """The metric's value in each window (quarter bounds), in order, by the best strategy DuckDB accepts for it."""
    first = TREND_STRATEGIES.index(trend_strategy.get(metric.name, TREND_STRATEGIES[0]))
    for strategy in TREND_STRATEGIES[first:-1]:
        try:
            sql, params = _trend_query(strategy, metric, base, definitions, bounds)
            frame = metric_cursor.execute(sql, params).df()
        except duckdb.Error:
            continue  # refused (no macro, or a shape DuckDB cannot decorrelate): try the next strategy
        trend_strategy[metric.name] = strategy
        values: dict[int, Any] = {}
        for index, result in zip(frame["quarter_index"], frame["value"]):
            values.setdefault(int(index), _plain(result))  # a headline metric has one row per quarter
        return [values.get(index) for index in range(len(bounds))]
    trend_strategy[metric.name] = TREND_STRATEGIES[-1]
    values = []
    for window in bounds:
        params = bind(metric, base, definitions)
        params.update({name: value for name, value in window.items() if name in params})
        frame = metric_cursor.execute(metric.sql, params).df()
        values.append(_plain(frame["value"].iloc[0]) if len(frame) else None)
    return values


Window = tuple[Any, Any]
"""A span of local days: its first day and the first day after it."""


def window_values(source: Source, name: str, filters: Filters | dict, definitions: Definitions | None,
                  windows: list[Window]) -> list[Any]:
    """A headline metric's value over each window of local days, as if each were the quarter, in one query where
    DuckDB allows it (pacing reads a quarter to date and its weeks this way)."""
    return windows_values(source, [(name, filters, definitions, windows)])[0]


def window_bounds(calendar: Any, windows: list[Window]) -> list[dict[str, Any]]:
    """Each window of local days [first, after) as the bounds a metric binds for its quarter: the local midnights in
    UTC for moments, the days for dates."""
    return [{"quarter_start": calendar.midnight_utc(first), "quarter_end": calendar.midnight_utc(after),
             "quarter_first_day": first, "quarter_end_day": after} for first, after in windows]


def windows_values(source: Source, requests: list[tuple[str, Filters | dict, Definitions | None, list[Window]]]
                   ) -> list[list[Any]]:
    """window_values for several (metric, filters, definitions, windows) at once, on a few threads each keeping its
    cursor (preparing one costs about as much as a small query), in the order asked."""
    per_thread = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def one(request: tuple[str, Filters | dict, Definitions | None, list[Window]]) -> list[Any]:
        name, filters, definitions, windows = request
        base = _filters(filters)
        bounds = window_bounds(base.quarter.calendar, windows)
        if not hasattr(per_thread, "cursor"):
            per_thread.cursor = cursor(source)
            cursors.append(per_thread.cursor)
        return _trend_values(per_thread.cursor, spec(name), base, definitions or Definitions(), bounds)

    if not requests:
        return []
    try:
        with ThreadPoolExecutor(max_workers=min(SCORECARD_THREADS, len(requests))) as pool:
            return list(pool.map(carried(one), requests))
    finally:
        for used in cursors:
            used.close()


def _comparison(name: str, base: Filters, definitions: Definitions, quarters: list[Quarter],
                values: list[Any], not_measured: str | None = None, to_date: dt.date | None = None) -> Comparison:
    metric = spec(name)
    current, last, year_ago = values[-1], values[-2], values[-5]
    return Comparison(
        not_measured=not_measured, to_date=to_date,
        name=name, title=metric.title, unit=metric.unit, direction=metric.direction, quarter=str(base.quarter),
        value=current, target=definitions.target_for(name), last_quarter=last, same_quarter_last_year=year_ago,
        # Weeks of a quarter under way against whole quarters would read as a collapse: no change until it ends.
        change_vs_last_quarter=None if to_date else _difference(current, last),
        change_vs_last_year=None if to_date else _difference(current, year_ago),
        trend=[TrendPoint(quarter=str(q), value=v) for q, v in zip(quarters, values)],
    )


def _trend_quarters(base: Filters) -> list[Quarter]:
    return [base.quarter.shift(-offset) for offset in range(7, -1, -1)]


def compare(source: Source, name: str, filters: Filters | dict, definitions: Definitions | None = None) -> Comparison:
    """The quarter's value, last quarter's, the same quarter last year's and the 8-quarter trend, in the core."""
    return scorecard(source, filters, definitions, names=[name])[0]


def scorecard(source: Source, filters: Filters | dict, definitions: Definitions | None = None,
              names: list[str] | None = None, as_of: dt.date | None = None) -> list[Comparison]:
    """Every headline metric (or just `names`) for the quarter with its comparisons: the Scorecard and board pack.
    `as_of` is the data's as-of day: when the quarter is still running on it, its comparisons say they run to that
    day and judge no target."""
    definitions = definitions or Definitions()
    base = _filters(filters)
    quarters = _trend_quarters(base)
    to_date = as_of if as_of is not None and running_quarter(as_of, base.quarter.calendar) == base.quarter else None
    wanted = names or [m.name for m in headline_metrics()]
    for name in wanted:
        if spec(name).kind != "headline":  # fail before any query runs
            raise ValueError(f"'{name}' is a breakdown ({spec(name).grain}); run() it for its rows")
    missing = missing_inputs(source)
    reasons = {name: spec(name).not_measured(missing) for name in wanted}
    # One cursor per worker thread, reused for its metrics: preparing a cursor costs about as much as a small query.
    per_thread = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def trend(name: str) -> list[Any]:
        if reasons[name]:
            return [None] * len(quarters)  # not measured: no query, no number
        if on_engine(source):
            # the macros and their LATERAL trend are DuckDB's: another engine runs the file once per quarter
            return [value(source, name, base.model_copy(update={"quarter": q}), definitions) for q in quarters]
        if not hasattr(per_thread, "cursor"):
            per_thread.cursor = cursor(source)
            cursors.append(per_thread.cursor)
        return _trend_values(per_thread.cursor, spec(name), base, definitions,
                             _quarter_bounds(base, definitions, quarters))

    try:
        with ThreadPoolExecutor(max_workers=min(SCORECARD_THREADS, len(wanted))) as pool:
            per_metric = list(pool.map(carried(trend), wanted))
    finally:
        for used in cursors:
            used.close()
    return [_comparison(name, base, definitions, quarters, values, reasons[name], to_date)
            for name, values in zip(wanted, per_metric)]


def metrics_for_quarter(source: Source, filters: Filters | dict, definitions: Definitions | None = None
                        ) -> list[dict[str, Any]]:
    """One row per headline catalog metric: name, title, value, unit, and why it is not measured when the data lacks
    what it needs (for `python -m alignment metrics`)."""
    scoped = _filters(filters)
    rows = []
    for m in headline_metrics():
        measured = measure(source, m.name, scoped, definitions)
        rows.append({"name": m.name, "title": m.title, "value": measured.value, "unit": m.unit,
                     "not_measured": measured.not_measured})
    return rows


def funnel(source: Source, filters: Filters | dict, view: str = "period", definitions: Definitions | None = None
           ) -> pd.DataFrame:
    """The waterfall for a quarter: one row per stage (and split value) with volume, ratio, velocity and value; the
    "deals" view is the deal-stage funnel, its cohort and its period rows (funnel_deals)."""
    if view not in FUNNEL_VIEWS:
        raise ValueError(f"view is 'deals', 'period' or 'cohort', not '{view}'")
    scoped = _filters(filters)
    frame = run(source, f"funnel_{view}", scoped, definitions)
    return frame.drop(columns=["split_value"]) if scoped.split == "none" else frame


def deal_funnel(source: Source, filters: Filters | dict, view: str = "cohort", definitions: Definitions | None = None
                ) -> pd.DataFrame:
    """The deal-stage funnel's rows of one view: the deals created in the quarter ("cohort") or the deals entering
    each stage during it ("period")."""
    if view not in ("period", "cohort"):
        raise ValueError(f"the deal-stage funnel's view is 'period' or 'cohort', not '{view}'")
    frame = funnel(source, filters, "deals", definitions)
    return frame[frame["view"] == view].drop(columns=["view"]).reset_index(drop=True)


def funnel_unavailable(source: Source, view: str) -> str | None:
    """Why the loaded data cannot give a funnel view (None: it can); the page and the command line say it."""
    if view not in FUNNEL_VIEWS:
        raise ValueError(f"view is 'deals', 'period' or 'cohort', not '{view}'")
    missing = missing_inputs(source)
    if view == "deals":
        return missing.get("opportunities")
    if "people" not in missing:
        return None
    counts_only = "stage_counts" not in missing
    if view == "cohort":
        return "cohort view needs people with ids (" + ("only stage counts were loaded" if counts_only
                                                        else "no people were loaded") + ")"
    return None if counts_only else "period view needs people or stage counts per period (neither was loaded)"


def has_data(source: Source, filters: Filters | dict) -> bool:
    """Whether anything was recorded in the quarter under the region and segment filters: a person created, a stage
    reached, a deal created or closed, a responded touch (people and deals are scoped through their account), a
    stage count of a period starting in it."""
    scoped = _filters(filters)
    parameters = {name: PARAMETERS[name].value(scoped, Definitions())
                  for name in ("quarter_start", "quarter_end", "quarter_first_day", "quarter_end_day", "region",
                               "segment")}
    if on_engine(source):
        return bool(source.run_file(sqlfiles.query("has_data"), "sql/queries/has_data.sql", parameters).iloc[0, 0])
    query_cursor = cursor(source)
    try:
        return bool(query_cursor.execute(sqlfiles.query("has_data"), parameters).fetchone()[0])
    finally:
        query_cursor.close()
