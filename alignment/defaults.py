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
ENGAGEMENT_WINDOW_DAYS = 90
"""A person is engaged when they responded to a campaign in this many days before the as-of moment: a quarter's
length, the interest window's default, and the 90 days an account's journey counts its recent touches over."""
SALES_READY_PERSONAS = ("decision_maker", "influencer")
MODEL_OF_RECORD = "w_shaped"
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay",
                      "data_driven")
"""The attribution models of DESIGN §4.4, the rule-based ones first; any of them can be the model of record."""
LINKING = "contacts"               # or "account": everyone at the deal's account is linked to it
PRIMARY_CAMPAIGN_CREDIT = True     # a deal with no linked touch is credited to the primary campaign it names
BOUGHT_LEAD_PRICE = 250.0


TRACEABILITY_THRESHOLD = 0.6
"""A campaign demonstrates value when its traceability score (DESIGN §4.7, alignment.quadrant) reaches this."""
DELIVERY_THRESHOLD: float | None = None
"""Attributed pipeline per $1 of cost a campaign must reach to deliver; None: what a bought lead returns."""
MIN_MQLS_FOR_LEAD_QUALITY = 10
"""Fewer MQLs than this and a campaign's lead quality is not held against it: at a company rate of a few percent,
none of three MQLs being sales-ready is what the company itself would produce."""
