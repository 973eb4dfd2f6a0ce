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

from alignment import defaults
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


# The deals in scope and the (deal, person) links, shared by every query below; bound parameters only.
_SCOPE_SQL = """
deals AS (
  -- one row per deal in scope; basis_at is the moment the window ends (pipeline: created_at, inclusive;
  -- bookings: midnight after close_date, exclusive)
  SELECT opportunity_id, account_id, created_at, closed_at, amount, primary_campaign_id,
         CASE WHEN $is_bookings THEN closed_at + INTERVAL 1 DAY ELSE created_at END AS basis_at,
         -- the deal's place in opportunity_id order: results are sorted on integers, not on the ids' text
         row_number() OVER (ORDER BY opportunity_id) AS deal_order
  FROM opportunity_facts
  WHERE CASE WHEN $is_bookings
             THEN is_won AND closed_at IS NOT NULL
                  AND ($quarter_start IS NULL OR (closed_at >= $quarter_start AND closed_at < $quarter_end))
             ELSE $quarter_start IS NULL OR (created_at >= $quarter_start AND created_at < $quarter_end) END),
contact_links AS (
  SELECT opportunity_id, person_id FROM opportunity_contacts
  UNION
  SELECT converted_opportunity_id, person_id FROM people WHERE converted_opportunity_id IS NOT NULL),
links AS (
  -- one row per (deal, linked person)
  SELECT d.opportunity_id, l.person_id FROM deals d JOIN contact_links l USING (opportunity_id)
  WHERE NOT $by_account
  UNION ALL
  SELECT d.opportunity_id, p.person_id FROM deals d JOIN people p ON p.account_id = d.account_id
  WHERE $by_account),
linked_touches AS (
  -- one row per eligible touch: a linked person's responded membership inside the deal's window
  SELECT l.opportunity_id, t.campaign_id, t.person_id, t.touch_at, t.channel, d.created_at, d.basis_at, d.amount,
         d.deal_order
  FROM links l
  JOIN deals d USING (opportunity_id)
  JOIN touches t ON t.person_id = l.person_id
  WHERE t.touch_at >= d.created_at - to_hours(CAST($lookback_hours AS BIGINT))
    AND CASE WHEN $is_bookings THEN t.touch_at < d.basis_at ELSE t.touch_at <= d.created_at END),
eligible AS (
  SELECT * FROM linked_touches
  UNION ALL
  -- §12 primary-campaign credit (a charter switch): a deal with no eligible touch that names its primary campaign
  -- has that campaign as its one touch, at the moment it was created (inside both bases' windows), by no person
  SELECT d.opportunity_id, d.primary_campaign_id, CAST(NULL AS VARCHAR), d.created_at, c.channel, d.created_at,
         d.basis_at, d.amount, d.deal_order
  FROM deals d JOIN campaigns c ON c.campaign_id = d.primary_campaign_id
  WHERE $primary_credit AND d.opportunity_id NOT IN (SELECT opportunity_id FROM linked_touches))
"""

_SHARES_HEAD = "WITH " + _SCOPE_SQL + """,
first_mql AS (
  -- MT's moment: the earliest recorded (not back-filled) mql among all the deal's linked people
  SELECT l.opportunity_id, min(s.mql_recorded_at) AS mql_at
  FROM links l JOIN person_stage_dates s ON s.person_id = l.person_id
  GROUP BY l.opportunity_id),
ordered AS MATERIALIZED (
  -- the touches in §4.4 order, computed once for every model asked for; age_days counts to the basis moment
  SELECT e.opportunity_id, e.campaign_id, e.person_id, e.touch_at, e.channel, e.amount, e.deal_order,
         row_number() OVER (PARTITION BY e.deal_order ORDER BY e.touch_at, e.campaign_id, e.person_id)
           AS position,
         e.touch_at <= e.created_at AS is_before_created,
         (epoch(e.basis_at) - epoch(e.touch_at)) / 86400.0 AS age_days
  FROM eligible e),
milestones AS MATERIALIZED (
  -- one row per deal with touches: where each milestone sits (NULL = undefined). Per-deal figures are grouped and
  -- joined back rather than taken with window aggregates, which DuckDB computes far slower over many small deals.
  SELECT o.opportunity_id, count(*) AS touch_count, any_value(o.amount) AS amount,
         any_value(o.deal_order) AS deal_order,
         max(o.position) FILTER (WHERE o.touch_at <= m.mql_at) AS mt_position,
         max(o.position) FILTER (WHERE o.is_before_created) AS ot_position,
         -- CT: the last touch before the end of close_date, i.e. the window's last touch; bookings only
         CASE WHEN $is_bookings THEN max(o.position) END AS ct_position,
         min(o.age_days) AS newest_age_days
  FROM ordered o LEFT JOIN first_mql m ON m.opportunity_id = o.opportunity_id
  GROUP BY o.opportunity_id),
flagged AS (
  -- one row per touch: the milestones it holds, as flags and as bits of `mask` (1 FT, 2 MT, 4 OT, 8 CT, 16 last),
  -- and its time_decay weight relative to the deal's newest touch
  SELECT o.opportunity_id, o.deal_order, o.campaign_id, o.person_id, o.touch_at, o.channel, o.position, f.*,
         f.is_ft::INT + 2 * f.is_mt::INT + 4 * f.is_ot::INT + 8 * f.is_ct::INT + 16 * f.is_last::INT AS mask,
         -- the mask moved to its lowest milestone's 5-bit slot: a deal's milestone touches get distinct slots, so the
         -- sum of `slotted` over any of its touches keeps each one's mask apart (see `held` below)
         (f.is_ft::INT + 2 * f.is_mt::INT + 4 * f.is_ot::INT + 8 * f.is_ct::INT + 16 * f.is_last::INT)
           << (CASE WHEN f.is_ft THEN 0 WHEN f.is_mt THEN 5 WHEN f.is_ot THEN 10 WHEN f.is_ct THEN 15 ELSE 20 END)
           AS slotted,
         pow(2.0, -(o.age_days - ms.newest_age_days) / $half_life_days) AS decay
  FROM ordered o
  JOIN milestones ms ON ms.opportunity_id = o.opportunity_id,
  LATERAL (SELECT o.position = 1 AS is_ft,
                  coalesce(o.position = ms.mt_position, false) AS is_mt,
                  coalesce(o.position = ms.ot_position, false) AS is_ot,
                  coalesce(o.position = ms.ct_position, false) AS is_ct,
                  o.position = ms.touch_count AS is_last) f)"""

# Credit is computed per *unit*: one touch (attributed_touches) or all of a deal's touches from one campaign
# (attribute; a campaign has one channel). A unit carries how many touches it has (n), how many hold each milestone,
# the masks of its milestone-holding touches (`slotted`, summed) and its summed decay weight; every model's raw weight
# is a sum over touches, so a unit's share is the sum of its touches' shares. The models multiply the units, not the
# touches, and a deal's total raw weight is closed-form per (deal, model): the weights of its defined milestones, the
# spread weight when some touch holds none of them, the decay weight, the removal effects of its channels.
_UNITS_BY_TOUCH = """,
units AS (
  SELECT opportunity_id, campaign_id, channel, 1 AS n, is_ft::INT AS n_ft, is_mt::INT AS n_mt, is_ot::INT AS n_ot,
         is_ct::INT AS n_ct, is_last::INT AS n_last, slotted, decay AS decay_sum,
         person_id, touch_at, position, is_ft, is_mt, is_ot, is_ct
  FROM flagged)"""

_UNITS_BY_CAMPAIGN = """,
campaign_units AS (
  SELECT any_value(opportunity_id) AS opportunity_id, campaign_id, any_value(channel) AS channel, count(*) AS n,
         sum(is_ft::INT) AS n_ft, sum(is_mt::INT) AS n_mt, sum(is_ot::INT) AS n_ot, sum(is_ct::INT) AS n_ct,
         sum(is_last::INT) AS n_last, sum(slotted)::BIGINT AS slotted, sum(decay) AS decay_sum
  FROM flagged GROUP BY deal_order, campaign_id),
units AS MATERIALIZED (
  -- campaign_order: the campaign's place in campaign_id order, to sort the result on integers (touches are made
  -- from campaigns, so every touch's campaign is there)
  SELECT u.*, c.campaign_order
  FROM campaign_units u
  LEFT JOIN (SELECT campaign_id, row_number() OVER (ORDER BY campaign_id) AS campaign_order FROM campaigns) c
         ON c.campaign_id = u.campaign_id)"""

# data_driven's channel counts per unit; left out of the plan when no model needs them.
_UNIT_CHANNELS = {
    True: """unit_channels AS (
  SELECT u.*, cc.channel_count, cc.channel_effect
  FROM units u
  LEFT JOIN channel_counts cc ON cc.opportunity_id = u.opportunity_id AND cc.channel IS NOT DISTINCT FROM u.channel)""",
    False: """unit_channels AS (
  SELECT u.*, NULL::BIGINT AS channel_count, NULL::DOUBLE AS channel_effect FROM units u)""",
}

_SHARES_TAIL = """,
deal_decay AS (
  SELECT opportunity_id, sum(decay_sum) AS decay_total FROM units WHERE $has_decay GROUP BY opportunity_id),
channel_counts AS (
  -- data_driven only: a channel's share is split evenly over the deal's touches of that channel
  SELECT opportunity_id, channel, sum(n) AS channel_count,
         coalesce(any_value($markov_effects[list_position($markov_channels, channel)]), 0) AS channel_effect
  FROM units WHERE $has_markov GROUP BY opportunity_id, channel),
deal_markov AS (
  SELECT opportunity_id, sum(channel_effect) AS markov_total FROM channel_counts GROUP BY opportunity_id),
{unit_channels},
models AS (
  -- the models asked for, as rows of weights, with the milestones each rewards as bits (as in `mask`)
  SELECT w.model, row_number() OVER (ORDER BY w.model) AS model_order,
         w.ft AS w_ft, w.mt AS w_mt, w.ot AS w_ot, w.ct AS w_ct, w.last AS w_last, w.spread AS w_spread,
         w.decay AS w_decay, w.markov AS w_markov,
         (w.ft > 0)::INT + 2 * (w.mt > 0)::INT + 4 * (w.ot > 0)::INT + 8 * (w.ct > 0)::INT + 16 * (w.last > 0)::INT
           AS model_mask
  FROM unnest($models) AS model_weights(w)),
deal_spread AS (
  -- per deal and model: the touches holding none of the model's milestones (a touch may hold several)
  SELECT ms.*, dd.decay_total, m.*,
         ms.touch_count - len(list_distinct([CASE WHEN m.w_ft > 0 THEN 1 END,
                                             CASE WHEN m.w_mt > 0 THEN ms.mt_position END,
                                             CASE WHEN m.w_ot > 0 THEN ms.ot_position END,
                                             CASE WHEN m.w_ct > 0 THEN ms.ct_position END,
                                             CASE WHEN m.w_last > 0 THEN ms.touch_count END])) AS spread_count
  FROM milestones ms LEFT JOIN deal_decay dd ON dd.opportunity_id = ms.opportunity_id CROSS JOIN models m),
deal_models AS (
  -- ... and the deal's sum of raw weights: undefined milestones and an empty spread add nothing
  SELECT s.*,
         s.w_ft + s.w_last + s.w_mt * (s.mt_position IS NOT NULL)::INT + s.w_ot * (s.ot_position IS NOT NULL)::INT
         + s.w_ct * (s.ct_position IS NOT NULL)::INT + CASE WHEN s.spread_count > 0 THEN s.w_spread ELSE 0 END
         + s.w_decay + s.w_markov * coalesce(dm.markov_total, 0) AS total_weight
  FROM deal_spread s LEFT JOIN deal_markov dm ON dm.opportunity_id = s.opportunity_id),
weighted AS (
  -- the small per-deal tables are joined to the units before the models multiply them (see unit_channels), so
  -- the hash tables are built on the small side
  SELECT u.*, d.model, d.model_order, d.deal_order, d.touch_count, d.amount, d.total_weight,
         d.w_ft * u.n_ft + d.w_mt * u.n_mt + d.w_ot * u.n_ot + d.w_ct * u.n_ct + d.w_last * u.n_last
         + CASE WHEN d.spread_count > 0
                -- the unit's touches holding none of the model's milestones: n less those whose mask, read from
                -- its slot of `slotted`, shares a bit with the model's
                THEN d.w_spread * (u.n - ((u.slotted & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 5) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 10) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 15) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 20) & d.model_mask) <> 0)::INT) / d.spread_count
                ELSE 0 END
         + CASE WHEN d.w_decay > 0 THEN d.w_decay * u.decay_sum / d.decay_total ELSE 0 END
         + CASE WHEN d.w_markov > 0 THEN d.w_markov * u.channel_effect * u.n / u.channel_count ELSE 0 END
           AS raw_weight
  FROM unit_channels u
  JOIN deal_models d ON d.opportunity_id = u.opportunity_id),
shares AS (
  SELECT *,
         -- every weight 0 (data_driven with no effect on the deal's channels): equal shares
         CASE WHEN total_weight > 0 THEN raw_weight / total_weight ELSE n / touch_count END AS share
  FROM weighted)
"""

# The two queries, keyed by whether data_driven is among the models (its channel counts are planned only then).
_TOUCHES_SQL = {markov: _SHARES_HEAD + _UNITS_BY_TOUCH + _SHARES_TAIL.replace("{unit_channels}", channels) + """
SELECT model, opportunity_id, campaign_id, person_id, touch_at, channel, position, touch_count,
       is_ft, is_mt, is_ot, is_ct, share, share * amount AS credited_amount
FROM shares ORDER BY model, opportunity_id, position
""" for markov, channels in _UNIT_CHANNELS.items()}

_ATTRIBUTE_SQL = {markov: _SHARES_HEAD + _UNITS_BY_CAMPAIGN + _SHARES_TAIL.replace("{unit_channels}", channels) + """
SELECT model, opportunity_id, campaign_id, share, credited_amount FROM (
  -- one row per (model, deal, campaign) with a non-zero share
  SELECT model, opportunity_id, campaign_id, share, share * amount AS credited_amount, model_order, deal_order,
         campaign_order
  FROM shares WHERE share > 0
  UNION ALL
  -- (unattributed): a deal with no eligible touch, credited whole
  SELECT m.model, d.opportunity_id, NULL AS campaign_id, 1.0 AS share, d.amount AS credited_amount, m.model_order,
         d.deal_order, 0 AS campaign_order
  FROM deals d ANTI JOIN milestones ms ON ms.opportunity_id = d.opportunity_id, models m)
-- = ORDER BY model, opportunity_id, campaign_id NULLS FIRST, on integers
ORDER BY model_order, deal_order, campaign_order
""" for markov, channels in _UNIT_CHANNELS.items()}


# data_driven: every person's path of channels, and the transitions between states counted over all paths.
_TRANSITIONS_SQL = """
WITH contact_links AS (
  SELECT opportunity_id, person_id FROM opportunity_contacts
  UNION
  SELECT converted_opportunity_id, person_id FROM people WHERE converted_opportunity_id IS NOT NULL),
links AS (
  SELECT opportunity_id, person_id FROM contact_links WHERE NOT $by_account
  UNION ALL
  SELECT o.opportunity_id, p.person_id FROM opportunities o JOIN people p ON p.account_id = o.account_id
  WHERE $by_account),
converted AS (
  -- a person reaches an opportunity at their earliest linked deal's creation
  SELECT l.person_id, min(o.created_at) AS converted_at
  FROM links l JOIN opportunities o USING (opportunity_id) GROUP BY l.person_id),
steps AS (
  SELECT t.person_id, t.channel, c.converted_at IS NOT NULL AS is_converted,
         row_number() OVER path_order AS step,
         lag(t.channel) OVER path_order AS previous_channel,
         count(*) OVER (PARTITION BY t.person_id) AS steps
  FROM touches t LEFT JOIN converted c USING (person_id)
  WHERE t.touch_at IS NOT NULL AND (c.converted_at IS NULL OR t.touch_at <= c.converted_at)
  WINDOW path_order AS (PARTITION BY t.person_id ORDER BY t.touch_at, t.campaign_id)),
transitions AS (
  SELECT coalesce(previous_channel, '(start)') AS from_state, channel AS to_state FROM steps
  UNION ALL
  SELECT channel, CASE WHEN is_converted THEN '(conversion)' ELSE '(null)' END FROM steps WHERE step = steps)
SELECT from_state, to_state, count(*) AS transitions FROM transitions GROUP BY ALL ORDER BY ALL
"""


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
    cursor = source.cursor()
    cursor.execute("SET TimeZone = 'UTC'")
    return cursor


def _conversion_probability(start: np.ndarray, between: np.ndarray, to_conversion: np.ndarray) -> float:
    """P(absorbed in conversion | start) of the chain with transient-to-transient matrix `between`."""
    size = len(start)
    visits = np.linalg.lstsq(np.eye(size) - between, to_conversion, rcond=None)[0]
    return float(start @ visits)


def markov_model(source: Any, options: AttributionOptions | None = None) -> MarkovModel:
    """First-order Markov removal effects per channel over every person's path (counted in SQL, solved per channel)."""
    options = options or AttributionOptions(model="data_driven")
    cursor = _cursor(source)
    try:
        rows = cursor.execute(_TRANSITIONS_SQL, {"by_account": options.linking == "account"}).fetchall()
    finally:
        cursor.close()
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


def _scope_parameters(options: AttributionOptions) -> dict[str, Any]:
    """The bound parameters of the deals in scope, their linked people and their windows (_SCOPE_SQL)."""
    return {
        "is_bookings": options.basis == "bookings",
        "by_account": options.linking == "account",
        "primary_credit": options.primary_campaign_credit,
        "quarter_start": options.quarter.start if options.quarter else None,
        "quarter_end": options.quarter.end if options.quarter else None,
        "lookback_hours": options.lookback_days * 24,
    }


def model_weights(models: tuple[str, ...]) -> list[dict[str, Any]]:
    """The models as rows of raw weights, the `$models` the shares SQL takes."""
    return [{"model": model, **{name: float(WEIGHTS[model].get(name, 0.0))
                                for name in ("ft", "mt", "ot", "ct", "last", "spread", "decay", "markov")}}
            for model in models]


def markov_parameters(effects: dict[str, float]) -> dict[str, list]:
    """data_driven's removal effects as the two parallel lists the shares SQL takes (never empty lists)."""
    return {"markov_channels": list(effects) or [""], "markov_effects": [float(v) for v in effects.values()] or [0.0]}


def _parameters(options: AttributionOptions, models: tuple[str, ...], markov: MarkovModel | None = None
                ) -> dict[str, Any]:
    return {
        **_scope_parameters(options),
        "half_life_days": float(options.half_life_days),
        "has_decay": any(WEIGHTS[model].get("decay", 0) > 0 for model in models),
        "has_markov": any(WEIGHTS[model].get("markov", 0) > 0 for model in models),
        "models": model_weights(models),
        **markov_parameters(markov.removal_effects if markov else {}),
    }


def _run(source: Any, sql: dict[bool, str], options: AttributionOptions, models: tuple[str, ...]) -> pd.DataFrame:
    markov = markov_model(source, options) if "data_driven" in models else None
    cursor = _cursor(source)
    try:
        parameters = _parameters(options, models, markov)
        if sql is _ATTRIBUTE_SQL:
            # no timestamps here: through Arrow, the same frame several times faster than .df() for millions of rows
            frame = cursor.sql(sql[markov is not None], params=parameters).to_arrow_table().to_pandas()
        else:
            frame = cursor.execute(sql[markov is not None], parameters).df()
    finally:
        cursor.close()
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
    return _run(source, _ATTRIBUTE_SQL, options, (options.model,)).drop(columns="model")


def attribute_models(source: Any, options: AttributionOptions | dict | None = None,
                     models: tuple[str, ...] = RULE_BASED_MODELS) -> pd.DataFrame:
    """`attribute` for several models in one pass over the touches (options.model is ignored): the same rows with
    a leading `model` column, for side-by-side tables."""
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown attribution model(s) {', '.join(unknown)}; choose from: {', '.join(MODELS)}")
    return _run(source, _ATTRIBUTE_SQL, _options(options), tuple(models))


def attributed_touches(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """One row per eligible touch (zero shares included) with its order, milestones (FT/MT/OT/CT), share and credit."""
    options = _options(options)
    return _run(source, _TOUCHES_SQL, options, (options.model,)).drop(columns="model")


def credited_by_campaign(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """Credited pipeline or bookings per campaign under one model; `(unattributed)` is the row with no campaign."""
    frame = attribute(source, options)
    grouped = (frame.assign(campaign_id=frame["campaign_id"].fillna("(unattributed)"))
               .groupby("campaign_id", as_index=False)
               .agg(credited_amount=("credited_amount", "sum"), opportunities=("opportunity_id", "nunique")))
    grouped.attrs = frame.attrs
    return grouped.sort_values(["credited_amount", "campaign_id"], ascending=[False, True], ignore_index=True)


def credited_by_channel(source: Any, options: AttributionOptions | dict | None = None) -> pd.DataFrame:
    """Credited pipeline or bookings per channel under one model (`(unattributed)` for deals with no touch)."""
    by_campaign = credited_by_campaign(source, options)
    cursor = _cursor(source)
    try:
        channels = cursor.execute("SELECT campaign_id, channel FROM campaigns").df()
    finally:
        cursor.close()
    merged = by_campaign.merge(channels, on="campaign_id", how="left")
    merged["channel"] = merged["channel"].fillna("(unattributed)")
    grouped = merged.groupby("channel", as_index=False).agg(credited_amount=("credited_amount", "sum"))
    grouped.attrs = by_campaign.attrs
    return grouped.sort_values(["credited_amount", "channel"], ascending=[False, True], ignore_index=True)


_INFLUENCED_SQL = "WITH " + _SCOPE_SQL + """
SELECT d.opportunity_id, d.amount, count(e.campaign_id) AS eligible_touches
FROM deals d JOIN eligible e USING (opportunity_id)
GROUP BY d.opportunity_id, d.amount ORDER BY d.opportunity_id
"""


def influenced(source: Any, quarter: Quarter | str | None = None, *, lookback_days: int = defaults.LOOKBACK_DAYS,
               linking: str = "contacts") -> pd.DataFrame:
    """The deals (created in `quarter`, if given) with at least one eligible touch inside the pipeline-basis window."""
    options = AttributionOptions(model="linear", basis="pipeline", quarter=quarter, lookback_days=lookback_days,
                                 linking=linking)
    cursor = _cursor(source)
    try:
        return cursor.execute(_INFLUENCED_SQL, _scope_parameters(options)).df()
    finally:
        cursor.close()


# The same SQL as DuckDB table macros, so a catalog metric (one SQL file) can credit campaigns without restating how:
# alignment.macros installs them beside the shared macros; each `$name` becomes the macro parameter `arg_name`.
# `model_shares` derives has_decay and has_markov from the weights, so a metric passes the model of record alone.
_ELIGIBLE_SQL = "WITH " + _SCOPE_SQL + """
SELECT opportunity_id, campaign_id, person_id, touch_at, channel, amount FROM eligible
"""
_SCOPE_ARGUMENTS = ("is_bookings", "by_account", "primary_credit", "quarter_start", "quarter_end", "lookback_hours")
_SHARES_ARGUMENTS = _SCOPE_ARGUMENTS + ("half_life_days", "has_decay", "has_markov", "models", "markov_channels",
                                        "markov_effects")
_MODEL_SHARES_SQL = """
SELECT * FROM attribution_shares($is_bookings, $by_account, $primary_credit, $quarter_start, $quarter_end,
                                 $lookback_hours,
                                 $half_life_days, list_bool_or(list_transform($models, lambda w: w.decay > 0)),
                                 list_bool_or(list_transform($models, lambda w: w.markov > 0)), $models,
                                 $markov_channels, $markov_effects)
"""
MACRO_SOURCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # one row per eligible touch of the deals in scope (DESIGN §4.4 window): the influenced deals are those it lists
    ("eligible_touches", _SCOPE_ARGUMENTS, _ELIGIBLE_SQL),
    # one row per (model, deal, campaign) with its share and credited amount, `(unattributed)` as a NULL campaign
    ("attribution_shares", _SHARES_ARGUMENTS, _ATTRIBUTE_SQL[True]),
    ("model_shares", tuple(a for a in _SHARES_ARGUMENTS if a not in ("has_decay", "has_markov")), _MODEL_SHARES_SQL),
)
