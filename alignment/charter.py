"""A quarter's charter: the metrics chosen, their targets and the definitions they are computed under, as canonical JSON."""

from __future__ import annotations

import functools
import hashlib
import json
import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

from alignment import catalog
from alignment.catalog import Definitions, Filters
from alignment.periods import Quarter, carried
from alignment.waterfall import Plan, Waterfall

DEFAULT_METRICS: tuple[str, ...] = (
    "awareness_spend", "impressions", "reach", "site_visits", "awareness_sourced_inquiries",
    "marketing_spend", "inquiries", "mqls", "lead_quality", "cost_per_mql",
    "pipeline", "share_sourced_by_marketing", "bookings", "acceptance_rate", "sla_met_share",
)
"""The metrics a quarter's charter starts with when no earlier quarter has one: the Scorecard's three columns."""

# Totals (counts, money) only make sense against a target set for the same scope; rates and durations do not add
# up across regions, so a whole-company target for them also holds for one region or segment.
SCOPE_BOUND_UNITS = ("count", "currency")

SIGNIFICANT_DIGITS = 9
"""Metric values are signed to this many significant digits: DuckDB sums doubles in parallel, in no fixed order,
so the last bits of a value may differ between two runs over the same data."""


def canonical_json(value: Any) -> str:
    """One text per value: keys sorted, no spaces, no NaN (the form every hash here is taken over)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@functools.cache
def _headline_names() -> frozenset[str]:
    return frozenset(m.name for m in catalog.headline_metrics())  # the catalog is read once per process


def _unknown_metrics(names) -> list[str]:
    return sorted(set(names) - _headline_names())


class Charter(BaseModel):
    """What the CMO and the VP of Sales agree on for one quarter (DESIGN §7): chosen metrics, targets, definitions."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    quarter: str = Field(description="the quarter it governs, e.g. 2026-Q3")
    version: int = Field(0, ge=0, description="1 for the first saved version; 0 until one is saved")
    carried_from: str | None = Field(None, description="the quarter whose charter this one started from")
    metrics: tuple[str, ...] = Field(DEFAULT_METRICS, description="the headline metrics the quarter is judged on")
    definitions: Definitions = Field(default_factory=Definitions,
                                     description="definition options; definitions.targets are whole-company targets")
    region_targets: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                        description="region → metric → target")
    segment_targets: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                         description="segment → metric → target")
    plan: Plan | None = Field(None, description="the quarter's plan (reverse waterfall) its stage targets come from")

    @field_validator("quarter", mode="before")
    @classmethod
    def _quarter(cls, value: Any) -> str:
        return str(Quarter.parse(value) if isinstance(value, str) else value)

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("choose at least one metric for the quarter")
        unknown = _unknown_metrics(value)
        if unknown:
            raise ValueError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a headline metric of "
                             "the catalog; pick from the Explore page's list")
        return tuple(dict.fromkeys(value))

    @field_validator("region_targets", "segment_targets")
    @classmethod
    def _scopes(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        cleaned = {}
        for scope, targets in value.items():
            if not scope.strip():
                raise ValueError("a target's region or segment is empty; name the region or segment it is for")
            cleaned[scope.strip()] = targets
        return cleaned

    @model_validator(mode="after")
    def _targets_name_metrics(self) -> "Charter":
        scoped = [self.definitions.targets, *self.region_targets.values(), *self.segment_targets.values()]
        for targets in scoped:
            unknown = _unknown_metrics(targets)
            if unknown:
                raise ValueError(f"a target is set for {', '.join(unknown)}, which is not a headline metric")
            for name, target in targets.items():
                if not math.isfinite(target):
                    raise ValueError(f"the target for {name} must be a number")
        return self

    @model_validator(mode="after")
    def _plan_for_this_quarter(self) -> "Charter":
        if self.plan is not None and self.plan.quarter != self.quarter:
            raise ValueError(f"the plan is for {self.plan.quarter} but the charter governs {self.quarter}; write the "
                             "plan for the charter's quarter")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_plan(self, handler: Any) -> dict[str, Any]:
        # a charter without a plan is written as it was before plans existed, so its digest and signatures hold
        dumped = handler(self)
        if dumped.get("plan", 0) is None:
            del dumped["plan"]
        return dumped

    def by_funnel_role(self) -> dict[str, list[str]]:
        """The chosen metrics in the Scorecard's three columns (awareness, demand generation, sales), in order."""
        columns: dict[str, list[str]] = {"awareness": [], "demand_gen": [], "sales": []}
        for name in self.metrics:
            columns[catalog.spec(name).funnel_role].append(name)
        return columns

    def metrics_and_pairs(self) -> list[str]:
        """The chosen metrics and the sales numbers their awareness and demand-generation metrics feed."""
        paired = [catalog.spec(name).pairs_with for name in self.metrics if catalog.spec(name).pairs_with]
        return list(dict.fromkeys([*self.metrics, *paired]))

    def canonical(self) -> str:
        return canonical_json(self.model_dump(mode="json"))

    def digest(self) -> str:
        return sha256(self.model_dump(mode="json"))

    def target(self, name: str, region: str | None = None, segment: str | None = None) -> float | None:
        """The target in force for a metric under a region or segment filter (a region's own target first)."""
        return self.definitions_for(region, segment).target_for(name)

    def definitions_for(self, region: str | None = None, segment: str | None = None) -> Definitions:
        """The definitions with the targets that hold for the region and segment chosen in the filter bar."""
        if region is None and segment is None:
            return self.definitions
        targets = {name: value for name, value in self.definitions.targets.items()
                   if catalog.spec(name).unit not in SCOPE_BOUND_UNITS}
        targets.update(self.segment_targets.get(segment or "", {}))
        targets.update(self.region_targets.get(region or "", {}))
        return self.definitions.model_copy(update={"targets": targets})


def edited(charter: Charter, values: dict[str, Any]) -> Charter:
    """The charter with a form's values applied, validated whole (ValidationError says what to fix)."""
    current = charter.model_dump(mode="json")
    merged = {**current, **values, "definitions": {**current["definitions"], **values.get("definitions", {})}}
    return Charter.model_validate(merged)


def carry_forward(previous: Charter | None, quarter: Quarter | str) -> Charter:
    """A quarter's starting charter: the previous one's metrics, targets, definitions and plan (now for this quarter,
    its rates measured afresh), not yet saved or signed."""
    quarter = str(Quarter.parse(quarter) if isinstance(quarter, str) else quarter)
    if previous is None:
        return Charter(quarter=quarter)
    plan = previous.plan.model_copy(update={"quarter": quarter}) if previous.plan else None
    return previous.model_copy(update={"quarter": quarter, "version": 0, "carried_from": previous.quarter,
                                       "plan": plan})


def with_plan(charter: Charter, waterfall: Waterfall) -> Charter:
    """The charter with the plan and the needed number of each stage as the target of its metric, for the company and
    for each region and segment the plan has a bookings target for (other targets untouched; validated whole)."""
    planned = waterfall.targets()
    current = charter.model_dump(mode="json")
    regions, segments = current["region_targets"], current["segment_targets"]
    for scopes, kind in ((regions, "region"), (segments, "segment")):
        for name, targets in planned[kind].items():
            scopes[name] = {**scopes.get(name, {}), **targets}
    return edited(charter, {"plan": waterfall.plan.model_dump(mode="json"), "region_targets": regions,
                            "segment_targets": segments,
                            "definitions": {"targets": {**current["definitions"]["targets"],
                                                        **planned["company"].get(None, {})}}})


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def option_changes(before: Charter, after: Charter) -> list[tuple[str, Any, Any]]:
    """(option, value before, value after) for every option that differs, version and provenance aside."""
    ignore = {"version", "carried_from", "quarter"}

    def options(charter: Charter) -> dict[str, Any]:
        dumped = {k: v for k, v in charter.model_dump(mode="json").items() if k not in ignore}
        # the options the canonical form leaves out at their defaults are compared at their values all the same
        dumped["definitions"] |= {name: getattr(charter.definitions, name) for name in catalog.ENGAGEMENT_OPTIONS}
        return _flatten(dumped)

    old, new = options(before), options(after)
    return [(key, old.get(key), new.get(key)) for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def rounded(value: Any) -> float | int | None:
    """A metric value as it is signed: None, or a number to SIGNIFICANT_DIGITS."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(f"{float(value):.{SIGNIFICANT_DIGITS}g}")


def metric_values(source: Any, charter: Charter) -> dict[str, float | None]:
    """The whole company's value of each chosen metric in the charter's quarter, under its definitions."""
    filters = Filters(quarter=charter.quarter)

    def one(name: str) -> float | None:
        return rounded(catalog.value(source, name, filters, charter.definitions))

    # Each metric takes its own cursor, so a few threads keep both cores busy (as the scorecard does).
    with ThreadPoolExecutor(max_workers=catalog.SCORECARD_THREADS) as pool:
        return dict(zip(charter.metrics, pool.map(carried(one), charter.metrics)))
