"""The default definitions (DESIGN §4), in one place, until a quarter's charter overrides them."""

from __future__ import annotations

AWARENESS_CHANNELS = ("tv", "radio", "billboard", "display", "social_organic", "pr", "sponsorship", "podcast")
"""Channels whose campaigns play the awareness role; every other channel is demand generation."""

LEAD_SOURCE_CATEGORIES: dict[str, str] = {
    **{s: "marketing" for s in (
        "web", "webinar", "trade show", "event", "content syndication", "paid search", "paid social", "email",
        "advertisement", "organic search", "social")},
    **{s: "sales" for s in ("outbound", "cold call", "sales prospecting", "customer referral")},
    **{s: "partner" for s in ("partner", "partner referral")},
}
"""Lead source (lower case, trimmed) → source category; anything else is "other"."""

STAGE_POLICY = "backfill"          # or "strict"
SLA_HOURS = 24.0
ACCEPTANCE_TARGET = 0.90
LOOKBACK_DAYS = 365
HALF_LIFE_DAYS = 7.0
INTEREST_TOUCHES = 2
INTEREST_WINDOW_DAYS = 90
SALES_READY_PERSONAS = ("decision_maker", "influencer")
MODEL_OF_RECORD = "w_shaped"
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay",
                      "data_driven")
"""The attribution models of DESIGN §4.4, the rule-based ones first; any of them can be the model of record."""
LINKING = "contacts"               # or "account": everyone at the deal's account is linked to it
PRIMARY_CAMPAIGN_CREDIT = True     # a deal with no linked touch is credited to the primary campaign it names
BOUGHT_LEAD_PRICE = 250.0

ENGAGED_TOUCHES = 3
ENGAGED_WINDOW_DAYS = 90
"""An account is engaged with at least 3 responded touches of its people in the 90 days up to the quarter's end: one
response is curiosity, three in a quarter's span is a company looking (and 90 days keeps an account engaged for a
quarter after its last burst, not for ever)."""
ENGAGEMENT_HALF_LIFE_DAYS = 30.0
"""A touch's weight in an account's engagement score halves every 30 days: last month's webinar counts half of
today's, a touch a quarter old an eighth."""
PERSONA_WEIGHTS: dict[str, float] = {"decision_maker": 4.0, "influencer": 2.0, "user": 1.0, "other": 0.5}
"""How much a responded touch weighs by the persona of who responded: a decision maker's attention is what sales needs,
an influencer's half as much, a user's a quarter; a person of no known role (other, or no persona) an eighth."""
CHANNEL_WEIGHTS: dict[str, float] = {"webinar": 2.0, "event": 2.0, "trade_show": 2.0, "email": 0.5}
"""How much a responded touch weighs by its campaign's channel (unlisted channels weigh 1): attending a webinar or an
event costs a person an hour, a click on an email a second."""


TRACEABILITY_THRESHOLD = 0.6
"""A campaign demonstrates value when its traceability score (DESIGN §4.7, alignment.quadrant) reaches this."""
DELIVERY_THRESHOLD: float | None = None
"""Attributed pipeline per $1 of cost a campaign must reach to deliver; None: what a bought lead returns."""
MIN_MQLS_FOR_LEAD_QUALITY = 10
"""Fewer MQLs than this and a campaign's lead quality is not held against it: at a company rate of a few percent,
none of three MQLs being sales-ready is what the company itself would produce."""
