"""Multi-touch attribution of pipeline and bookings to campaigns (DESIGN §4.3, §4.4, §4.8), computed in DuckDB.

Readings chosen where DESIGN leaves room (each is pinned by a test in tests/test_attribution.py):

- Touches come from the warehouse's `touches` table (responded memberships at `first_responded_at`, else the
  membership's `created_at`); a membership with neither date has no moment and is never in a window. One person in
  one campaign is one touch because `campaign_members` is keyed on (campaign_id, person_id).
- `linking="account"` replaces the linked people with everyone whose `account_id` is the deal's (literal reading of
  "everyone at the account"): a deal without an account then has no touches under that option.
- Bookings basis: won deals (`is_won`, as the catalog's bookings metric reads it) that have a `close_date`; the
  quarter filter keeps those whose close date is in the quarter. Pipeline basis: every deal; the quarter filter keeps
  those created in it.
- `last_touch` gives 1 to the last touch of the window (= OT on the pipeline basis, = CT on the bookings basis).
- CT on the bookings basis is the last touch at or before the end of `close_date`, i.e. the last touch in the window.
- The result of `attribute` has one row per (opportunity, campaign): two linked people touched by one campaign add
  their shares. Rows whose share is exactly 0 (e.g. the non-first touches under first_touch) are left out;
  `attributed_touches` keeps one row per touch, zero shares included, with its milestones.
- time_decay weights are computed relative to the deal's newest touch, 2^(−(d − d_min)/h): the same shares after
  rescaling, without underflow to 0/0 for old touches and short half-lives.
- data_driven: a path is one person's touches (under the chosen linking) in touch order, turned into channels. A
  person linked to any deal converts; their path is cut at their earliest deal's `created_at` (touches after it did
  not lead to it) and dropped if that leaves nothing. Everyone else's path is all their touches and ends in "null".
  Paths are built over the whole warehouse (not the quarter), consecutive repeats kept. Removal effect of channel c =
  1 − P(conversion without c) / P(conversion); within a deal each channel present gets RE_c / Σ RE of the channels
  present, split evenly over that channel's touches; when every present channel has RE 0 the deal falls back to
  equal shares per touch. The sample size is the number of paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import defaults, sqlfiles
from alignment.periods import Quarter

MODELS = defaults.ATTRIBUTION_MODELS
RULE_BASED_MODELS = MODELS[:-1]
BASES = ("pipeline", "bookings")

# Raw weights of each rule-based model: the milestones it rewards, the weight spread over the touches holding none of
# them, and whether age decays the weight. Undefined milestones add nothing, so dividing by the opportunity's sum of
# raw weights drops their weight (and an empty spread) and rescales the rest to 1, exactly as §4.4 asks.
WEIGHTS: dict[str, dict[str, float]] = {
    "first_touch": {"ft": 1.0},
    "last_touch": {"last": 1.0},
    "linear": {"spread": 1.0},
    "u_shaped": {"ft": 40.0, "mt": 40.0, "spread": 20.0},
    "w_shaped": {"ft": 30.0, "mt": 30.0, "ot": 30.0, "spread": 10.0},
    "full_path": {"ft": 22.5, "mt": 22.5, "ot": 22.5, "ct": 22.5, "spread": 10.0},
    "time_decay": {"decay": 1.0},
    "data_driven": {"markov": 1.0},
}


class AttributionOptions(BaseModel):
    """How to attribute: the model card (model, basis, lookback, half-life), the linking and the deals in scope."""

    model_config = ConfigDict(frozen=True)

    model: Literal["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay",
                   "data_driven"] = defaults.MODEL_OF_RECORD
    basis: Literal["pipeline", "bookings"] = "pipeline"
    lookback_days: int = Field(defaults.LOOKBACK_DAYS, ge=0, le=3650)
    half_life_days: float = Field(defaults.HALF_LIFE_DAYS, gt=0, le=3650)
    linking: Literal["contacts", "account"] = defaults.LINKING
    primary_campaign_credit: bool = defaults.PRIMARY_CAMPAIGN_CREDIT
    quarter: Quarter | None = None

    @field_validator("model", mode="before")
    @classmethod
    def _model(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in MODELS:
            raise ValueError(f"unknown attribution model '{value}'; choose one of: {', '.join(MODELS)}")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("basis", mode="before")
    @classmethod
    def _basis(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in BASES:
            raise ValueError(f"unknown basis '{value}'; choose pipeline (deals created) or bookings (deals won)")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("linking", mode="before")
    @classmethod
    def _linking(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in ("contacts", "account"):
            raise ValueError(f"unknown linking '{value}'; choose contacts (contact roles and converted leads) "
                             "or account (everyone at the deal's account)")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("lookback_days", mode="before")
    @classmethod
    def _lookback(cls, value: Any) -> Any:
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"lookback must be a whole number of days, like 365 (got '{value}')") from None
            if number != int(number):
                raise ValueError(f"lookback must be a whole number of days, like 365 (got {value})")
            if number < 0:
                raise ValueError(f"lookback cannot be negative (got {value} days); use 0 to 3650 days")
            return int(number)
        return value

    @field_validator("half_life_days", mode="before")
    @classmethod
    def _half_life(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            raise ValueError(f"half-life must be more than 0 days (got {value}); the default is 7")
        return value

    @field_validator("quarter", mode="before")
    @classmethod
    def _quarter(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return Quarter.parse(value)
        return value

    def card(self, *, half_life: bool | None = None) -> str:
        """The model card printed next to every attribution number (the half-life where it plays a part, or always
        when `half_life`)."""
        text = f"{self.model} · {self.basis} · lookback {self.lookback_days} d"
        if half_life or (half_life is None and self.model == "time_decay"):
            text += f" · half-life {self.half_life_days:g} d"
        if self.linking == "account":
            text += " · everyone at the account"
        if self.primary_campaign_credit:
            text += " · primary campaign when no touch"
        return text


# The SQL is in sql/macros: attribution_deals (the deals in scope), deal_people (the linking), eligible_touches (the
# windows), attribution_units (every model's weights, by touch or by campaign) read through attribution_shares,
# attribution_touches and attribution_campaigns (summed per campaign), and markov_transitions (data_driven's paths).
# The catalog's attribution metrics call the same macros (model_shares), so one definition serves both.


@dataclass(frozen=True)
class MarkovModel:
    """The data_driven model: each channel's removal effect and how many paths it was learnt from (its caveat)."""

    removal_effects: dict[str, float]
    sample_size: int
    conversions: int

    def caveat(self) -> str:
        return (f"data-driven shares learnt from {self.sample_size:,} paths ({self.conversions:,} converting); "
                "a first-order Markov model reads correlation, not cause")


def _cursor(source: Any):
    from alignment import catalog  # the catalog binds this module's weights; its cursors see the shared macros

    return catalog.cursor(source)


def _call(macro: str) -> str:
    from alignment import macros

    return sqlfiles.call(macros.file(macro))


def _frame(source: Any, sql: str, where: str, parameters: dict[str, Any]) -> pd.DataFrame:
    """A query's rows on the source's engine: DuckDB through the catalog's cursor, or the file compiled for Spark."""
    if _on_engine(source):
        return source.run_file(sql, where, parameters)
    cursor = _cursor(source)
    try:
        return cursor.execute(sql, parameters).df()
    finally:
        cursor.close()


def _conversion_probability(start: np.ndarray, between: np.ndarray, to_conversion: np.ndarray) -> float:
    """P(absorbed in conversion | start) of the chain with transient-to-transient matrix `between`."""
    size = len(start)
    visits = np.linalg.lstsq(np.eye(size) - between, to_conversion, rcond=None)[0]
    return float(start @ visits)


def markov_model(source: Any, options: AttributionOptions | None = None) -> MarkovModel:
    """First-order Markov removal effects per channel over every person's path (counted in SQL, solved per channel)."""
    options = options or AttributionOptions(model="data_driven")
    rows = list(_frame(source, _call("markov_transitions"), "sql/macros/markov_transitions.sql",
                       {"by_account": options.linking == "account"}).itertuples(index=False, name=None))
    channels = sorted({r[0] for r in rows if not r[0].startswith("(")} | {r[1] for r in rows
                                                                         if not r[1].startswith("(")})
    index = {channel: i for i, channel in enumerate(channels)}
    size = len(channels)
    start = np.zeros(size)
    between = np.zeros((size, size))
    to_conversion = np.zeros(size)
    outgoing = np.zeros(size)
    paths = conversions = 0
    for from_state, to_state, count in rows:
        if from_state == "(start)":
            start[index[to_state]] += count
            paths += count
            continue
        i = index[from_state]
        outgoing[i] += count
        if to_state == "(conversion)":
            to_conversion[i] += count
            conversions += count
        elif to_state != "(null)":
            between[i, index[to_state]] += count
    if paths == 0:
        return MarkovModel({}, 0, 0)
    start = start / paths
    safe = np.where(outgoing > 0, outgoing, 1)
    between = between / safe[:, None]
    to_conversion = to_conversion / safe
    base = _conversion_probability(start, between, to_conversion)
    effects = {}
    for channel, i in index.items():
        # Removing a channel sends every step into it to "null".
        kept_start, kept_between, kept_conversion = start.copy(), between.copy(), to_conversion.copy()
        kept_start[i] = 0
        kept_between[:, i] = 0
        kept_conversion[i] = 0
        without = _conversion_probability(kept_start, kept_between, kept_conversion)
        effects[channel] = max(0.0, 1 - without / base) if base > 0 else 0.0
    return MarkovModel(effects, paths, conversions)


MODEL_WEIGHTS_TYPE = ("STRUCT(model VARCHAR, ft DOUBLE, mt DOUBLE, ot DOUBLE, ct DOUBLE, last DOUBLE, spread DOUBLE, "
                      "decay DOUBLE, markov DOUBLE)[]")
"""The DuckDB type of model_weights' rows (`wanted_models`, and the catalog's `attribution_models`)."""
PARAMETER_TYPES = {"is_bookings": "BOOLEAN", "q_start": "TIMESTAMP", "q_end": "TIMESTAMP", "has_decay": "BOOLEAN",
                   "has_markov": "BOOLEAN", "wanted_models": MODEL_WEIGHTS_TYPE}
"""The DuckDB types of the parameters attribution binds beside the catalog's (catalog.PARAMETERS)."""


def _scope_parameters(options: AttributionOptions) -> dict[str, Any]:
    """The bound arguments of the deals in scope, their linked people and their windows (eligible_touches)."""
    return {
        "is_bookings": options.basis == "bookings",
        "by_account": options.linking == "account",
        "primary_credit": options.primary_campaign_credit,
        "q_start": options.quarter.start if options.quarter else None,
        "q_end": options.quarter.end if options.quarter else None,
        "lookback_hours": options.lookback_days * 24,
    }


def model_weights(models: tuple[str, ...]) -> list[dict[str, Any]]:
    """The models as rows of raw weights, the `wanted_models` the shares macros take."""
    return [{"model": model, **{name: float(WEIGHTS[model].get(name, 0.0))
                                for name in ("ft", "mt", "ot", "ct", "last", "spread", "decay", "markov")}}
            for model in models]


def markov_parameters(effects: dict[str, float]) -> dict[str, list]:
    """data_driven's removal effects as the two parallel lists the shares macros take (never empty lists)."""
    return {"markov_channels": list(effects) or [""], "markov_effects": [float(v) for v in effects.values()] or [0.0]}


def _parameters(options: AttributionOptions, models: tuple[str, ...], markov: MarkovModel | None = None
                ) -> dict[str, Any]:
    return {
        **_scope_parameters(options),
        "half_life_days": float(options.half_life_days),
        "has_decay": any(WEIGHTS[model].get("decay", 0) > 0 for model in models),
        "has_markov": any(WEIGHTS[model].get("markov", 0) > 0 for model in models),
        "wanted_models": model_weights(models),
        **markov_parameters(markov.removal_effects if markov else {}),
    }


def _run(source: Any, macro: str, options: AttributionOptions, models: tuple[str, ...]) -> pd.DataFrame:
    markov = markov_model(source, options) if "data_driven" in models else None
    parameters = _parameters(options, models, markov)
    if _on_engine(source):
        # the Spark source binds the parameters the file uses
        return _with_card(_frame(source, _call(macro), f"sql/macros/{macro}.sql", parameters), options, markov)
    cursor = _cursor(source)
    try:
        if macro == "attribution_shares":
            # no timestamps here: through Arrow, the same frame several times faster than .df() for millions of rows
            frame = cursor.sql(_call(macro), params=parameters).to_arrow_table().to_pandas()
        else:
            frame = cursor.execute(_call(macro), parameters).df()
    finally:
        cursor.close()
    return _with_card(frame, options, markov)


def _on_engine(source: Any) -> bool:
    from alignment import catalog

    return catalog.on_engine(source)


def _with_card(frame: pd.DataFrame, options: AttributionOptions, markov: MarkovModel | None) -> pd.DataFrame:
    frame.attrs["model_card"] = options.card()
    if markov is not None:
        frame.attrs["sample_size"] = markov.sample_size
        frame.attrs["caveat"] = markov.caveat()
    return frame


def _options(options: AttributionOptions | dict | None) -> AttributionOptions:
    return options if isinstance(options, AttributionOptions) else AttributionOptions(**(options or {}))


def attribute(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """One row per (opportunity, campaign) with its share and credited amount; `campaign_id` is empty (NA) for the
    `(unattributed)` row of a deal with no eligible touch. Each deal's shares sum to 1, so the credited amounts add up
    to the CRM's pipeline or bookings. data_driven frames carry `attrs["sample_size"]` and `attrs["caveat"]`."""
    options = _options(options)
    return _run(source, "attribution_shares", options, (options.model,)).drop(columns="model")


def _known(models: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown attribution model(s) {', '.join(unknown)}; choose from: {', '.join(MODELS)}")
    return tuple(models)


def attribute_models(source: Any, options: AttributionOptions | dict | None = None,
                     models: tuple[str, ...] = RULE_BASED_MODELS) -> pd.DataFrame:
    """`attribute` for several models in one pass over the touches (options.model is ignored): the same rows with
    a leading `model` column, for side-by-side tables."""
    return _run(source, "attribution_shares", _options(options), _known(models))


def attributed_touches(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """One row per eligible touch (zero shares included) with its order, milestones (FT/MT/OT/CT), share and credit."""
    options = _options(options)
    return _run(source, "attribution_touches", options, (options.model,)).drop(columns="model")


def credited_by_campaign_models(source: Any, options: AttributionOptions | dict | None = None,
                                models: tuple[str, ...] = RULE_BASED_MODELS) -> pd.DataFrame:
    """`attribute_models` added up per (model, campaign), in one pass: model, campaign_id (empty for the
    `(unattributed)` row), credited_amount and opportunities (the deals giving it credit). The sums are taken in the
    database, so the per-deal rows are never held: the same figures as summing `attribute_models`' rows."""
    return _run(source, "attribution_campaigns", _options(options), _known(models))


def credited_by_campaign(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """Credited pipeline or bookings per campaign under one model; `(unattributed)` is the row with no campaign."""
    options = _options(options)
    frame = credited_by_campaign_models(source, options, (options.model,))
    grouped = frame.drop(columns="model").assign(campaign_id=frame["campaign_id"].fillna("(unattributed)"))
    grouped.attrs = frame.attrs
    return grouped.sort_values(["credited_amount", "campaign_id"], ascending=[False, True], ignore_index=True)


def credited_by_channel(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """Credited pipeline or bookings per channel under one model (`(unattributed)` for deals with no touch)."""
    by_campaign = credited_by_campaign(source, options)
    channels = _frame(source, sqlfiles.query("campaign_channels"), "sql/queries/campaign_channels.sql", {})
    merged = by_campaign.merge(channels, on="campaign_id", how="left")
    merged["channel"] = merged["channel"].fillna("(unattributed)")
    grouped = merged.groupby("channel", as_index=False).agg(credited_amount=("credited_amount", "sum"))
    grouped.attrs = by_campaign.attrs
    return grouped.sort_values(["credited_amount", "channel"], ascending=[False, True], ignore_index=True)


def influenced(source: Any, quarter: Quarter | str | None = None, *, lookback_days: int = defaults.LOOKBACK_DAYS,
               linking: str = "contacts") -> pd.DataFrame:
    """The deals (created in `quarter`, if given) with at least one eligible touch inside the pipeline-basis window."""
    options = AttributionOptions(model="linear", basis="pipeline", quarter=quarter, lookback_days=lookback_days,
                                 linking=linking)
    return _frame(source, sqlfiles.query("influenced_deal_touches"), "sql/queries/influenced_deal_touches.sql",
                  _scope_parameters(options))
