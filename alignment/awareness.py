"""What awareness contributes, estimated in the open: weekly awareness spend per channel, carried over (geometric
adstock) and saturating (Hill curve), set against weekly pipeline created with trend and season controls, fitted by
non-negative ridge least squares, with block-bootstrap intervals."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.optimize import nnls
from scipy.signal import lfilter

from alignment import catalog, names, sqlfiles
from alignment.periods import Quarter

WEEKS_PER_YEAR = 365.25 / 7
TARGETS = {"pipeline": "pipeline created", "inquiries": "inquiries"}
"""What the estimate can explain: the weekly series' column → how the page names it."""


# --- the two transforms --------------------------------------------------------------------------------------------

def geometric_adstock(spend: np.ndarray, decay: float) -> np.ndarray:
    """Carry-over: a[t] = decay · a[t-1] + (1 − decay) · x[t], started as if x[0] had always been spent.

    The (1 − decay) weight keeps the scale: spending x every week builds up to exactly x, so a half-saturation point
    reads in weekly spend.
    """
    spend = np.asarray(spend, dtype=float)
    if not 0 <= decay < 1:
        raise ValueError(f"the weekly carry-over (decay) is between 0 and 1, not {decay}")
    if len(spend) == 0:
        return spend
    carried, _ = lfilter([1 - decay], [1, -decay], spend, zi=[decay * spend[0]])
    return carried


def hill(level: np.ndarray, half_saturation: float, shape: float) -> np.ndarray:
    """Saturation: level^shape / (level^shape + half_saturation^shape), 0 at no spend, ½ at the half-saturation
    point, approaching 1 (the channel's most) as spend grows; a shape above 1 makes an S-curve."""
    level = np.maximum(np.asarray(level, dtype=float), 0.0)
    powered = level ** shape
    return powered / (powered + half_saturation ** shape)


def hill_slope(level: np.ndarray, half_saturation: float, shape: float) -> np.ndarray:
    """The Hill curve's slope: shape · K^shape · level^(shape−1) / (level^shape + K^shape)²."""
    level = np.maximum(np.asarray(level, dtype=float), 0.0)
    k_powered = half_saturation ** shape
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = shape * k_powered * level ** (shape - 1) / (level ** shape + k_powered) ** 2
    return np.nan_to_num(slope, nan=0.0, posinf=0.0)


# --- settings, inputs and the refusal ------------------------------------------------------------------------------

class Settings(BaseModel):
    """How the estimate is made: the grid the carry-over and saturation are chosen from, the controls, the bootstrap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str = Field("pipeline", description="the weekly series explained: pipeline or inquiries")
    decays: tuple[float, ...] = Field((0.0, 0.3, 0.5, 0.7, 0.85), description="weekly carry-overs tried")
    shapes: tuple[float, ...] = Field((1.0, 2.0, 3.0), description="Hill shapes tried")
    half_saturations: tuple[float, ...] = Field(
        (0.5, 1.0, 2.0), description="half-saturation points tried, as multiples of a channel's average weekly spend "
                                     "in the weeks it spends")
    ridge: float = Field(0.25, ge=0, description="penalty on the channel effects (on pipeline scaled to mean 1)")
    harmonics: int = Field(2, ge=0, le=6, description="yearly sine/cosine pairs for the season")
    demand_gen_decays: tuple[float, ...] = Field(
        (0.5, 0.85), description="carry-overs at which total demand-generation spend enters as a control (its leads "
                                 "take weeks to become deals)")
    min_channel_share: float = Field(0.1, ge=0, lt=1, description="channels with a smaller share of awareness spend "
                                                                    "are too small to estimate and left out")
    warm_up_weeks: int = Field(13, ge=0, description="first weeks used only to build up the carry-over (and to let "
                                                       "deals from the first leads arrive)")
    min_weeks: int = Field(52, ge=1, description="fewer fitted weeks than this are refused")
    min_spend_variation: float = Field(0.15, ge=0, description="coefficient of variation of weekly awareness spend "
                                                                "below which the estimate is refused")
    draws: int = Field(200, ge=20, description="bootstrap draws")
    block_weeks: int = Field(13, ge=1, description="length of the resampled residual blocks: a quarter, so that "
                                                    "runs of good and bad weeks survive")
    level: float = Field(0.9, gt=0, lt=1, description="interval coverage")
    seed: int = 20

    @field_validator("target")
    @classmethod
    def _target(cls, value: str) -> str:
        if value not in TARGETS:
            raise ValueError(f"the estimate explains one of {', '.join(TARGETS)}, not '{value}'")
        return value

    @field_validator("decays")
    @classmethod
    def _decays(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or any(not 0 <= d < 1 for d in value):
            raise ValueError("give at least one weekly carry-over, each at least 0 and below 1")
        return value

    @field_validator("shapes", "half_saturations")
    @classmethod
    def _positive(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or any(v <= 0 for v in value):
            raise ValueError("give at least one value, each above 0")
        return value


class NotEstimable(ValueError):
    """The data cannot support an honest estimate; the message says why and what would fix it."""


@dataclass(frozen=True)
class WeeklyInputs:
    """Complete weeks, oldest first: awareness spend per channel, demand-generation spend per channel (a control:
    pipeline it sources is not awareness's) and the series awareness may drive."""

    spend: pd.DataFrame  # index week_start (date), one column per awareness channel, 0 where nothing was spent
    demand_gen_spend: pd.DataFrame  # the same for demand-generation channels
    targets: pd.DataFrame  # index week_start, columns pipeline and inquiries


def weekly_inputs(spend: pd.DataFrame, pipeline: pd.DataFrame, inquiries: pd.DataFrame, *,
                  until: dt.date | dt.datetime) -> WeeklyInputs:
    """The catalog's weekly frames (weekly_campaign_spend, weekly_pipeline_created, weekly_inquiries) aligned on
    every complete week from the first with awareness spend to the last ending before `until` (the quarter's end);
    a week with nothing recorded counts 0."""
    until = until.date() if isinstance(until, dt.datetime) else until
    spent = spend[(spend["spend"] > 0) & (spend["funnel_role"] == "awareness")]
    if spent.empty:
        return WeeklyInputs(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(columns=list(TARGETS), dtype=float))
    first = pd.Timestamp(min(spent["week_start"]))
    last = pd.Timestamp(until) - pd.Timedelta(days=7)  # the last Monday whose week ends before `until`
    weeks = pd.date_range(first, last, freq="7D") if last >= first else pd.DatetimeIndex([])

    def by_week(frame: pd.DataFrame, column: str) -> pd.Series:
        series = frame.assign(week_start=pd.to_datetime(frame["week_start"])).groupby("week_start")[column].sum()
        return series.reindex(weeks, fill_value=0).astype(float)

    def by_channel(role: str) -> pd.DataFrame:
        rows = spend[(spend["spend"] > 0) & (spend["funnel_role"] == role)]
        if rows.empty:
            return pd.DataFrame(index=weeks.rename("week_start"))
        channels = (rows.assign(week_start=pd.to_datetime(rows["week_start"]))
                    .pivot_table(index="week_start", columns="channel", values="spend", aggfunc="sum")
                    .reindex(weeks).fillna(0.0))
        channels.columns = [str(c) for c in channels.columns]
        return channels.rename_axis("week_start")

    targets = pd.DataFrame({"pipeline": by_week(pipeline, "pipeline"), "inquiries": by_week(inquiries, "inquiries")})
    return WeeklyInputs(by_channel("awareness"), by_channel("demand_gen"), targets.rename_axis("week_start"))


# --- the fit -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Transform:
    """One point of the grid: a carry-over, a shape and a half-saturation multiple (same for every channel)."""

    decay: float
    shape: float
    half_saturation: float


@dataclass(frozen=True)
class _Fit:
    index: int  # of the transform in the design's grid
    transform: _Transform
    effects: np.ndarray  # per channel, in target units scaled to mean 1
    half_saturations: np.ndarray  # per channel, in weekly spend
    objective: float


@dataclass(frozen=True)
class _Design:
    """Everything about a fit that does not depend on the target values (so a bootstrap draw reuses it)."""

    controls: np.ndarray  # orthonormal basis of level, trend, season and carried-over demand-generation spend
    transforms: list[_Transform]
    features: list[np.ndarray]  # per transform: saturated carry-over, fitted weeks × channels
    residual_features: list[np.ndarray]  # the same with the controls projected out
    half_saturations: list[np.ndarray]
    ridge: float


def _controls(n_weeks: int, harmonics: int, other_spend: np.ndarray | None = None) -> np.ndarray:
    """An orthonormal basis of what explains the target besides awareness: a level, a linear trend, yearly season
    (sine/cosine pairs) and, when given, other spend (one column each, fitted weeks only)."""
    years = np.arange(n_weeks) / WEEKS_PER_YEAR
    columns = [np.ones(n_weeks), years - years.mean()]
    for k in range(1, harmonics + 1):
        columns += [np.sin(2 * np.pi * k * years), np.cos(2 * np.pi * k * years)]
    if other_spend is not None and other_spend.size:
        spread = other_spend.std(axis=0)
        columns += [other_spend[:, c] / spread[c] for c in range(other_spend.shape[1]) if spread[c] > 0]
    basis, _ = np.linalg.qr(np.column_stack(columns))
    return basis


def _design(spend: np.ndarray, other_spend: np.ndarray, fitted: slice, settings: Settings) -> _Design:
    n_fitted = len(range(*fitted.indices(len(spend))))
    # One column per carry-over of the total, not per channel: a dozen channels' worth of controls would soak up
    # noise along with demand generation's pipeline and leave the rest to look like awareness.
    total_other = other_spend.sum(axis=1) if other_spend.size else np.zeros(len(spend))
    carried = [geometric_adstock(total_other, decay) for decay in settings.demand_gen_decays]
    basis = _controls(n_fitted, settings.harmonics, np.column_stack(carried)[fitted] if total_other.any() else None)
    active = np.where(spend > 0, spend, np.nan)
    typical = np.nan_to_num(np.nanmean(active, axis=0), nan=1.0)  # average weekly spend in the weeks it spends
    transforms, features, residual, half = [], [], [], []
    for decay, shape, multiple in itertools.product(settings.decays, settings.shapes, settings.half_saturations):
        half_saturation = typical * multiple
        saturated = np.column_stack([hill(geometric_adstock(spend[:, c], decay), half_saturation[c], shape)
                                     for c in range(spend.shape[1])])[fitted]
        transforms.append(_Transform(decay, shape, multiple))
        features.append(saturated)
        residual.append(saturated - basis @ (basis.T @ saturated))
        half.append(half_saturation)
    return _Design(basis, transforms, features, residual, half, settings.ridge)


def _fit(design: _Design, scaled: np.ndarray) -> _Fit:
    """The grid point and non-negative channel effects with the least penalised squared error (controls free)."""
    residual_target = scaled - design.controls @ (design.controls.T @ scaled)
    best = None
    for index, residual_features in enumerate(design.residual_features):
        n_channels = residual_features.shape[1]
        stacked = np.vstack([residual_features, np.sqrt(design.ridge) * np.eye(n_channels)])
        effects, norm = nnls(stacked, np.concatenate([residual_target, np.zeros(n_channels)]))
        objective = norm ** 2
        if best is None or objective < best.objective - 1e-12:
            best = _Fit(index, design.transforms[index], effects, design.half_saturations[index], objective)
    return best


def _block_resample(residuals: np.ndarray, block: int, rng: np.random.Generator) -> np.ndarray:
    """Residuals resampled in runs of `block` consecutive weeks, so that their week-to-week correlation survives."""
    n = len(residuals)
    block = min(block, n)
    starts = rng.integers(0, n - block + 1, size=-(-n // block))
    return np.concatenate([residuals[s:s + block] for s in starts])[:n]


# --- the answer ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """The estimate for a quarter, its intervals and everything needed to show how it was made."""

    quarter: str
    target: str
    share: float  # of the quarter's target that awareness contributed
    share_low: float
    share_high: float
    contribution: float  # the same in target units (pipeline $ or inquiries)
    contribution_low: float
    contribution_high: float
    target_total: float  # the quarter's target, over the weeks counted
    quarter_weeks: int
    history_share: float  # over every fitted week
    history_share_low: float
    history_share_high: float
    channels: pd.DataFrame  # per channel: spend, contribution and marginal return with intervals, curve parameters
    curves: pd.DataFrame  # channel, spend, response, response_low, response_high (weekly, once carried over)
    weekly: pd.DataFrame  # week_start, actual, baseline, awareness, fitted
    card: dict = field(default_factory=dict)  # how it was made: weeks, grid choice, ridge, draws, level, fit


def estimate(inputs: WeeklyInputs, quarter_start: dt.date | dt.datetime, quarter: str,
             settings: Settings | None = None) -> Estimate:
    """Fit on every complete week up to the quarter's end; report the quarter's weeks (those starting in it).

    Raises NotEstimable, with a message a reader can act on, when there is too little history or spend variation.
    """
    settings = settings or Settings()
    noun = TARGETS[settings.target]
    if inputs.spend.empty or float(inputs.spend.to_numpy().sum()) <= 0:
        raise NotEstimable(f"No awareness spend is recorded up to the end of {quarter}, so there is nothing to "
                           "estimate. Campaigns in the awareness role (on the charter's awareness channels, or marked "
                           "so in the CRM) need their costs loaded.")
    weeks = inputs.spend.index
    fitted = slice(settings.warm_up_weeks, None)
    n_fitted = max(0, len(weeks) - settings.warm_up_weeks)
    if n_fitted < settings.min_weeks:
        raise NotEstimable(
            f"Too little history: the estimate needs at least {settings.min_weeks} complete weeks with awareness "
            f"spend (plus {settings.warm_up_weeks} to build up carry-over), and the data up to the end of {quarter} "
            f"has {n_fitted}. With less than a year, awareness cannot be told apart from the season; load a longer "
            "history of campaign costs and deals.")
    total = inputs.spend.iloc[fitted].sum(axis=1)
    variation = float(total.std() / total.mean()) if total.mean() > 0 else 0.0
    # A channel with a sliver of the spend cannot be told apart from whatever else happens in its weeks.
    spend_share = inputs.spend.iloc[fitted].sum() / max(float(total.sum()), 1e-9)
    channels = [c for c in inputs.spend.columns
                if inputs.spend[c].iloc[fitted].std() > 0 and spend_share[c] >= settings.min_channel_share]
    too_small = [c for c in inputs.spend.columns if c not in channels and spend_share[c] > 0]
    spend = inputs.spend[channels].to_numpy(dtype=float)
    if variation < settings.min_spend_variation:
        raise NotEstimable(
            f"Too little spend variation: weekly awareness spend stayed within about ±{variation:.0%} of its "
            f"average over {n_fitted} weeks, so whatever it does looks the same as the baseline. The estimate needs "
            "weeks of clearly higher and lower spend: flighted campaigns, a pause, or a region held out.")
    if not channels:
        raise NotEstimable(
            f"No awareness channel carries enough of the spend to be estimated (each needs at least "
            f"{settings.min_channel_share:.0%} of it and some weeks higher than others); spend is spread over "
            f"{', '.join(too_small)}.")
    actual = inputs.targets[settings.target].to_numpy(dtype=float)[fitted]
    scale = float(actual.mean())
    if scale <= 0:
        raise NotEstimable(f"No {noun} is recorded in the {n_fitted} weeks up to the end of {quarter}.")
    design = _design(spend, inputs.demand_gen_spend.to_numpy(dtype=float), fitted, settings)
    best = _fit(design, actual / scale)
    awareness_scaled = design.features[best.index] @ best.effects
    baseline_scaled = design.controls @ (design.controls.T @ (actual / scale - awareness_scaled))
    fitted_scaled = baseline_scaled + awareness_scaled
    # Residuals of a fit are smaller than the noise that made them by the parameters spent; scale them back up.
    parameters = design.controls.shape[1] + len(channels)
    residuals = (actual / scale - fitted_scaled) * np.sqrt(n_fitted / max(n_fitted - parameters, 1))

    week_index = weeks[fitted]
    start = pd.Timestamp(quarter_start.date() if isinstance(quarter_start, dt.datetime) else quarter_start)
    in_quarter = np.asarray(week_index >= start)
    current = spend[fitted][in_quarter].mean(axis=0) if in_quarter.any() else np.zeros(len(channels))

    def summarise(fit: _Fit) -> dict[str, np.ndarray]:
        per_channel = design.features[fit.index] * fit.effects * scale  # weeks × channels
        slope = np.array([fit.effects[c] * scale * hill_slope(current[c], fit.half_saturations[c],
                                                              fit.transform.shape)
                          for c in range(len(channels))])
        return {"weekly": per_channel.sum(axis=1), "quarter_channels": per_channel[in_quarter].sum(axis=0),
                "marginal": slope}

    # The estimate is the median over fits to resampled histories (bagging), its interval their spread: one grid
    # point chosen on one history is less stable than the share itself, and a point outside its own interval would
    # read as a contradiction.
    rng = np.random.default_rng(settings.seed)
    draws = [_fit(design, fitted_scaled + _block_resample(residuals, settings.block_weeks, rng))
             for _ in range(settings.draws)]
    summaries = [summarise(d) for d in draws]
    tail = (1 - settings.level) / 2

    def spread(key: str, reduce=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        values = np.array([reduce(s[key]) if reduce else s[key] for s in summaries], dtype=float)
        low, middle, high = np.quantile(values, [tail, 0.5, 1 - tail], axis=0)
        return middle, low, high

    quarter_total = float(actual[in_quarter].sum())
    history_total = float(actual.sum())
    contribution = spread("quarter_channels", np.sum)
    history = spread("weekly", np.sum)
    by_channel = spread("quarter_channels")
    marginal = spread("marginal")
    weekly_awareness = spread("weekly")

    def share(value, of: float):
        return np.asarray(value, dtype=float) / of if of > 0 else np.full(np.shape(value), np.nan)

    channel_frame = pd.DataFrame({
        "channel": channels,
        "spend_in_quarter": spend[fitted][in_quarter].sum(axis=0),
        "weekly_spend": current,
        "contribution": by_channel[0], "contribution_low": by_channel[1], "contribution_high": by_channel[2],
        "share": share(by_channel[0], quarter_total), "share_low": share(by_channel[1], quarter_total),
        "share_high": share(by_channel[2], quarter_total),
        "marginal_return": marginal[0], "marginal_return_low": marginal[1], "marginal_return_high": marginal[2],
        # Inquiries per extra dollar are too small to read: per extra thousand a week reads as a count.
        "marginal_return_per_thousand": marginal[0] * 1000, "marginal_return_per_thousand_low": marginal[1] * 1000,
        "marginal_return_per_thousand_high": marginal[2] * 1000,
    })
    weekly = pd.DataFrame({"week_start": week_index, "actual": actual, "awareness": weekly_awareness[0],
                           "awareness_low": weekly_awareness[1], "awareness_high": weekly_awareness[2],
                           "fitted": fitted_scaled * scale})
    total_variation = float(((actual / scale - (actual / scale).mean()) ** 2).sum())
    card = {
        "target": settings.target, "weeks": n_fitted, "warm_up_weeks": settings.warm_up_weeks,
        "first_week": week_index[0].date(), "last_week": week_index[-1].date(),
        "decay": best.transform.decay, "shape": best.transform.shape,
        "half_saturation_multiple": best.transform.half_saturation, "ridge": settings.ridge,
        "harmonics": settings.harmonics, "draws": settings.draws, "block_weeks": settings.block_weeks,
        "level": settings.level, "spend_variation": variation,
        "r_squared": 1 - float((residuals ** 2).sum()) / total_variation if total_variation > 0 else float("nan"),
        "grid_points": len(design.transforms), "min_channel_share": settings.min_channel_share,
        "too_small_channels": too_small, "demand_gen_channels": list(inputs.demand_gen_spend.columns),
    }
    return Estimate(
        quarter=quarter, target=settings.target, share=float(share(contribution[0], quarter_total)),
        share_low=float(share(contribution[1], quarter_total)),
        share_high=float(share(contribution[2], quarter_total)),
        contribution=float(contribution[0]), contribution_low=float(contribution[1]),
        contribution_high=float(contribution[2]), target_total=quarter_total, quarter_weeks=int(in_quarter.sum()),
        history_share=float(share(history[0], history_total)),
        history_share_low=float(share(history[1], history_total)),
        history_share_high=float(share(history[2], history_total)),
        channels=channel_frame, curves=_curves(channels, spend, current, draws, scale, settings.level),
        weekly=weekly, card=card,
    )


def _curves(channels: list[str], spend: np.ndarray, current: np.ndarray, draws: list[_Fit], scale: float,
            level: float, points: int = 41) -> pd.DataFrame:
    """Each channel's weekly response to a lasting weekly spend, from nothing to twice the most it ever spent (and
    at the quarter's spend): the median over the bootstrap fits and their spread."""
    tail = (1 - level) / 2
    frames = []
    for c, channel in enumerate(channels):
        top = max(2 * float(spend[:, c].max()), 2 * float(current[c]), 1.0)
        grid = np.linspace(0, top, points)
        drawn = np.array([d.effects[c] * scale * hill(np.append(grid, current[c]), d.half_saturations[c],
                                                      d.transform.shape) for d in draws])
        low, middle, high = np.quantile(drawn, [tail, 0.5, 1 - tail], axis=0)
        frames.append(pd.DataFrame({"channel": channel, "spend": grid, "response": middle[:-1],
                                    "response_low": low[:-1], "response_high": high[:-1],
                                    "current_spend": current[c], "current_response": middle[-1]}))
    return pd.concat(frames, ignore_index=True)


# --- from the warehouse --------------------------------------------------------------------------------------------

def for_quarter(source, quarter: Quarter | str, *, target: str = "pipeline",
                definitions: catalog.Definitions | None = None, settings: Settings | None = None) -> Estimate:
    """The estimate for a quarter from the catalog's weekly series, company-wide (awareness cost has no region or
    segment); raises NotEstimable with a plain message when the data cannot support it."""
    filters = catalog.Filters(quarter=quarter)
    settings = Settings(**{**(settings or Settings()).model_dump(), "target": target})
    inputs = weekly_inputs(catalog.run(source, "weekly_campaign_spend", filters, definitions),
                           catalog.run(source, "weekly_pipeline_created", filters, definitions),
                           catalog.run(source, "weekly_inquiries", filters, definitions),
                           until=filters.quarter.end_day)
    # The weekly series are weeks of the company's own days: the quarter's days bound them, not its UTC instants.
    return estimate(inputs, filters.quarter.first_day, str(filters.quarter), settings)


ALL_CHANNELS = "all awareness channels"
"""The row of beside_touches that adds the channels up."""


def touch_credit(source, quarter: Quarter | str, *, target: str = "pipeline",
                 definitions: catalog.Definitions | None = None) -> pd.Series:
    """What touch-level attribution gives awareness in the quarter, by channel: pipeline credited by the model of
    record to the campaigns in the awareness role under the charter (campaign_role); for inquiries, those whose first
    responded touch was an awareness campaign (all channels together)."""
    from alignment import attribution

    definitions = definitions or catalog.Definitions()
    if target == "inquiries":
        value = catalog.value(source, "awareness_sourced_inquiries", {"quarter": quarter}, definitions)
        return pd.Series({ALL_CHANNELS: float(value or 0)})
    credited = attribution.credited_by_campaign(source, _touch_options(quarter, definitions))
    cursor = catalog.cursor(source)
    try:
        roles = cursor.execute(sqlfiles.query("campaign_roles"), {
            "awareness_channels": catalog.PARAMETERS["awareness_channels"].value(
                catalog.Filters(quarter=quarter), definitions)}).df()
    finally:
        cursor.close()
    awareness_rows = credited.merge(roles[roles["funnel_role"] == "awareness"], on="campaign_id")
    by_channel = awareness_rows.groupby(awareness_rows["channel"].map(names.key))["credited_amount"].sum()
    return pd.concat([by_channel, pd.Series({ALL_CHANNELS: float(by_channel.sum())})])


def _touch_options(quarter: Quarter | str, definitions: catalog.Definitions):
    from alignment import campaigns

    return campaigns.options(definitions, "pipeline", quarter)


def touch_card(quarter: Quarter | str, *, target: str = "pipeline",
               definitions: catalog.Definitions | None = None) -> str:
    """How touch_credit counted: the attribution model card, or the first-touch rule for inquiries."""
    if target == "inquiries":
        return "inquiries whose first responded touch was an awareness campaign (awareness_sourced_inquiries)"
    return "pipeline credited by touches: " + _touch_options(quarter, definitions or catalog.Definitions()).card()


def beside_touches(result: Estimate, credit: pd.Series) -> pd.DataFrame:
    """Per awareness channel, then all of them together: the estimate with its interval beside the touch-level
    credit (empty where one side has nothing to say, e.g. a channel too small to estimate), each also as a share of
    the quarter's total."""
    channels = result.channels.set_index("channel")
    by_channel = [c for c in credit.index if c != ALL_CHANNELS]
    names = list(dict.fromkeys([*channels.index, *by_channel]))
    # Credit given channel by channel gives nothing to a channel it does not list; credit given only in total says
    # nothing about any one channel.
    missing_credit = 0.0 if by_channel else np.nan
    rows = [{"channel": name,
             "estimate": channels["contribution"].get(name, np.nan),
             "estimate_low": channels["contribution_low"].get(name, np.nan),
             "estimate_high": channels["contribution_high"].get(name, np.nan),
             "touch_credit": credit.get(name, missing_credit)} for name in names]
    rows.append({"channel": ALL_CHANNELS, "estimate": result.contribution, "estimate_low": result.contribution_low,
                 "estimate_high": result.contribution_high, "touch_credit": credit.get(ALL_CHANNELS, np.nan)})
    frame = pd.DataFrame(rows)
    of = result.target_total if result.target_total > 0 else np.nan
    return frame.assign(estimate_share=frame["estimate"] / of, touch_share=frame["touch_credit"] / of)
