"""The embedded demo company: a deterministic B2B SaaS firm written out as Salesforce-format CSV extracts."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pyarrow as pa

from alignment import sqlfiles
from alignment.awareness import geometric_adstock, hill


@dataclass(frozen=True)
class DemoScale:
    """Target sizes of one demo tier; the generator lands near these counts, not exactly on them."""

    accounts: int
    people: int
    touches: int
    opportunities: int
    team_size: int  # multiplier on reps and field marketers per region
    campaign_density: int  # multiplier on campaigns per quarter and channel


SCALES = {
    "S": DemoScale(accounts=2_000, people=50_000, touches=500_000, opportunities=10_000,
                   team_size=1, campaign_density=1),
    "M": DemoScale(accounts=20_000, people=500_000, touches=5_000_000, opportunities=100_000,
                   team_size=3, campaign_density=2),
    "L": DemoScale(accounts=50_000, people=2_000_000, touches=20_000_000, opportunities=200_000,
                   team_size=6, campaign_density=3),
    # Ten times L, the size one machine is expected to hold (DESIGN §10). Drawn at once it would hold every column
    # of the company in memory (tens of GB), so it is written as ten copies of L instead (COPIED_SCALES); these
    # sizes are what the copies add up to.
    "XL": DemoScale(accounts=500_000, people=20_000_000, touches=200_000_000, opportunities=2_000_000,
                    team_size=20, campaign_density=6),
}
# A small tier for tests only; the command line offers SCALES.
_TEST_SCALES = {"XS": DemoScale(accounts=400, people=8_000, touches=60_000, opportunities=1_600,
                                team_size=1, campaign_density=1)}

COPIED_SCALES = {"XL": ("L", 10)}
"""Tiers written as copies of a smaller tier side by side: scale -> (the tier copied, how many copies)."""

EXTRACTS = {"Account.csv": "account", "Contact.csv": "contact", "Lead.csv": "lead", "Opportunity.csv": "opportunity",
            "OpportunityHistory.csv": "opportunity_history", "OpportunityContactRole.csv": "opportunity_contact_role",
            "Campaign.csv": "campaign", "CampaignMember.csv": "campaign_member", "Task.csv": "task", "Event.csv": "event",
            "User.csv": "user", "campaign_spend.csv": "campaign_spend", "awareness_metrics.csv": "awareness_metrics"}
"""Each extract the demo writes → the query (sql/demo/<name>.sql) that formats its rows as the export does."""
DEMO_SQL = sqlfiles.SQL_DIR / "demo"
HEADERS = {file_name: tuple(sqlfiles.folder(DEMO_SQL, "query")[name].columns) for file_name, name in EXTRACTS.items()}
"""Each extract's header row (the columns its query declares)."""
ID_COLUMNS = {
    "Account.csv": ("Id", "OwnerId"), "Contact.csv": ("Id", "AccountId", "OwnerId"),
    "Lead.csv": ("Id", "OwnerId", "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId"),
    "Opportunity.csv": ("Id", "AccountId", "OwnerId", "CampaignId"), "OpportunityHistory.csv": ("Id", "OpportunityId"),
    "OpportunityContactRole.csv": ("Id", "OpportunityId", "ContactId"),
    "Campaign.csv": ("Id", "ParentId", "OwnerId", "Sales_Sponsor__c"),
    "CampaignMember.csv": ("Id", "CampaignId", "LeadId", "ContactId"), "Task.csv": ("Id", "WhoId", "OwnerId"),
    "Event.csv": ("Id", "WhoId", "OwnerId"), "User.csv": ("Id", "ManagerId"), "campaign_spend.csv": ("campaign_id",),
    "awareness_metrics.csv": ()}
"""Each extract's columns holding a Salesforce id, the record's own or one it refers to: what a copy renumbers."""
MAX_COPIES = 10
"""A copy's number is one digit of its ids (sf_id_copy)."""

# The four stories the demo must tell; tests and the app's tour look these campaigns up by name.
SPIN_DOCTOR_CAMPAIGN = "Paid Social — Always-on Lead Gen"
SILENT_OPERATIVE_CAMPAIGN = "Executive Dinner Series"

DAY = 86_400.0
HOUR = 3_600.0
QUARTER = 91.3 * DAY
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
GLOBAL = 4  # region code of campaigns and people-pools that span every region
REGION_SHARE = np.array([0.45, 0.30, 0.15, 0.10])
BUSINESS_HOURS_START_UTC = np.array([13.0, 7.0, 0.0, 12.0])  # local 8-9 am, so records appear in working hours
SLIPPING_REGION = 0
"""The region whose reps push close dates out far more often than the others' (the walk's story: NA)."""
SLIP_SHARE = np.array([0.55, 0.15, 0.15, 0.15])
"""Per region, the share of deals whose close date was pushed out once; PULL_SHARE were pulled in once."""
PULL_SHARE = 0.06
AWARENESS_SPEND_RAMP = {2: 2.0, 3: 3.5}  # reported-quarter index -> spend multiplier; later quarters stay at 2.6


@dataclass(frozen=True)
class AwarenessEffect:
    """The known truth of the awareness story: each awareness channel's weekly spend (all regions) is carried over
    (geometric adstock, `decay` a week), saturates on a Hill curve (`half_saturation` in weekly dollars at scale S,
    `shape`) and lifts the daily rate of new inbound and campaign-created people by up to `most_lift` of the rate
    without awareness; pipeline follows those people through the funnel."""

    decay: float
    shape: float
    half_saturation: dict[str, float]
    most_lift: dict[str, float]


AWARENESS_EFFECT = AwarenessEffect(
    decay=0.75, shape=3.0,
    half_saturation={"tv": 20e3, "display": 10e3, "podcast": 6e3, "billboard": 6e3, "pr": 3e3, "social_organic": 1e3},
    most_lift={"tv": 0.8, "display": 0.3, "podcast": 0.1, "billboard": 0.05, "pr": 0.03, "social_organic": 0.01})
# Spend rises in reported quarters 3 and 4 (AWARENESS_SPEND_RAMP): the S-curve keeps the first step small, so
# inquiries, then pipeline, rise a quarter or two later.

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
PERSONAS = ("Decision Maker", "Influencer", "User", "Other")
LEAD_SOURCES = ("Web", "Webinar", "Trade Show", "Event", "Content Syndication", "Paid Search", "Paid Social", "Email",
                "Advertisement", "Organic Search", "Social", "Outbound", "Cold Call", "Sales Prospecting",
                "Customer Referral", "Partner", "Partner Referral")
_SOURCE = {name: code for code, name in enumerate(LEAD_SOURCES)}
NO_SOURCE = -1
REJECTION_REASONS = ("Not a fit", "Duplicate", "Bad contact data", "Student / job seeker", "Competitor")
DISQUALIFICATION_REASONS = ("No budget", "No authority", "No need", "Timing", "Went with competitor")
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
FORECAST_CATEGORIES = ("Pipeline", "Best Case", "Commit", "Closed", "Omitted")
# An open deal's forecast category by its stage (Prospecting … Negotiation): the later the stage, the likelier the
# owner commits it, about as often as such deals are won in the demo, so the demo's commit lands near the forecast
# worked out from the stages rather than far above its range. Drawn from a generator of its own, so every other
# column keeps the demo's one random stream.
FORECAST_BY_STAGE = ((0.85, 0.0, 0.0, 0.0, 0.15), (0.70, 0.25, 0.0, 0.0, 0.05), (0.25, 0.55, 0.20, 0.0, 0.0),
                     (0.0, 0.45, 0.55, 0.0, 0.0))
FORECAST_SEED = 21
CONTACT_ROLES = ("Decision Maker", "Economic Buyer", "Evaluator", "Influencer", "Technical Buyer", "User")
LEAD_STATUSES = ("Open - Not Contacted", "Nurturing", "Working - Contacted", "Closed - Converted",
                 "Closed - Not Converted")
AWARENESS_CHANNELS = ("tv", "billboard", "display", "social_organic", "pr", "podcast")
AWARENESS_METRICS = ("impressions", "reach", "site_visits", "branded_search")

_FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
                "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Daniel", "Karen",
                "Oliver", "Amelia", "Harry", "Isla", "Lukas", "Hannah", "Felix", "Lea", "Louis", "Camille", "Lucas",
                "Emma", "Daan", "Sanne", "Erik", "Astrid", "Pablo", "Lucia", "Sean", "Aoife", "Hiroshi", "Yuki",
                "Wei", "Mei", "Arjun", "Priya", "Rahul", "Ananya", "Jack", "Chloe", "Mateus", "Ana", "Diego",
                "Valentina", "Santiago", "Camila", "Mateo", "Sofia", "Noah", "Zoe")
_LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
               "Thomas", "Moore", "Martin", "Lee", "Clark", "Walker", "Hall", "Young", "Wright", "Scott", "Evans",
               "Hughes", "Müller", "Schmidt", "Schneider", "Fischer", "Dubois", "Moreau", "Laurent", "de Vries",
               "Jansen", "Lindqvist", "Andersson", "García", "Martínez", "Murphy", "O'Brien", "Sato", "Suzuki",
               "Tanaka", "Chen", "Wang", "Li", "Sharma", "Patel", "Gupta", "Singh", "Nguyen", "Silva", "Santos",
               "Oliveira", "Hernández", "López", "González", "Rodríguez", "Pérez", "Rossi", "Kowalski", "Novak",
               "Cohen")
_TITLES = (
    ("Chief Financial Officer", "VP of Sales", "Chief Revenue Officer", "VP Finance", "Head of Revenue Operations",
     "VP Marketing", "Head of Sales Operations", "Chief Operating Officer"),
    ("Director of Sales Operations", "Director, Revenue Operations", "Revenue Operations Manager",
     "Director of Finance", "Marketing Operations Manager", "Director, Demand Generation", "Sales Manager"),
    ("Sales Operations Analyst", "Financial Analyst", "CRM Specialist", "Marketing Specialist", "Business Analyst",
     "Revenue Analyst"),
    ("Student", "Consultant", "Intern", "Software Engineer", "Office Manager", "Recruiter"),
)
_PERSONA_MIX = {  # share of Decision Maker, Influencer, User, Other; then the share left blank
    "default": ((0.20, 0.36, 0.34, 0.10), 0.08),
    "poor": ((0.03, 0.12, 0.50, 0.35), 0.12),
    "sales": ((0.38, 0.42, 0.17, 0.03), 0.05),
}
_COUNTRIES = (
    (("United States", "Canada"), (0.85, 0.15)),
    (("United Kingdom", "Germany", "France", "Netherlands", "Sweden", "Spain", "Ireland"),
     (0.30, 0.25, 0.15, 0.10, 0.07, 0.08, 0.05)),
    (("Australia", "Japan", "Singapore", "India", "New Zealand"), (0.35, 0.20, 0.20, 0.18, 0.07)),
    (("Brazil", "Mexico", "Colombia", "Chile", "Argentina"), (0.40, 0.30, 0.12, 0.10, 0.08)),
)
_CITIES = (("Austin", "Chicago", "Boston", "Toronto", "San Francisco", "New York"),
           ("London", "Berlin", "Paris", "Amsterdam", "Stockholm", "Madrid"),
           ("Sydney", "Singapore", "Tokyo", "Bangalore"),
           ("São Paulo", "Mexico City", "Bogotá", "Santiago"))
_NAME_HEADS = ("North", "Bright", "Iron", "Clear", "Blue", "Silver", "Red", "Stone", "Oak", "Pine", "Summit", "Harbor",
               "River", "Cedar", "Falcon", "Maple", "Granite", "Copper", "Golden", "Swift", "True", "Evergreen",
               "Crescent", "Beacon", "Polar", "Vista", "Nova", "Atlas", "Quantum", "Lumen", "Orbit", "Apex", "Zenith",
               "Vertex", "Sterling", "Crystal", "Echo", "Horizon", "Meridian", "Pioneer", "Prairie", "Coastal",
               "Alpine", "Rapid", "Solid", "Prime", "Union", "Liberty", "Keystone", "Aurora")
_NAME_TAILS = ("wind", "path", "gate", "view", "field", "bridge", "point", "wave", "rock", "line", "stream", "works",
               "forge", "light", "well", "crest", "haven", "wood", "port", "ridge", "mark", "scape", "star", "stone",
               "vale", "brook", "spring", "bay", "peak", "shore", "land", "way", "hill", "grove", "sight", "leaf",
               "cloud", "core", "base", "shift")
_NAME_SUFFIXES = (  # (suffix, industry)
    ("Systems", "Technology"), ("Software", "Technology"), ("Analytics", "Technology"), ("Networks", "Technology"),
    ("Labs", "Technology"), ("Health", "Healthcare"), ("Pharma", "Life Sciences"), ("Biotech", "Life Sciences"),
    ("Medical", "Healthcare"), ("Bank", "Financial Services"), ("Capital", "Financial Services"),
    ("Insurance", "Financial Services"), ("Logistics", "Transportation & Logistics"),
    ("Freight", "Transportation & Logistics"), ("Manufacturing", "Manufacturing"), ("Industries", "Manufacturing"),
    ("Robotics", "Manufacturing"), ("Energy", "Energy & Utilities"), ("Power", "Energy & Utilities"),
    ("Retail Group", "Retail"), ("Foods", "Consumer Goods"), ("Apparel", "Consumer Goods"), ("Media", "Media"),
    ("Telecom", "Telecommunications"), ("Consulting", "Professional Services"),
    ("Partners", "Professional Services"), ("Education", "Education"), ("Travel", "Travel & Hospitality"),
    ("Security", "Technology"), ("Motors", "Automotive"))
_JUNK_COMPANIES = ("Self-employed", "Student", "N/A", "Freelance", "Personal", "none", "Home", "Test")
_WEBINAR_TOPICS = (
    "Forecasting pipeline with AI", "Closing the quarter without surprises", "RevOps metrics that boards trust",
    "From MQL to revenue: fixing the handoff", "Territory planning in a tight market",
    "One source of truth for pipeline", "Win-rate diagnostics for sales leaders", "Building a CFO-ready forecast",
    "Account-based plays that sales actually runs", "Commission plans that drive the right deals",
    "Pipeline hygiene in 30 minutes a week", "Benchmarks: SaaS funnel conversion in 2025")
_EVENTS = ("RevOps Summit", "Finance Leaders Forum", "B2B Growth Expo", "SaaS Operators Conference",
           "Sales Leadership Congress", "CX & Revenue World")
_REPORTS = ("State of Revenue Operations", "The Forecast Accuracy Benchmark", "Pipeline Playbook for CFOs",
            "Buyer Enablement Guide", "The Sales Capacity Planning Workbook")
_PARTNERS = ("Northbeam Consulting", "Atlas SI Group", "CloudBridge Partners", "Meridian Advisory")
_PODCASTS = ("The Revenue Hour", "CFO Thought Leader", "Sales Hacker Live", "The Operators")
_AUDIENCES = ("revenue operations leaders", "finance leaders", "sales leaders", "marketing operations teams",
              "CFOs and controllers")


@dataclass(frozen=True)
class _Channel:
    """How one marketing channel behaves in the demo company."""

    type: str  # Salesforce Campaign.Type
    lead_source: str | None  # LeadSource of the people it creates
    responded_status: str
    waiting_status: str  # status of members who have not responded
    response_rate: float  # share of engaged (not newly created) members who respond
    respond_at: str  # "touch": the same day; "end": the campaign's last day (event day); "later": 0-3 days after
    sourced: float  # relative number of new people one campaign creates
    engaged: float  # relative number of existing people one campaign reaches
    influence: float  # relative weight per active day when an opportunity's people engage mid-funnel
    no_fit_share: float  # new people from a company the CRM does not know


_CHANNELS = {
    "email": _Channel("Email", "Email", "Clicked", "Sent", 0.07, "later", 0, 6000, 1.0, 0.0),
    "webinar": _Channel("Webinar", "Webinar", "Attended", "Registered", 0.55, "end", 140, 700, 1.5, 0.2),
    "event": _Channel("Trade Show", "Trade Show", "Attended", "Registered", 0.60, "end", 160, 500, 1.2, 0.15),
    "paid_search": _Channel("Paid Search", "Paid Search", "Responded", "Clicked", 1.0, "touch", 1400, 700, 0.5, 0.3),
    "paid_social": _Channel("Paid Social", "Paid Social", "Responded", "Clicked", 1.0, "touch", 500, 500, 0.4, 0.3),
    "content_syndication": _Channel("Content Syndication", "Content Syndication", "Downloaded", "Sent", 1.0,
                                    "touch", 500, 250, 0.8, 0.15),
    "direct_mail": _Channel("Direct Mail", "Advertisement", "Responded", "Sent", 0.10, "later", 40, 400, 0.6, 0.0),
    "partner": _Channel("Partners", "Partner", "Responded", "Sent", 0.40, "touch", 120, 300, 0.5, 0.1),
    "display": _Channel("Banner Ads", "Advertisement", "Clicked", "Sent", 1.0, "touch", 150, 300, 0.3, 0.3),
    "social_organic": _Channel("Social Media", "Social", "Responded", "Sent", 1.0, "touch", 120, 300, 0.3, 0.3),
    "tv": _Channel("Advertisement", None, "Responded", "Sent", 0.0, "touch", 0, 0, 0.0, 0.0),
    "billboard": _Channel("Advertisement", None, "Responded", "Sent", 0.0, "touch", 0, 0, 0.0, 0.0),
    "pr": _Channel("Public Relations", None, "Responded", "Sent", 0.0, "touch", 0, 0, 0.0, 0.0),
    "podcast": _Channel("Sponsorship", None, "Responded", "Sent", 0.0, "touch", 0, 0, 0.0, 0.0),
}
CHANNELS = tuple(_CHANNELS)
_MEMBER_STATUSES = tuple(sorted({c.responded_status for c in _CHANNELS.values()}
                                | {c.waiting_status for c in _CHANNELS.values()} | {"Invited"}))


def default_end_quarter(today: dt.date) -> str:
    """The last full quarter before `today`, e.g. date(2026, 11, 23) -> "2026-Q3"."""
    quarter = (today.month - 1) // 3 + 1
    if quarter == 1:
        return f"{today.year - 1}-Q4"
    return f"{today.year}-Q{quarter - 1}"


RUNNING_DAY = 40
"""The day of the running quarter the demo's data reaches when today is not in it."""


def running_as_of(end_quarter: str, today: dt.date) -> dt.date:
    """The as-of day of the demo's running quarter (the one after `end_quarter`): today when it lies in it (before
    its last day), else its RUNNING_DAY-th day."""
    year, number = (int(part) for part in end_quarter.strip().split("-Q"))
    first = dt.date(year + number // 4, 3 * (number % 4) + 1, 1)
    after = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    if first <= today < after - dt.timedelta(days=1):
        return today
    return first + dt.timedelta(days=RUNNING_DAY - 1)


def write_demo_extracts(out_dir: Path, *, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
                        progress: Callable[[float, str], None] | None = None,
                        awareness: AwarenessEffect | None = AWARENESS_EFFECT,
                        as_of: dt.date | None = None, copies: int | None = None) -> dict[str, int]:
    """Write the demo company's Salesforce-format extracts into `out_dir`; returns {file name: data rows}.

    `awareness=None` makes the same company without any awareness effect (spend still rises; nothing follows it).
    `as_of`, a day of the quarter after `end_quarter` (before its last), runs the data into that quarter up to the
    end of that day (a running quarter); without it the data ends with `end_quarter`.

    A tier in COPIED_SCALES (XL: ten copies of L), or any tier with `copies` > 1, is written as that many copies of
    the company side by side: the tier copied is generated once into a scratch folder (in memory, as any tier), then
    each extract is streamed through DuckDB once per copy (copy_extracts), so memory stays that of the tier copied
    whatever the copies add up to. Every count and sum is then exactly `copies` times the tier copied's and every
    rate the same; names repeat from copy to copy (ten accounts, campaigns and reps of each name), ids never.
    """
    report = progress or (lambda fraction, message: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base, default_copies = COPIED_SCALES.get(scale, (scale, 1))
    copies = default_copies if copies is None else copies
    if copies > 1:
        with tempfile.TemporaryDirectory(prefix=".copied-", dir=out_dir) as folder:
            # Drawing L took about a fifth of the time its ten copies took to write.
            counts = write_demo_extracts(Path(folder), scale=base, seed=seed, end_quarter=end_quarter,
                                         progress=lambda fraction, message: report(0.2 * fraction, message),
                                         awareness=awareness, as_of=as_of, copies=1)
            copy_extracts(Path(folder), out_dir, copies,
                          progress=lambda fraction, message: report(0.2 + 0.8 * fraction, message))
        return {file_name: rows * copies for file_name, rows in counts.items()}
    company = _live(scale, seed, end_quarter, awareness, report, as_of=as_of)
    return _ExtractWriter(company, out_dir, report).write_all()


def copy_extracts(source: Path, out_dir: Path, copies: int,
                  progress: Callable[[float, str], None] | None = None) -> None:
    """Write into `out_dir` `copies` copies of the demo extracts in `source`, one after another in each file: copy 0
    is the source as it is, copy k has the digit after every id's prefix set to k (sf_id_copy; ID_COLUMNS), so no two
    copies share an id. Each copy is streamed through DuckDB, every value read as text and written back as the
    generator writes it, so the files keep the generator's layout byte for byte and memory stays flat."""
    if not 1 <= copies <= MAX_COPIES:
        raise ValueError(f"copies must be between 1 and {MAX_COPIES}, not {copies}")
    report = progress or (lambda fraction, message: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for macro in sqlfiles.folder(DEMO_SQL / "macros", "macro").values():
            con.execute(sqlfiles.create_macro(macro))
        for number, file_name in enumerate(EXTRACTS):
            report(number / len(EXTRACTS), f"Writing {copies} copies of {file_name}")
            target, part = out_dir / file_name, out_dir / (file_name + ".part")
            shutil.copyfile(source / file_name, target)
            relation = con.read_csv(str(source / file_name), header=True, all_varchar=True, delimiter=",",
                                    quotechar='"', escapechar='"')
            if tuple(relation.columns) != HEADERS[file_name]:
                raise ValueError(f"{file_name}: columns {relation.columns} differ from {HEADERS[file_name]}")
            for copy in range(1, copies):
                relation.select(*(
                    duckdb.FunctionExpression("sf_id_copy", duckdb.ColumnExpression(column),
                                              duckdb.ConstantExpression(copy)).alias(column)
                    if column in ID_COLUMNS[file_name] else duckdb.ColumnExpression(column)
                    for column in HEADERS[file_name])).write_csv(str(part), header=False)
                with open(target, "ab") as whole, open(part, "rb") as rows:
                    shutil.copyfileobj(rows, whole, 16 << 20)
                part.unlink()
    finally:
        con.close()
    report(1.0, "Demo extracts written")


def awareness_truth(*, scale: str = "S", seed: int = 7, end_quarter: str | None = None,
                    awareness: AwarenessEffect | None = AWARENESS_EFFECT):
    """Week by week (Mondays), what the demo company generates and the part of it awareness caused: pandas columns
    week_start, pipeline, awareness_pipeline, inquiries, awareness_inquiries, then the spend behind them: one
    column per awareness channel (named as the channel) and demand_gen (every other channel together).

    A person who arrived (inbound or through a campaign) on a day awareness lifted the rate of such arrivals by m
    is awareness's with probability m / (1 + m); so is that share of the pipeline of the deal they went on to open.
    The parts are expectations over the draws, the totals what was drawn.
    """
    import pandas as pd

    c = _live(scale, seed, end_quarter, awareness, lambda fraction, message: None, until="open_opportunities")
    lifted = np.isin(c.block, [c.block_code["campaign"], c.block_code["inbound"]])
    person_day = np.clip(c.tl.day_of(c.created), 0, c.tl.last_day)
    awareness_part = np.where(lifted, c.awareness_lift[person_day] / (1 + c.awareness_lift[person_day]), 0.0)
    amount = np.nan_to_num(c.opp_amount)  # an empty amount loads as 0
    opp_part = np.where(c.opp_kind == 0, awareness_part[c.opp_person], 0.0)
    n_weeks = int(c.tl.week_of(np.array([c.tl.last_day]))[0]) + 1

    def weekly(day: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(c.tl.week_of(day), weights=values, minlength=n_weeks)

    opp_day = np.clip(c.tl.day_of(c.opp_created), 0, c.tl.last_day)
    first_monday = c.tl.epoch_day0 - (c.tl.epoch_day0 + 3) % 7
    return pd.DataFrame({
        "week_start": (np.arange(n_weeks) * 7 + first_monday).astype("datetime64[D]").astype("datetime64[s]"),
        "pipeline": weekly(opp_day, amount), "awareness_pipeline": weekly(opp_day, amount * opp_part),
        "inquiries": weekly(person_day, np.ones(len(person_day))),
        "awareness_inquiries": weekly(person_day, awareness_part),
        **{channel: weekly(np.arange(c.tl.n_days), spend)
           for channel, spend in zip(AWARENESS_CHANNELS, c.daily_spend(AWARENESS_CHANNELS))},
        "demand_gen": weekly(np.arange(c.tl.n_days),
                             c.daily_spend(tuple(ch for ch in CHANNELS if ch not in AWARENESS_CHANNELS)).sum(0)),
    })


def _live(scale: str, seed: int, end_quarter: str | None, awareness: AwarenessEffect | None,
          report: Callable[[float, str], None], until: str | None = None,
          as_of: dt.date | None = None) -> "_DemoCompany":
    """The demo company's life, step by step (up to and including the step named `until`)."""
    sizes = {**SCALES, **_TEST_SCALES}.get(scale)
    if sizes is None:
        raise ValueError(f"Unknown demo scale {scale!r}: choose one of {', '.join(SCALES)}.")
    if end_quarter is None:
        end_quarter = default_end_quarter(dt.datetime.now(dt.timezone.utc).date())
    company = _DemoCompany(sizes, _Timeline(end_quarter, as_of), np.random.default_rng(seed), awareness)
    # Close-date changes are drawn apart, so that every other column comes out as without them.
    company.history_rng = np.random.default_rng([seed, 21])
    steps = (
        (company.hire_users, "Hiring the sales and marketing teams"),
        (company.create_accounts, "Creating accounts"),
        (company.plan_campaigns, "Planning campaigns"),
        (company.create_people, "Creating leads and contacts"),
        (company.run_funnel, "Moving people through the funnel"),
        (company.open_opportunities, "Opening opportunities"),
        (company.move_close_dates, "Moving close dates"),
        (company.record_touches, "Recording campaign touches"),
        (company.log_sales_activities, "Logging sales follow-up"),
    )
    for number, (step, message) in enumerate(steps):
        report(0.5 * number / len(steps), message)
        step()
        if step.__name__ == until:
            break
    return company


class _Timeline:
    """The demo's calendar: 4 history quarters, the 8 reported quarters ending at `end_quarter`, and older CRM days."""

    def __init__(self, end_quarter: str, as_of: dt.date | None = None):
        match = re.fullmatch(r"(\d{4})-Q([1-4])", end_quarter.strip())
        if match is None:
            raise ValueError(f"end_quarter must look like '2026-Q3', got {end_quarter!r}.")
        last = int(match.group(1)) * 4 + int(match.group(2)) - 1
        starts, self.labels = [], []
        for index in range(last - 11, last + 3):  # and the running quarter's end
            year, quarter = divmod(index, 4)
            starts.append(dt.datetime(year, 3 * quarter + 1, 1, tzinfo=dt.timezone.utc).timestamp())
            self.labels.append(f"{year}-Q{quarter + 1}")
        self.quarter_starts = np.array(starts)
        self.running = as_of is not None
        self.as_of = starts[12]  # nothing in the data happens at or after this moment
        if as_of is not None:
            moment = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.timezone.utc).timestamp()
            if not starts[12] < moment < starts[13]:
                raise ValueError(f"the running quarter's as-of day must lie in {self.labels[12]} before its last day, "
                                 f"got {as_of}")
            self.as_of = moment
        self.history_start = starts[0]
        self.day0 = self.history_start - 730 * DAY  # the CRM's oldest contacts and accounts
        self.epoch_day0 = int(self.day0 // DAY)
        self.n_days = int(round((self.as_of - self.day0) / DAY))
        self.last_day = self.n_days - 1

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        return np.floor((np.asarray(seconds) - self.day0) / DAY).astype(np.int64)

    def quarter_days(self, k: int) -> tuple[int, int]:
        """First and last day of quarter k (0-3 history, 4-11 reported)."""
        first = int(round((self.quarter_starts[k] - self.day0) / DAY))
        return first, int(round((self.quarter_starts[k + 1] - self.day0) / DAY)) - 1

    def intensity(self) -> np.ndarray:
        """Relative daily volume of new business without awareness: steady growth and quiet weekends."""
        mid = self.day0 + (np.arange(self.n_days) + 0.5) * DAY
        level = np.clip(1.0 + 0.04 * (mid - self.history_start) / QUARTER, 0.6, None)
        weekday = ((mid // DAY).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        return level * np.where(weekday >= 5, 0.3, 1.0)

    def week_of(self, day: np.ndarray) -> np.ndarray:
        """The Monday-based week of each day (the catalog's weeks), counted from the week holding day 0."""
        epoch_day = np.asarray(day) + self.epoch_day0
        return (epoch_day + 3) // 7 - (self.epoch_day0 + 3) // 7


def _cumulative(weights: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(weights)])


def _days_in_windows(rng, cumulative: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """One day per row, drawn inside [first, last] in proportion to the daily weights behind `cumulative`."""
    low, high = cumulative[first], cumulative[last + 1]
    target = low + rng.random(len(first)) * (high - low)
    return np.clip(np.searchsorted(cumulative, target, side="right") - 1, first, last)


def _lognormal(rng, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))


def _choice(rng, probabilities, size: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(probabilities), rng.random(size) * np.sum(probabilities), side="right")


class _PoolSampler:
    """Draws a random member of a pool that existed at a given moment, within a group (a region, an account)."""

    SPAN = 2 ** 34  # seconds; wider than the demo's whole calendar

    def __init__(self, members: np.ndarray, available_at: np.ndarray, group: np.ndarray, t0: float):
        order = np.lexsort((available_at, group))
        self.members = members[order]
        self.t0 = t0
        self.keys = group[order].astype(np.int64) * self.SPAN + np.floor(available_at[order] - t0).astype(np.int64)
        n_groups = int(group.max()) + 2 if len(group) else 1
        self.group_start = np.searchsorted(self.keys, np.arange(n_groups + 1, dtype=np.int64) * self.SPAN)

    def draw(self, rng, group: np.ndarray, at: np.ndarray) -> np.ndarray:
        """A member of `group` available at or before `at`, or -1 when there is none."""
        group = np.minimum(group, len(self.group_start) - 2)
        low = self.group_start[group]
        high = np.searchsorted(self.keys, group.astype(np.int64) * self.SPAN + np.floor(at - self.t0).astype(np.int64),
                               side="right")
        count = high - low
        pick = low + np.floor(rng.random(len(group)) * count).astype(np.int64)
        if len(self.members) == 0:
            return np.full(len(group), -1, np.int64)
        return np.where(count > 0, self.members[np.minimum(pick, len(self.members) - 1)], -1)


class _CampaignCalendar:
    """Draws a campaign running on a given day in a given region, in proportion to a per-day weight."""

    def __init__(self, start: np.ndarray, end: np.ndarray, region: np.ndarray, weight: np.ndarray, n_days: int):
        buckets, campaigns, weights = [], [], []
        for campaign in np.flatnonzero(weight > 0):
            days = np.arange(start[campaign], end[campaign] + 1)
            for r in (range(4) if region[campaign] == GLOBAL else (region[campaign],)):
                buckets.append(r * n_days + days)
                campaigns.append(np.full(len(days), campaign))
                weights.append(np.full(len(days), weight[campaign]))
        bucket = np.concatenate(buckets)
        order = np.argsort(bucket, kind="stable")
        self.campaigns = np.concatenate(campaigns)[order]
        self.cumulative = _cumulative(np.concatenate(weights)[order])
        self.bucket_start = np.searchsorted(bucket[order], np.arange(4 * n_days + 1))
        self.n_days = n_days

    def draw(self, rng, region: np.ndarray, day: np.ndarray) -> np.ndarray:
        bucket = region * self.n_days + day
        low, high = self.bucket_start[bucket], self.bucket_start[bucket + 1]
        target = self.cumulative[low] + rng.random(len(day)) * (self.cumulative[high] - self.cumulative[low])
        pick = np.clip(np.searchsorted(self.cumulative, target, side="right") - 1, low, np.maximum(high - 1, low))
        return np.where(high > low, self.campaigns[np.minimum(pick, len(self.campaigns) - 1)], -1)


class _DemoCompany:
    """Builds the demo company's records as numpy arrays; one method per step of its life."""

    def __init__(self, sizes: DemoScale, timeline: _Timeline, rng: np.random.Generator,
                 awareness: AwarenessEffect | None = AWARENESS_EFFECT):
        self.sizes = sizes
        self.tl = timeline
        self.rng = rng
        self.cost_factor = sizes.people / 50_000
        self.awareness = awareness
        self.steady = _cumulative(timeline.intensity())
        self.lifted = self.steady  # until the awareness campaigns are planned (_lift_by_awareness)

    # ---- people of the company -------------------------------------------------------------------------------------
    def hire_users(self) -> None:
        """About 60 users at S: marketers, SDRs and AEs per region, their managers."""
        rng, team = self.rng, self.sizes.team_size
        rows = []  # (name, title, department, team, region, manager row, role)

        def hire(title, department, team_name, region, manager, role):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            rows.append((name, title, department, team_name, region, manager, role))
            return len(rows) - 1

        cmo = hire("Chief Marketing Officer", "Marketing", "Marketing Leadership", GLOBAL, -1, "cmo")
        vp_sales = hire("VP of Sales", "Sales", "Sales Leadership", GLOBAL, -1, "vp_sales")
        for title, team_name, role in (("Director, Demand Generation", "Demand Generation", "demand"),
                                       ("Marketing Operations Manager", "Marketing Operations", "ops"),
                                       ("Digital Marketing Manager", "Digital", "digital"),
                                       ("Content Marketing Manager", "Content", "content"),
                                       ("Brand Manager", "Brand", "brand"),
                                       ("Partner Marketing Manager", "Partner Marketing", "partner")):
            hire(title, "Marketing", team_name, GLOBAL, cmo, role)
        for region, name in enumerate(REGIONS):
            scale = (1.0, 0.75, 0.45, 0.3)[region]
            for _ in range(max(1, round(scale * team))):
                hire("Field Marketing Manager", "Marketing", f"{name} Field Marketing", region, cmo, "field")
            rvp = hire(f"Regional Vice President, Sales {name}", "Sales", f"{name} Sales", region, vp_sales, "rvp")
            n_aes = max(2, round(9 * scale * team))
            for number in range(n_aes):
                enterprise = number < max(1, round(0.4 * n_aes))
                hire("Enterprise Account Executive" if enterprise else "Account Executive", "Sales",
                     f"{name} {'Enterprise' if enterprise else 'Commercial'}", region, rvp,
                     "ae_ent" if enterprise else "ae_com")
            sdr_manager = hire("SDR Manager", "SDR", f"{name} SDR", region, rvp, "sdr_manager")
            for _ in range(max(2, round(6 * scale * team))):
                hire("Sales Development Representative", "SDR", f"{name} SDR", region, sdr_manager, "sdr")
        columns = list(zip(*rows))
        self.user_name, self.user_title, self.user_department, self.user_team = (np.array(c) for c in columns[:4])
        self.user_region = np.array(columns[4])
        self.user_manager = np.array(columns[5])
        self.user_role = np.array(columns[6])
        n = len(rows)
        # A few reps have left; they still own their old records.
        self.user_active = np.ones(n, bool)
        reps = np.flatnonzero(np.isin(self.user_role, ("ae_com", "sdr")))
        self.user_active[rng.choice(reps, size=max(1, len(reps) // 20), replace=False)] = False

    def _users(self, *roles: str, region: int | None = None) -> np.ndarray:
        chosen = np.isin(self.user_role, roles)
        if region is not None:
            chosen &= self.user_region == region
        return np.flatnonzero(chosen)

    def _pick_user(self, roles: tuple[str, ...], regions: np.ndarray) -> np.ndarray:
        """A random user with one of `roles` in each row's region (global rows use any region)."""
        out = np.full(len(regions), -1, np.int64)
        for region in range(5):
            rows = np.flatnonzero(regions == region)
            if len(rows):
                pool = self._users(*roles, region=None if region == GLOBAL else region)
                if len(pool) == 0:  # headquarters roles serve every region
                    pool = self._users(*roles)
                out[rows] = pool[self.rng.integers(0, len(pool), len(rows))]
        return out

    # ---- accounts --------------------------------------------------------------------------------------------------
    def create_accounts(self) -> None:
        """Companies in the CRM: region, segment, size, target-account flag, customers, owners."""
        rng, tl, n = self.rng, self.tl, self.sizes.accounts
        self.acc_region = _choice(rng, REGION_SHARE, n)
        self.acc_segment = _choice(rng, (0.50, 0.33, 0.17), n)
        self.acc_target = rng.random(n) < np.array([0.10, 0.25, 0.60])[self.acc_segment]
        self.acc_customer = rng.random(n) < np.array([0.12, 0.20, 0.30])[self.acc_segment]
        median, low, high = (np.array(v)[self.acc_segment] for v in ((60, 700, 8000), (10, 250, 2500),
                                                                      (249, 2499, 150_000)))
        self.acc_employees = np.clip(np.round(median * np.exp(0.6 * rng.standard_normal(n))), low, high).astype(np.int64)
        self.acc_revenue = (np.round(self.acc_employees * _lognormal(rng, 180_000, 0.4, n), -3)).astype(np.int64)
        n_names = len(_NAME_HEADS) * len(_NAME_TAILS) * len(_NAME_SUFFIXES)
        combos = rng.choice(n_names, size=min(n_names, n + max(2_000, n // 2)), replace=False)
        head, rest = np.divmod(combos, len(_NAME_TAILS) * len(_NAME_SUFFIXES))
        tail, suffix = np.divmod(rest, len(_NAME_SUFFIXES))
        names = np.char.add(np.char.add(np.char.add(np.array(_NAME_HEADS)[head], np.array(_NAME_TAILS)[tail]), " "),
                            np.array([s for s, _ in _NAME_SUFFIXES])[suffix])
        self.acc_name = names[:n]
        self.acc_industry = np.array([i for _, i in _NAME_SUFFIXES])[suffix[:n]]
        self.other_companies = np.concatenate([names[n:], np.array(_JUNK_COMPANIES)])  # companies not in the CRM
        owner_roles = np.where(self.acc_segment == 2, 1, 0)
        self.acc_owner = np.where(owner_roles == 1, self._pick_user(("ae_ent",), self.acc_region),
                                  self._pick_user(("ae_com",), self.acc_region))
        # Later moved earlier than any contact or deal at the account (see log_sales_activities).
        self.acc_created = tl.day0 + rng.random(n) * (tl.as_of - 60 * DAY - tl.day0)
        weight_any = np.array([1.0, 2.5, 6.0])[self.acc_segment] * np.where(self.acc_target, 1.6, 1.0)
        weight_non_target = np.where(self.acc_target, 0.0, np.where(self.acc_segment == 0, 1.0, 0.4))
        self._account_draw = {}
        for mode, weight in (("any", weight_any), ("non_target", weight_non_target)):
            for region in range(4):
                members = np.flatnonzero(self.acc_region == region)
                self._account_draw[mode, region] = (members, np.cumsum(weight[members]))

    def _draw_accounts(self, modes: np.ndarray, regions: np.ndarray) -> np.ndarray:
        out = np.full(len(regions), -1, np.int64)
        for (mode, region), (members, cumulative) in self._account_draw.items():
            rows = np.flatnonzero((modes == mode) & (regions == region))
            pick = np.searchsorted(cumulative, self.rng.random(len(rows)) * cumulative[-1], side="right")
            out[rows] = members[np.minimum(pick, len(members) - 1)]
        return out

    # ---- campaigns -------------------------------------------------------------------------------------------------
    def plan_campaigns(self) -> None:
        """Three years of campaigns, the two story campaigns and yearly parent programs."""
        rng, tl, density, cost = self.rng, self.tl, self.sizes.campaign_density, self.cost_factor
        rows: list[dict] = []

        def add(channel, name, first, last, region, budget, description, targeting, objective, **extra):
            if first > tl.last_day:
                return  # a campaign of the running quarter that starts after the as-of day is not in the data yet
            spec = _CHANNELS[channel]
            row = dict(channel=channel, name=name, type=spec.type, first=int(max(0, first)),
                       last=int(min(tl.last_day, last)), region=region, budget=round(budget * cost, 2),
                       description=description, targeting=targeting, objective=objective,
                       sourced=spec.sourced, engaged=spec.engaged, influence=spec.influence,
                       no_fit=spec.no_fit_share, quality="default", lead_source=spec.lead_source,
                       actual=True, spend_rows=True, sponsor=True)
            row.update(extra)
            rows.append(row)

        for k in range(13 if tl.running else 12):
            first, last = tl.quarter_days(k)
            w, label, year = k - 4, tl.labels[k], tl.labels[k][:4]
            ramp = AWARENESS_SPEND_RAMP.get(w, 1.0 if w < 2 else 2.6)
            for i in range(4 * density):
                topic = _WEBINAR_TOPICS[(3 * k + i) % len(_WEBINAR_TOPICS)]
                day = int(rng.integers(first + 10, last - 2))
                audience = _AUDIENCES[(k + i) % len(_AUDIENCES)]
                add("webinar", f"Webinar — {topic} ({label})", day - 21, day, GLOBAL, rng.uniform(8e3, 15e3),
                    f"Webinar: {topic} — 45 min demo + Q&A", f"Mid-Market and Enterprise {audience}, Global",
                    "Generate MQLs and educate mid-funnel prospects", program=("webinar", year))
            for month in range(3):
                send = first + 30 * month + 9
                month_name = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + tl.epoch_day0 + send)
                add("email", f"Newsletter — {month_name:%B %Y}", send, send, GLOBAL, rng.uniform(1.5e3, 3e3),
                    "Monthly newsletter: release notes, a customer story, upcoming webinars",
                    "All opted-in leads and contacts, Global", "Keep the database engaged",
                    program=("email", year))
            for i in range(density):
                audience = _AUDIENCES[(2 * k + i) % len(_AUDIENCES)]
                add("email", f"Nurture — {audience.capitalize()} ({label})", first, last, GLOBAL,
                    rng.uniform(4e3, 8e3), f"5-email nurture track for {audience}: guides, a case study, a demo offer",
                    f"Leads and contacts: {audience}, not in an open opportunity", "Move leads to MQL",
                    program=("email", year), engaged=3000)
            for region in range(4):
                for i in range(density):
                    day = int(rng.integers(first + 20, last - 4))
                    event = _EVENTS[(k + region + i) % len(_EVENTS)]
                    city = _CITIES[region][(k + i) % len(_CITIES[region])]
                    size = (1.0, 0.8, 0.5, 0.35)[region]
                    add("event", f"{event} {city} {year}", day - 30, day, region, rng.uniform(30e3, 90e3) * size,
                        f"Booth and speaking slot at {event} {city}: badge scans, booth demos, a customer panel",
                        f"Revenue and finance leaders at Mid-Market and Enterprise accounts, {REGIONS[region]}",
                        "Meet target accounts in person and source pipeline", program=("event", year),
                        sourced=160 * size, engaged=500 * size,
                        type=("Trade Show", "Conference")[(k + i) % 2],
                        lead_source=("Trade Show", "Event")[(k + i) % 2])
            for i in range(density):
                report = _REPORTS[(k + i) % len(_REPORTS)]
                add("content_syndication", f"Content Syndication — {report} ({label})", first, last, GLOBAL,
                    rng.uniform(20e3, 45e3),
                    f"Gated report “{report}” syndicated through B2B publishers, paid per lead",
                    "Mid-Market and Enterprise operations and finance titles, NA and EMEA", "Fill the top of the funnel")
                partner, region = _PARTNERS[(k + i) % len(_PARTNERS)], (k + i) % 4
                add("partner", f"Partner Co-marketing — {partner} ({label})", first, last, region,
                    rng.uniform(10e3, 25e3), f"Joint webinar and referral push with {partner}",
                    f"{partner} customers evaluating revenue tooling, {REGIONS[region]}", "Source partner pipeline")
            add("display", f"Display — Retargeting & ABM ({label})", first, last, GLOBAL, 45e3 * ramp,
                "Programmatic display and retargeting on business news and industry sites",
                "Site visitors and target-account employees, Global", "Build awareness at target accounts")
            add("pr", f"PR — Analyst & press program ({label})", first, last, GLOBAL, rng.uniform(12e3, 25e3),
                "Press releases, analyst briefings and bylined articles", "Business and trade press, Global",
                "Earn coverage and analyst mentions")
            if k % 2 == 0:
                region = (k // 2) % 2
                add("direct_mail", f"Direct Mail — Coffee kit for executives ({label}, {REGIONS[region]})",
                    first + 15, first + 45, region, rng.uniform(15e3, 30e3),
                    "Coffee kit and handwritten note offering a 20-minute forecast review",
                    f"Executives at target accounts, {REGIONS[region]}", "Book meetings at target accounts")
            else:
                add("social_organic", f"Organic Social — LinkedIn & X content ({label})", first, last, GLOBAL,
                    rng.uniform(3e3, 6e3), "Daily posts, customer clips and employee advocacy",
                    "Followers and their networks, Global", "Grow reach and engagement")
                add("paid_social", f"Paid Social — {_REPORTS[k % len(_REPORTS)]} promotion ({label})", first, last,
                    GLOBAL, rng.uniform(30e3, 60e3), "LinkedIn sponsored content promoting the latest report",
                    "Directors and above in finance and revenue roles, NA and EMEA", "Generate MQLs from gated content")
            if w >= 2 or k % 2 == 0:
                show = _PODCASTS[k % len(_PODCASTS)]
                add("podcast", f"Podcast Sponsorship — {show} ({label})", first, last, GLOBAL, 25e3 * ramp,
                    f"Host-read ads on {show}", "Revenue and finance leaders who listen to business podcasts, Global",
                    "Build brand awareness")
            tv_budgets = {2: ((0, 120e3),), 3: ((0, 220e3), (1, 120e3))}.get(w, ((0, 180e3), (1, 80e3)) if w >= 4 else ())
            for region, budget in tv_budgets:
                add("tv", f"Brand TV — “Pipeline you can trust” ({label}, {REGIONS[region]})", first, last, region,
                    budget, "30-second spot on business news networks and streaming TV",
                    f"Business decision makers, {REGIONS[region]}", "Build brand awareness before the new-year budgets")
            if k % 4 == 1:
                add("billboard", f"Billboards — Airport & highway, {_CITIES[0][k % 6]} ({year})", first, last, 0,
                    rng.uniform(40e3, 70e3), "Airport and highway billboards in the largest sales territory",
                    f"Business travellers, {_CITIES[0][k % 6]}", "Build brand awareness in the home market")
        first_year, last_year = int(tl.labels[0][:4]), int(tl.labels[11][:4])
        for year in range(first_year, last_year + 1):
            start = int(tl.day_of(dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc).timestamp()))
            end = int(tl.day_of(dt.datetime(year, 12, 31, tzinfo=dt.timezone.utc).timestamp()))
            first, last = max(start, tl.quarter_days(0)[0]), min(end, tl.last_day)
            for region in range(4):
                budget = (180e3, 120e3, 70e3, 40e3)[region] * (last - first + 1) / 365
                add("paid_search", f"Paid Search — Brand & category, {REGIONS[region]} {year}", first, last, region,
                    budget, "Search ads on brand, category (“pipeline forecasting software”) and competitor terms, "
                    "landing on the demo-request page", f"In-market buyers searching category terms, {REGIONS[region]}",
                    "Capture demand and book demos",
                    sourced=1400 * (1.0, 0.7, 0.4, 0.25)[region] * (last - first + 1) / 365,
                    engaged=700 * (last - first + 1) / 365)
        window_first = tl.quarter_days(4)[0]
        add("paid_social", SPIN_DOCTOR_CAMPAIGN, window_first, tl.last_day, GLOBAL, 600e3,
            "LinkedIn and Facebook lead-gen forms offering a free sales-template pack; always on, optimised for "
            "cost per lead", "Broad: all job titles interested in sales productivity, Global",
            "Maximise MQL volume at the lowest cost per lead", sourced=0, engaged=0, influence=0.0, no_fit=0.7,
            quality="poor", sponsor=False, story="spin")
        add("event", SILENT_OPERATIVE_CAMPAIGN, window_first, tl.last_day, GLOBAL, 120e3, "Executive dinners",
            None, None, type="Event", lead_source="Event", sourced=0, engaged=0, influence=0.0, actual=False,
            spend_rows=False, story="silent")
        for year in range(first_year, last_year + 1):
            start = int(tl.day_of(dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc).timestamp()))
            end = int(tl.day_of(dt.datetime(year, 12, 31, tzinfo=dt.timezone.utc).timestamp()))
            for channel, title in (("webinar", "Webinar Program"), ("event", "Field Events Program"),
                                   ("email", "Email Program")):
                add(channel, f"{year} {title}", start, end, GLOBAL, 0.0, f"Umbrella for every {year} "
                    f"{title.lower().replace(' program', '')} campaign", None, None, sourced=0, engaged=0,
                    influence=0.0, actual=False, spend_rows=False, budget_missing=True,
                    parent_of=(channel, str(year)))
        self._finish_campaigns(rows)

    def _finish_campaigns(self, rows: list[dict]) -> None:
        rng = self.rng
        n = len(rows)
        column = lambda key, default=None: [row.get(key, default) for row in rows]  # noqa: E731
        self.cmp_name = np.array(column("name"))
        self.cmp_channel = np.array(column("channel"))
        self.cmp_channel_code = np.array([CHANNELS.index(name) for name in self.cmp_channel])
        self.cmp_type = np.array(column("type"))
        self.cmp_description = column("description")
        self.cmp_targeting = column("targeting")
        self.cmp_objective = column("objective")
        self.cmp_first = np.array(column("first"), np.int64)
        self.cmp_last = np.array(column("last"), np.int64)
        self.cmp_region = np.array(column("region"), np.int64)
        self.cmp_sourced = np.array(column("sourced"), float)
        self.cmp_engaged = np.array(column("engaged"), float)
        self.cmp_influence = np.array(column("influence"), float)
        self.cmp_no_fit = np.array(column("no_fit"), float)
        self.cmp_poor = np.array([q == "poor" for q in column("quality")])
        self.cmp_lead_source = np.array([NO_SOURCE if s is None else _SOURCE[s] for s in column("lead_source")])
        self.cmp_budget = np.array(column("budget"), float)
        self.cmp_budget[np.array(column("budget_missing", False))] = np.nan
        # A few campaigns carry only a budget, so the app can flag budget-only cost; the big awareness buys
        # are always invoiced (their spend is part of the story).
        big_awareness = np.isin(self.cmp_channel, ("tv", "display", "podcast"))
        has_actual = np.array(column("actual")) & ((rng.random(n) > 0.06) | big_awareness)
        self.cmp_actual = np.where(has_actual, np.round(self.cmp_budget * rng.uniform(0.88, 1.08, n), 2), np.nan)
        self.cmp_spend_rows = has_actual & np.array(column("spend_rows")) & ((rng.random(n) > 0.1) | big_awareness)
        self.spin = column("story").index("spin")
        self.silent = column("story").index("silent")
        parents = {row["parent_of"]: i for i, row in enumerate(rows) if "parent_of" in row}
        self.cmp_parent = np.array([parents.get(row.get("program"), -1) for row in rows])
        owner_role = {"webinar": "content", "email": "ops", "event": "field", "paid_search": "digital",
                      "paid_social": "digital", "content_syndication": "demand", "direct_mail": "field",
                      "partner": "partner"}
        roles = np.array([owner_role.get(c, "brand") for c in self.cmp_channel])
        owner = np.full(n, -1, np.int64)
        for role in np.unique(roles):
            rows_of_role = np.flatnonzero(roles == role)
            regions = self.cmp_region[rows_of_role]
            if role == "field":  # a global field campaign belongs to demand generation
                owner[rows_of_role] = np.where(regions == GLOBAL, self._pick_user(("demand",), regions),
                                               self._pick_user(("field",), regions))
            else:
                owner[rows_of_role] = self._pick_user((role,), regions)
        self.cmp_owner = owner
        sponsor = np.where(self.cmp_region == GLOBAL, self._pick_user(("vp_sales", "rvp"), self.cmp_region),
                           self._pick_user(("rvp", "ae_ent"), self.cmp_region))
        no_sponsor = ~np.array(column("sponsor")) | (rng.random(n) < 0.07)
        no_sponsor[self.silent] = False
        self.cmp_sponsor = np.where(no_sponsor, -1, sponsor)
        self._lift_by_awareness()
        days = self.cmp_last - self.cmp_first + 1
        self.cmp_mean_intensity = (self.lifted[self.cmp_last + 1] - self.lifted[self.cmp_first]) / days
        self.calendar = _CampaignCalendar(self.cmp_first, self.cmp_last, self.cmp_region, self.cmp_influence,
                                          self.tl.n_days)

    def daily_spend(self, channels: tuple[str, ...]) -> np.ndarray:
        """Cost per channel (in the order given) and day, all regions: actual, else budgeted cost, spread evenly over
        each campaign's days, as the spend rows and the catalog spread it."""
        daily = np.zeros((len(channels), self.tl.n_days))
        for campaign in np.flatnonzero(np.isin(self.cmp_channel, channels)):
            cost = self.cmp_actual[campaign] if np.isfinite(self.cmp_actual[campaign]) else self.cmp_budget[campaign]
            if not np.isfinite(cost):
                continue
            first, last = self.cmp_first[campaign], self.cmp_last[campaign]
            daily[channels.index(self.cmp_channel[campaign]), first:last + 1] += cost / (last - first + 1)
        return daily

    def _lift_by_awareness(self) -> None:
        """The daily lift of new inbound and campaign-created people that awareness spend causes (AwarenessEffect)."""
        self.awareness_lift = np.zeros(self.tl.n_days)
        if self.awareness is not None:
            effect, week = self.awareness, self.tl.week_of(np.arange(self.tl.n_days))
            weekly = np.zeros((len(AWARENESS_CHANNELS), week[-1] + 1))
            np.add.at(weekly.T, week, self.daily_spend(AWARENESS_CHANNELS).T)
            lift = sum(effect.most_lift.get(channel, 0.0)
                       * hill(geometric_adstock(weekly[c], effect.decay),
                              effect.half_saturation.get(channel, 1.0) * self.cost_factor, effect.shape)
                       for c, channel in enumerate(AWARENESS_CHANNELS))
            self.awareness_lift = lift[week]
        self.lifted = _cumulative(self.tl.intensity() * (1.0 + self.awareness_lift))

    # ---- leads and contacts ----------------------------------------------------------------------------------------
    def create_people(self) -> None:
        """Every lead and contact: when and how they arrived, their company, role and owner."""
        rng, tl, n = self.rng, self.tl, self.sizes.people
        history_first, _ = tl.quarter_days(0)
        # Larger tiers have fewer deals per person: more of their database is older contacts who rarely enter
        # the funnel. About 16% of funnel people and 3% of those contacts reach a deal; the funnel should give
        # about two thirds of the deals, the rest being expansions, outbound and partner deals.
        funnel_people = (0.68 * self.sizes.opportunities - 0.03 * n) / 0.13
        funnel = float(np.clip(funnel_people / n, 0.2, 0.8)) / 0.8
        n_campaign = round(0.44 * funnel * n)
        n_spin = round(0.08 * funnel * n)
        n_inbound, n_outbound, n_partner = (round(share * funnel * n) for share in (0.14, 0.10, 0.04))
        n_contacts = n - n_campaign - n_spin - n_inbound - n_outbound - n_partner
        # Campaign-created people: counts follow each campaign's pull and the awareness lift.
        weight = self.cmp_sourced * self.cmp_mean_intensity
        per_campaign = rng.multinomial(n_campaign, weight / weight.sum())
        per_campaign[self.spin] += n_spin
        origin = np.repeat(np.arange(len(per_campaign)), per_campaign)
        campaign_day = _days_in_windows(rng, self.lifted, self.cmp_first[origin], self.cmp_last[origin])
        blocks = (  # (how they arrived, how many, the day each arrived)
            ("campaign", len(origin), campaign_day),
            ("inbound", n_inbound, _days_in_windows(rng, self.lifted, np.full(n_inbound, history_first),
                                                    np.full(n_inbound, tl.last_day))),
            ("outbound", n_outbound, _days_in_windows(rng, self.steady, np.full(n_outbound, history_first),
                                                      np.full(n_outbound, tl.last_day))),
            ("partner", n_partner, _days_in_windows(rng, self.steady, np.full(n_partner, history_first),
                                                    np.full(n_partner, tl.last_day))),
            ("contact", n_contacts, _days_in_windows(rng, self.steady, np.zeros(n_contacts, np.int64),
                                                     np.full(n_contacts, tl.last_day))),
        )
        block_names = [b for b, _, _ in blocks]
        self.block = np.repeat(np.arange(len(blocks)), [c for _, c, _ in blocks])
        self.block_code = {name: code for code, name in enumerate(block_names)}
        n = len(self.block)
        self.n_people = n
        day = np.concatenate([d for _, _, d in blocks])
        self.origin = np.concatenate([origin, np.full(n - len(origin), -1)])
        is_campaign = self.origin >= 0
        cmp_region = np.where(is_campaign, self.cmp_region[np.maximum(self.origin, 0)], GLOBAL)
        self.region = np.where(cmp_region == GLOBAL, _choice(rng, REGION_SHARE, n), cmp_region)
        self.created = tl.day0 + day * DAY + (BUSINESS_HOURS_START_UTC[self.region] + 10 * rng.random(n)) * HOUR
        self.spin_person = self.origin == self.spin
        # Lead source
        source = np.full(n, NO_SOURCE)
        source[is_campaign] = self.cmp_lead_source[self.origin[is_campaign]]
        for name, options, weights in (
                ("inbound", ("Web", "Organic Search", "Social", None), (0.5, 0.33, 0.07, 0.10)),
                ("outbound", ("Outbound", "Cold Call", "Sales Prospecting"), (0.4, 0.25, 0.35)),
                ("partner", ("Partner", "Partner Referral"), (0.6, 0.4)),
                ("contact", ("Sales Prospecting", "Customer Referral", None, "Trade Show", "Web"),
                 (0.35, 0.10, 0.35, 0.10, 0.10))):
            rows = np.flatnonzero(self.block == self.block_code[name])
            codes = np.array([NO_SOURCE if o is None else _SOURCE[o] for o in options])
            source[rows] = codes[_choice(rng, weights, len(rows))]
        source[is_campaign & (rng.random(n) < 0.03)] = NO_SOURCE
        self.source = source
        # Company: people from a company the CRM does not know have no account.
        no_fit_share = np.select([is_campaign, self.block == self.block_code["inbound"],
                                  self.block == self.block_code["outbound"], self.block == self.block_code["partner"]],
                                 [self.cmp_no_fit[np.maximum(self.origin, 0)], 0.35, 0.03, 0.10], 0.0)
        no_fit = rng.random(n) < no_fit_share
        poor = is_campaign & self.cmp_poor[np.maximum(self.origin, 0)]
        account = self._draw_accounts(np.where(poor, "non_target", "any"), self.region)
        self.account = np.where(no_fit, -1, account)
        self.region = np.where(self.account >= 0, self.acc_region[np.maximum(self.account, 0)], self.region)
        contact_share = np.select([self.block == self.block_code["contact"], self.spin_person, is_campaign,
                                   self.block == self.block_code["inbound"]], [1.0, 0.02, 0.15, 0.08], 0.0)
        self.born_contact = (self.account >= 0) & (rng.random(n) < contact_share)
        # Role in the buying decision
        sales_made = np.isin(self.block, [self.block_code["outbound"], self.block_code["contact"]])
        mix = np.where(poor, "poor", np.where(sales_made, "sales", "default"))
        self.persona = np.zeros(n, np.int64)
        self.persona_blank = np.zeros(n, bool)
        for name, (shares, blank) in _PERSONA_MIX.items():
            rows = np.flatnonzero(mix == name)
            self.persona[rows] = _choice(rng, shares, len(rows))
            self.persona_blank[rows] = rng.random(len(rows)) < blank
        title_offsets = np.cumsum([0] + [len(t) for t in _TITLES])
        self.title = title_offsets[self.persona] + np.floor(
            rng.random(n) * np.array([len(t) for t in _TITLES])[self.persona]).astype(np.int64)
        self.first_name = rng.integers(0, len(_FIRST_NAMES), n)
        self.last_name = rng.integers(0, len(_LAST_NAMES), n)
        country_offsets = np.cumsum([0] + [len(c) for c, _ in _COUNTRIES])
        self.country = np.zeros(n, np.int64)
        for region, (_, shares) in enumerate(_COUNTRIES):
            rows = np.flatnonzero(self.region == region)
            self.country[rows] = country_offsets[region] + _choice(rng, shares, len(rows))
        self.company = np.where(self.account >= 0, self.account,
                                len(self.acc_name) + rng.integers(0, len(self.other_companies), n))
        self.sdr = self._pick_user(("sdr",), self.region)
        self.contact_owner = np.where(self.account >= 0, self.acc_owner[np.maximum(self.account, 0)], self.sdr)

    # ---- the funnel ------------------------------------------------------------------------------------------------
    def run_funnel(self) -> None:
        """Inquiry -> MQL -> SAL (or rejected) -> SQL (or disqualified) -> opportunity, with realistic delays."""
        rng, tl, n = self.rng, self.tl, self.n_people
        block, B = self.block, self.block_code  # B: the code of each way people arrive
        as_of = tl.as_of
        nan = np.full(n, np.nan)
        target = np.where(self.account >= 0, self.acc_target[np.maximum(self.account, 0)], False)
        fit = np.where(self.account < 0, 0.5, np.where(target, 1.35, 1.0))
        role = np.where(self.persona_blank, 0.8, np.array([1.25, 1.1, 0.8, 0.45])[self.persona])
        self.quality = fit * role
        p_mql = np.select([self.spin_person, block == B["campaign"], block == B["inbound"], block == B["partner"],
                           block == B["contact"]], [0.50, 0.42, 0.36, 0.42, 0.12], 0.0)
        is_mql = rng.random(n) < p_mql
        quick = rng.random(n) < 0.35
        delay = np.where(quick, rng.exponential(3 * HOUR, n), _lognormal(rng, 5 * DAY, 0.9, n))
        delay = np.where(block == B["contact"], rng.uniform(20, 400, n) * DAY, delay)
        mql = np.where(is_mql, self.created + delay, nan)
        mql = np.where(mql >= tl.history_start, mql, nan)  # the CRM's older contacts carry no lifecycle history
        # Follow-up: EMEA's SDR team is slow and drops more leads (story 3).
        emea = self.region == 1
        follow = np.where(emea, _lognormal(rng, 34 * HOUR, 0.8, n), _lognormal(rng, 5.5 * HOUR, 0.9, n))
        never = rng.random(n) < np.where(emea, 0.16, 0.045)
        self.follow_up = np.where(is_mql & ~never, mql + follow, nan)
        self.never_followed = is_mql & never
        followed = is_mql & ~never
        p_sal = np.clip(0.92 * np.sqrt(fit) * role ** 0.3, 0.3, 0.97)
        accepted = followed & (rng.random(n) < p_sal)
        sal = np.where(accepted, mql + follow * rng.uniform(0.15, 0.9, n), nan)
        # MQLs nobody followed up: some were accepted and then left alone, some rejected unseen.
        fate = rng.random(n)
        sal = np.where(self.never_followed & (fate < 0.4), mql + _lognormal(rng, 20 * HOUR, 0.6, n), sal)
        rejected = (followed & ~accepted) | (self.never_followed & (fate >= 0.4) & (fate < 0.7))
        rejected_at = np.where(followed, mql + follow * rng.uniform(0.15, 0.9, n),
                               mql + _lognormal(rng, 40 * HOUR, 0.6, n))
        self.rejected = np.where(rejected, rejected_at, nan)
        no_fit = self.account < 0
        reason_weights = np.where(no_fit[:, None], [0.35, 0.10, 0.20, 0.30, 0.05], [0.40, 0.25, 0.20, 0.08, 0.07])
        self.rejection_reason = (rng.random(n)[:, None] * reason_weights.sum(1)[:, None]
                                 > np.cumsum(reason_weights, 1)).sum(1)
        reaccepted = rejected & followed & (rng.random(n) < 0.08)
        sal = np.where(reaccepted, self.rejected + _lognormal(rng, 20 * DAY, 0.5, n), sal)
        # Sales-created leads skip MQL: the SDR accepts them on creation, or books the meeting straight away.
        outbound = block == B["outbound"]
        sal = np.where(outbound & (rng.random(n) < 0.7), self.created + rng.exponential(6 * HOUR, n), sal)
        worked = np.where(outbound, np.fmax(sal, self.created), np.fmax(sal, self.follow_up))
        source_factor = np.where(self.spin_person, 0.3, 1.0)
        p_sql = np.where(outbound, 0.45 * fit, np.clip(0.68 * fit * role * source_factor, 0.02, 0.9))
        p_sql = np.where(no_fit, 0.0, p_sql)  # a company the CRM does not know cannot be qualified yet
        reached_sal = (np.isfinite(sal) & ~self.never_followed) | (outbound & (rng.random(n) < 0.6))
        is_sql = reached_sal & (rng.random(n) < p_sql)
        sql = np.where(is_sql, np.fmax(worked, self.created) + _lognormal(rng, 9 * DAY, 0.8, n), nan)
        disqualified = reached_sal & ~is_sql & (rng.random(n) < 0.65)
        dq = np.where(disqualified, np.fmax(worked, self.created) + _lognormal(rng, 14 * DAY, 0.7, n), nan)
        p_opp = np.clip(0.68 * np.sqrt(fit) * np.where(self.spin_person, 0.5, 1.0), 0.05, 0.9)
        has_opp = is_sql & (rng.random(n) < p_opp)
        opp = np.where(has_opp, sql + _lognormal(rng, 4 * DAY, 0.7, n), nan)
        late_dq = is_sql & ~has_opp & (rng.random(n) < 0.4)
        dq = np.where(late_dq, sql + _lognormal(rng, 20 * DAY, 0.6, n), dq)
        self.dq_reason = _choice(rng, (0.30, 0.15, 0.25, 0.20, 0.10), n)
        self.dq_reason = np.where(late_dq, np.array([0, 3, 4])[rng.integers(0, 3, n)], self.dq_reason)
        # A few SQLs never had their SAL date recorded (skipped stage).
        sal = np.where(is_sql & (rng.random(n) < 0.03), np.nan, sal)
        # Leads convert to a contact (and usually an opportunity) once qualified.
        lead = ~self.born_contact
        with_opp = has_opp & (rng.random(n) < 0.8)
        conversion = np.where(with_opp, opp, sql + rng.uniform(0.5 * HOUR, 3 * DAY, n))
        conversion = np.where(has_opp, np.fmin(conversion, opp), conversion)
        conversion = np.fmax(conversion, self.created + DAY + rng.uniform(0, 8 * HOUR, n))
        conversion = np.where(lead & is_sql, conversion, nan)
        opp = np.where(lead & has_opp, np.fmax(opp, conversion), opp)
        self.opp_at_conversion = with_opp & lead
        self.nurturing = rng.random(n) < 0.3  # lead status of some unqualified inquiries
        # Some converted contacts did not get the lead's early dates copied over (the importer merges the two).
        self.early_dates_not_copied = rng.random(n) < 0.15

        def until_as_of(values):
            return np.where(values < as_of, values, np.nan)

        self.mql, self.sal, self.sql = until_as_of(mql), until_as_of(sal), until_as_of(sql)
        self.rejected, self.dq, self.funnel_opp = until_as_of(self.rejected), until_as_of(dq), until_as_of(opp)
        self.follow_up = until_as_of(self.follow_up)
        self.conversion = until_as_of(conversion)
        self.funnel_opp = np.where(lead & np.isnan(self.conversion), np.nan, self.funnel_opp)
        # The contact record: born a contact, or created when the lead converted.
        self.contact_at = np.where(self.born_contact, self.created, self.conversion)
        self.has_contact = np.isfinite(self.contact_at)
        self.has_lead = lead

    # ---- opportunities ---------------------------------------------------------------------------------------------
    def open_opportunities(self) -> None:
        """Deals from the funnel, the executive dinners, expansions, outbound and partners; stages and outcomes."""
        rng, tl = self.rng, self.tl
        contacts = np.flatnonzero(self.has_contact)
        self.contact_pool_by_account = _PoolSampler(contacts, self.contact_at[contacts],
                                                    self.account[contacts], tl.day0)
        funnel = np.flatnonzero(np.isfinite(self.funnel_opp))
        parts = [dict(person=funnel, created=self.funnel_opp[funnel], kind=np.zeros(len(funnel), np.int64))]
        self._invite_to_dinners(contacts)
        parts.append(self._dinner_opportunities())
        remaining = max(0, self.sizes.opportunities - len(funnel) - len(parts[-1]["person"]))
        for kind, share, pool in ((2, 0.55, self.acc_customer), (3, 0.30, ~self.acc_customer),
                                  (4, 0.15, ~self.acc_customer)):
            count = round(remaining * share * 1.05)
            day = _days_in_windows(rng, self.steady, np.full(count, tl.quarter_days(0)[0] + 20),
                                   np.full(count, tl.last_day))
            created = tl.day0 + day * DAY + rng.uniform(13, 23, count) * HOUR
            members = contacts[pool[self.account[contacts]]]
            sampler = _PoolSampler(members, self.contact_at[members], np.zeros(len(members), np.int64), tl.day0)
            person = sampler.draw(rng, np.zeros(count, np.int64), created - DAY)
            keep = person >= 0
            parts.append(dict(person=person[keep], created=created[keep], kind=np.full(keep.sum(), kind)))
        person = np.concatenate([p["person"] for p in parts])
        created = np.concatenate([p["created"] for p in parts])
        kind = np.concatenate([p["kind"] for p in parts])  # 0 funnel, 1 dinner, 2 expansion, 3 outbound, 4 partner
        n = len(person)
        account = self.account[person]
        segment = self.acc_segment[account]
        customer = self.acc_customer[account]
        self.opp_person, self.opp_created, self.opp_kind, self.opp_account = person, created, kind, account
        self.opp_type = np.where(kind == 2, 1, np.where(kind <= 1, (customer & (rng.random(n) < 0.6)).astype(int), 0))
        amount = _lognormal(rng, 1.0, 0.55, n) * np.array([12_000, 35_000, 90_000])[segment]
        amount *= np.select([kind == 1, kind == 2, self.spin_person[person]], [3.2, 0.5, 0.6], 1.0)
        amount = np.round(np.clip(amount, 5_000, 250_000), -2)
        self.opp_amount = np.where(rng.random(n) < 0.01, np.nan, amount)
        cycle = np.clip(_lognormal(rng, 1.0, 0.35, n) * np.array([35, 60, 95])[segment], 20, 150)
        cycle = np.where(kind == 1, np.clip(cycle * 1.3, 45, 150), cycle) * DAY
        quality = self.quality[person]
        p_win = np.select([kind == 1, kind == 2, kind == 3, kind == 4], [0.38, 0.45, 0.22, 0.30],
                          np.clip(0.27 * np.sqrt(quality), 0.08, 0.45))
        p_win = np.where(self.spin_person[person], 0.12, p_win)
        planned_close = created + cycle
        stalled = rng.random(n) < 0.08
        closed = (planned_close < tl.as_of) & ~stalled
        won = closed & (rng.random(n) < p_win)
        self.opp_closed, self.opp_won = closed, won
        last_day_seconds = tl.day0 + tl.last_day * DAY
        # Open deals close on their planned day; without a running quarter, by the last day at the latest.
        open_close = planned_close if tl.running else np.fmin(planned_close, last_day_seconds)
        self.opp_close_date = tl.day_of(np.where(closed, planned_close, open_close))
        # Stage entry times: the share of the cycle at which each open stage is entered.
        fractions = np.cumsum(np.column_stack([np.zeros(n), rng.uniform(0.05, 0.2, n), rng.uniform(0.15, 0.3, n),
                                               rng.uniform(0.15, 0.3, n)]), axis=1)
        entered = created[:, None] + fractions * cycle[:, None]
        lost_after = 1 + _choice(rng, (0.35, 0.30, 0.20, 0.15), n)  # open stages reached before losing
        reached = np.where(won, 4, np.where(closed, lost_after, (entered < tl.as_of).sum(1)))
        reached = np.maximum(reached, 1)
        stage_count = reached + closed
        opp_index = np.repeat(np.arange(n), stage_count)
        position = np.arange(len(opp_index)) - np.repeat(np.cumsum(stage_count) - stage_count, stage_count)
        is_final = closed[opp_index] & (position == stage_count[opp_index] - 1)
        self.hist_opp = opp_index
        self.hist_stage = np.where(is_final, np.where(won[opp_index], 4, 5), position)
        close_time = np.fmin(planned_close, tl.as_of - HOUR)
        self.hist_at = np.where(is_final, close_time[opp_index],
                                entered[opp_index, np.minimum(position, 3)])
        self.opp_stage = np.where(won, 4, np.where(closed, 5, reached - 1))
        first_amount = np.round(self.opp_amount * rng.uniform(0.7, 1.3, n), -2)
        self.hist_amount = np.where(position == 0, first_amount[opp_index], self.opp_amount[opp_index])
        # Lead source: the person's, sometimes left empty so the importer falls back to the converted lead.
        person_source = self.source[person]
        sales_source = np.array([_SOURCE[s] for s in ("Outbound", "Cold Call", "Sales Prospecting",
                                                      "Customer Referral")])[rng.integers(0, 4, n)]
        partner_source = np.array([_SOURCE["Partner"], _SOURCE["Partner Referral"]])[rng.integers(0, 2, n)]
        dinner_source = np.array([_SOURCE["Event"], NO_SOURCE, _SOURCE["Sales Prospecting"]])[
            _choice(rng, (0.4, 0.3, 0.3), n)]
        expansion_source = np.array([NO_SOURCE, _SOURCE["Sales Prospecting"], _SOURCE["Customer Referral"],
                                     _SOURCE["Email"], _SOURCE["Webinar"]])[_choice(rng, (0.15, 0.45, 0.2, 0.1, 0.1), n)]
        source = np.select([kind == 0, kind == 1, kind == 2, kind == 3], [person_source, dinner_source,
                                                                          expansion_source, sales_source],
                           partner_source)
        self.opp_source = np.where((kind == 0) & (rng.random(n) < 0.08), NO_SOURCE, source)
        origin = self.origin[person]
        self.opp_campaign = np.select([(kind == 0) & (origin >= 0) & (rng.random(n) < 0.7),
                                       (kind == 1) & (rng.random(n) < 0.2)], [origin, self.silent], -1)
        self.opp_product = _choice(rng, (0.5, 0.2, 0.2, 0.1), n)
        self._assign_contact_roles()

    def move_close_dates(self) -> None:
        """Close dates as the reps moved them: some deals were first due earlier and pushed out once (far more often in
        SLIPPING_REGION), a few first due later and pulled in; each move is one more history row, at its moment.
        Drawn from a generator of its own (history_rng), so that no other column changes with them."""
        rng, tl = self.history_rng, self.tl
        n = len(self.opp_created)
        final = self.opp_close_date.astype(float)
        created_day = tl.day_of(self.opp_created)
        region = self.acc_region[self.opp_account]
        # The latest moment a move may take place: before the deal closed (its last history row), and before as-of.
        last_row = np.full(n, -np.inf)
        np.maximum.at(last_row, self.hist_opp, self.hist_at)
        bound = np.where(self.opp_closed, last_row, tl.as_of - HOUR)
        draw = rng.random(n)
        slip = draw < SLIP_SHARE[region]
        pull = ~slip & (draw < SLIP_SHARE[region] + PULL_SHARE)
        cycle_days = final - created_day
        pushed_by = np.maximum(np.round(rng.uniform(0.3, 0.7, n) * cycle_days), 10)
        first = np.where(slip, final - pushed_by, np.where(pull, final + rng.integers(14, 60, n), final))
        # A push is made when the first date draws near (25 days before to 5 after it); a pull at any time before the
        # new date. A move that would fall outside the deal's open life did not happen.
        low = self.opp_created + DAY
        push_at = tl.day0 + (first + rng.uniform(-25, 5, n)) * DAY
        pull_at = low + rng.random(n) * (np.fmin(bound, tl.day0 + final * DAY) - low)
        moved_at = np.where(slip, push_at, pull_at)
        moved = (slip | pull) & (moved_at >= low) & (moved_at < bound) & (first >= created_day + 7)
        if not tl.running:
            moved &= first <= tl.last_day  # no date after the data's last day, as every other date
        self.first_close_date = np.where(moved, first, final).astype(np.int64)
        self.moved_at = np.where(moved, moved_at, np.nan)
        rows = self.hist_opp
        self.hist_close = np.where(moved[rows] & (self.hist_at < self.moved_at[rows]), self.first_close_date[rows],
                                   self.opp_close_date[rows])
        # The extra row repeats the stage and amount the deal had at the move (its latest row before it).
        before = np.where(moved[rows] & (self.hist_at <= self.moved_at[rows]), np.arange(len(rows)), -1)
        latest = np.full(n, -1)
        np.maximum.at(latest, rows, before)
        deals = np.flatnonzero(moved)
        self.move_opp, self.move_at, self.move_row = deals, self.moved_at[deals], latest[deals]
        if tl.running:
            # With a running quarter the demo sells renewals too: a third of its customers' expansion deals renew a
            # contract instead (Type "Renewal"), so the walk splits three ways.
            renewal = (self.opp_kind == 2) & (rng.random(n) < 1 / 3)
            self.opp_type = np.where(renewal, 2, self.opp_type)

    def _invite_to_dinners(self, contacts: np.ndarray) -> None:
        """Monthly executive dinners for decision makers at target accounts; attendance is rarely recorded."""
        rng, tl = self.rng, self.tl
        first, last = tl.quarter_days(4)[0] + 14, tl.last_day - 7
        dinner_days = np.arange(first, last + 1, 28)
        dinner_region = np.array([0, 1, 0, 2, 0, 1, 3])[np.arange(len(dinner_days)) % 7]
        per_dinner = max(8, round(30 * self.cost_factor))
        day = np.repeat(dinner_days, per_dinner)
        region = np.repeat(dinner_region, per_dinner)
        invited_at = tl.day0 + (day - rng.integers(7, 22, len(day))) * DAY + 15 * HOUR
        eligible = contacts[self.acc_target[self.account[contacts]] & ~self.persona_blank[contacts]
                            & (self.persona[contacts] <= 1)]
        sampler = _PoolSampler(eligible, self.contact_at[eligible], self.region[eligible], tl.day0)
        person = sampler.draw(rng, region, invited_at)
        keep = person >= 0
        person, day, invited_at = person[keep], day[keep], invited_at[keep]
        _, first_seen = np.unique(person, return_index=True)  # one seat per executive over the series
        keep = np.sort(first_seen)
        self.dinner_person, self.dinner_day, self.dinner_invited = person[keep], day[keep], invited_at[keep]
        self.dinner_attended = rng.random(len(keep)) < 0.4
        self.dinner_ticked = rng.random(len(keep))  # whether sales records the attendance: see _dinner_opportunities

    def _dinner_opportunities(self) -> dict:
        rng, tl = self.rng, self.tl
        sourced = self.dinner_attended & (rng.random(len(self.dinner_person)) < 0.35)
        # Attendance is rarely recorded, and mostly when the dinner led to a deal (the rep ticks it when the meeting
        # follows): few members show a response, yet the deals it sourced mostly carry its touch (the Silent
        # operative's story).
        self.dinner_recorded = self.dinner_attended & (self.dinner_ticked < np.where(sourced, 0.6, 0.12))
        created = (self.tl.day0 + self.dinner_day * DAY + np.clip(_lognormal(rng, 25, 0.5, len(sourced)), 7, 75) * DAY
                   + 3 * HOUR)
        keep = sourced & (created < tl.as_of)
        return dict(person=self.dinner_person[keep], created=created[keep], kind=np.ones(keep.sum(), np.int64))

    def _assign_contact_roles(self) -> None:
        """Most deals list 1-4 contacts, one primary; a few list none (a data-quality finding)."""
        rng, n = self.rng, len(self.opp_person)
        n_roles = _choice(rng, (0.03, 0.35, 0.30, 0.20, 0.12), n)
        max_roles = 4
        others = np.full((n, max_roles - 1), -1, np.int64)
        for column in range(max_roles - 1):
            drawn = self.contact_pool_by_account.draw(rng, self.opp_account, self.opp_created + 30 * DAY)
            others[:, column] = np.where(column + 1 < n_roles, drawn, -1)
        people = np.column_stack([np.where(n_roles > 0, self.opp_person, -1), others])
        opp = np.repeat(np.arange(n), max_roles)
        person = people.ravel()
        keep = person >= 0
        opp, person, primary = opp[keep], person[keep], (np.arange(len(keep)) % max_roles == 0)[keep]
        key = opp * self.n_people + person
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        self.role_opp, self.role_person, self.role_primary = opp[first], person[first], primary[first]
        persona = self.persona[self.role_person]
        primary_role = np.array([0, 2, 5, 3])[persona] + (rng.random(len(persona)) < 0.4) * np.array([1, 1, -1, 0])[persona]
        other_role = _choice(rng, (0.15, 0.1, 0.25, 0.2, 0.15, 0.15), len(persona))
        self.role_name = np.where(self.role_primary, primary_role, other_role)

    # ---- campaign touches ------------------------------------------------------------------------------------------
    def record_touches(self) -> None:
        """Campaign memberships: sign-ups, dinner invitations, mid-funnel engagement and broad sends."""
        rng, tl = self.rng, self.tl
        # 1. The campaign that created each person: a response on the day they arrived.
        sourced = np.flatnonzero(self.origin >= 0)
        parts = [(self.origin[sourced], sourced, self.created[sourced], np.ones(len(sourced), bool))]
        # 2. Executive dinners: invitations, attendance rarely ticked.
        parts.append((np.full(len(self.dinner_person), self.silent), self.dinner_person, self.dinner_invited,
                      self.dinner_recorded))
        # 3. People on a deal engaged with campaigns in the months before it opened.
        linked = self.role_person
        opp = self.role_opp
        p_engaged = np.array([0.6, 0.3, 0.4, 0.35, 0.4])[self.opp_kind[opp]]
        repeats = np.where(rng.random(len(opp)) < p_engaged, 1 + rng.binomial(2, 0.4, len(opp)), 0)
        person = np.repeat(linked, repeats)
        opp_created = np.repeat(self.opp_created[opp], repeats)
        earliest = np.fmax(self.created[person], opp_created - 330 * DAY)
        at = earliest + rng.random(len(person)) * (opp_created - HOUR - earliest)
        ok = at > self.created[person]
        person, at = person[ok], at[ok]
        campaign = self.calendar.draw(rng, self.region[person], tl.day_of(at))
        ok = campaign >= 0
        parts.append((campaign[ok], person[ok], at[ok], np.ones(ok.sum(), bool)))
        # 4. The responses that made people MQLs (lead scoring): one to three in the weeks before the MQL.
        scored = np.flatnonzero(np.isfinite(self.mql))
        repeats = _choice(rng, (0.1, 0.35, 0.35, 0.2), len(scored))
        person = np.repeat(scored, repeats)
        earliest = np.fmax(self.created[person], self.mql[person] - 60 * DAY)
        at = self.mql[person] - 600.0 - rng.random(len(person)) ** 2 * (self.mql[person] - 600.0 - earliest)
        ok = at > self.created[person]
        person, at = person[ok], at[ok]
        campaign = self.calendar.draw(rng, self.region[person], tl.day_of(at))
        ok = campaign >= 0
        parts.append((campaign[ok], person[ok], at[ok], np.ones(ok.sum(), bool)))
        campaign, person, at, responded = (np.concatenate([p[i] for p in parts]) for i in range(4))
        campaign, person = campaign.astype(np.int32), person.astype(np.int32)  # 20 M rows at scale L
        del parts
        # 5. Everyone else each campaign reached: sends, registrations, clicks; topped up until the target
        # is met, because someone already reached by a campaign is not added twice.
        by_region = _PoolSampler(np.arange(self.n_people, dtype=np.int32), self.created, self.region, tl.day0)
        weight = self.cmp_engaged * self.cmp_mean_intensity
        response_rate = np.array([_CHANNELS[name].response_rate for name in CHANNELS])
        oversample = 1.05  # adjusted each round to the share of draws that were duplicates
        for _ in range(4):
            missing = self.sizes.touches - len(campaign)
            if missing <= 0.005 * self.sizes.touches:
                break
            requested = round(missing * oversample)
            per_campaign = rng.multinomial(requested, weight / weight.sum())
            extra = np.repeat(np.arange(len(per_campaign), dtype=np.int32), per_campaign)
            day = _days_in_windows(rng, self.steady, self.cmp_first[extra], self.cmp_last[extra])
            extra_at = tl.day0 + day * DAY + rng.uniform(7, 22, len(day)) * HOUR
            region = self.cmp_region[extra]
            extra_person = by_region.draw(rng, np.where(region == GLOBAL, _choice(rng, REGION_SHARE, len(day)),
                                                        region), extra_at)
            extra_responded = rng.random(len(day)) < response_rate[self.cmp_channel_code[extra]]
            ok = extra_person >= 0
            before = len(campaign)
            campaign = np.concatenate([campaign, extra[ok]])
            person = np.concatenate([person, extra_person[ok]])
            at = np.concatenate([at, extra_at[ok]])
            responded = np.concatenate([responded, extra_responded[ok]])
            del extra, day, extra_at, region, extra_person, extra_responded, ok
            # One person, one membership per campaign: the earliest-listed one wins (sign-ups come first).
            _, first = np.unique(campaign.astype(np.int64) * self.n_people + person, return_index=True)
            keep = np.sort(first)
            del first
            campaign, person, at, responded = campaign[keep], person[keep], at[keep], responded[keep]
            oversample = min(3.0, 1.02 * requested / max(len(campaign) - before, 1))  # rows drawn per row kept
        self.mem_campaign, self.mem_person, self.mem_responded = campaign, person, responded
        self.mem_at = np.fmin(at, tl.as_of - 60.0)
        del at
        code = self.cmp_channel_code[campaign]
        timing = np.array([("touch", "end", "later").index(_CHANNELS[name].respond_at) for name in CHANNELS],
                          np.int8)[code]
        respond_day = tl.day_of(self.mem_at)
        respond_day = np.where(timing == 1, self.cmp_last[campaign], respond_day)
        later = np.flatnonzero(timing == 2)
        respond_day[later] = tl.day_of(self.mem_at[later] + rng.uniform(0, 3 * DAY, len(later)))
        dinner = np.flatnonzero(campaign == self.silent)
        order = np.argsort(self.dinner_person)
        respond_day[dinner] = self.dinner_day[order][np.searchsorted(self.dinner_person[order], person[dinner])]
        self.mem_respond_day = np.where(responded, np.minimum(respond_day, tl.last_day), -1).astype(np.int32)
        statuses = np.array(_MEMBER_STATUSES)
        responded_status = np.searchsorted(statuses, [_CHANNELS[name].responded_status for name in CHANNELS])
        waiting_status = np.searchsorted(statuses, [_CHANNELS[name].waiting_status for name in CHANNELS])
        self.mem_status = np.where(responded, responded_status[code], waiting_status[code]).astype(np.int8)
        self.mem_status[dinner] = np.where(responded[dinner], np.searchsorted(statuses, "Attended"),
                                           np.searchsorted(statuses, "Invited"))

    # ---- sales activities ------------------------------------------------------------------------------------------
    def log_sales_activities(self) -> None:
        """Calls, emails, meetings and demos: the MQL follow-up, later work, outbound cadences, deal meetings."""
        rng, tl = self.rng, self.tl
        parts = []  # (person, at, kind 0 call / 1 email / 2 meeting / 3 demo, purpose, anchor)
        followed = np.flatnonzero(np.isfinite(self.follow_up) & np.isfinite(self.mql))
        kind = _choice(rng, (0.5, 0.35, 0.15), len(followed))
        parts.append((followed, self.follow_up[followed], kind, np.zeros(len(followed), np.int64),
                      self.mql[followed]))
        stage = (np.isfinite(self.sal).astype(int) + np.isfinite(self.sql) + np.isfinite(self.funnel_opp))[followed]
        repeats = rng.poisson(np.array([0.8, 1.5, 2.5, 3.5])[stage])
        person = np.repeat(followed, repeats)
        at = self.follow_up[person] + rng.uniform(HOUR, 45 * DAY, len(person))
        parts.append((person, at, _choice(rng, (0.45, 0.4, 0.1, 0.05), len(person)),
                      np.ones(len(person), np.int64), at - DAY))
        outbound = np.flatnonzero(self.block == self.block_code["outbound"])
        repeats = rng.integers(2, 7, len(outbound))
        person = np.repeat(outbound, repeats)
        at = self.created[person] + rng.uniform(0, 30 * DAY, len(person))
        parts.append((person, at, _choice(rng, (0.6, 0.4), len(person)), np.full(len(person), 2), at - HOUR))
        repeats = np.where(np.isin(np.arange(len(self.opp_person)), self.role_opp[self.role_primary]),
                           rng.integers(1, 4, len(self.opp_person)), 0)
        opp = np.repeat(np.arange(len(self.opp_person)), repeats)
        person = self.opp_person[opp]
        at = self.opp_created[opp] + rng.uniform(HOUR, 30 * DAY, len(opp))
        parts.append((person, at, 2 + (rng.random(len(opp)) < 0.5), np.full(len(opp), 3), at - 5 * DAY))
        person = np.concatenate([p[0] for p in parts])
        at = np.concatenate([p[1] for p in parts])
        kind = np.concatenate([p[2] for p in parts])
        purpose = np.concatenate([p[3] for p in parts])
        anchor = np.concatenate([p[4] for p in parts])
        # Nothing after the as-of moment, and nothing after the MQL of someone never followed up.
        keep = (at < tl.as_of) & ~(self.never_followed[person] & (at >= np.nan_to_num(self.mql[person], nan=np.inf)))
        person, at, kind, purpose, anchor = person[keep], at[keep], kind[keep], purpose[keep], anchor[keep]
        self.act_person, self.act_at, self.act_kind, self.act_purpose = person, at, kind, purpose
        created = np.fmax(anchor, self.created[person])
        self.act_created = np.where(kind >= 2, created + rng.random(len(at)) * (at - created),
                                    at - rng.uniform(0, 0.5 * HOUR, len(at)))
        self.act_created = np.fmax(self.act_created, self.created[person])
        self.act_owner = np.where(purpose == 3, self.acc_owner[self.account[person]], self.sdr[person])
        self.act_subject = rng.integers(0, 3, len(at))
        self._date_accounts()

    def _date_accounts(self) -> None:
        """An account exists before its first contact and its first deal."""
        earliest = np.full(len(self.acc_name), np.inf)
        with_contact = np.flatnonzero(self.has_contact)
        np.minimum.at(earliest, self.account[with_contact], self.contact_at[with_contact])
        np.minimum.at(earliest, self.opp_account, self.opp_created)
        before = earliest - self.rng.uniform(HOUR, 30 * DAY, len(earliest))
        self.acc_created = np.fmax(np.fmin(self.acc_created, before), self.tl.day0 - 365 * DAY)


_SUBJECTS = {  # (kind, purpose) -> three subjects; purpose 0 follow-up, 1 later work, 2 outbound, 3 deal meeting
    0: (("Intro call", "Follow-up call: campaign response", "Call: qualification"),
        ("Discovery call", "Check-in call", "Left voicemail"),
        ("Cold call", "Prospecting call", "Left voicemail"), ("Call", "Call", "Call")),
    1: (("Intro email", "Follow-up: the resources you asked for", "Email: scheduling a first call"),
        ("Sent case study", "Pricing follow-up", "Re: next steps"),
        ("Prospecting email 1", "Prospecting email 2", "Breakup email"), ("Email", "Email", "Email")),
    2: (("Intro meeting", "First meeting", "Qualification meeting"),
        ("Discovery meeting", "Business case review", "Stakeholder meeting"),
        ("Intro meeting", "Intro meeting", "Intro meeting"),
        ("Discovery meeting", "Business case review", "Executive briefing")),
    3: (("Product demo", "Product demo", "Product demo"), ("Product demo", "Technical deep dive", "Product demo"),
        ("Product demo", "Product demo", "Product demo"), ("Product demo", "Technical deep dive", "Pilot kickoff")),
}
_BATCH_ROWS = 1_000_000
_PRODUCTS = ("Platform", "Forecasting add-on", "Analytics seats", "Enterprise bundle")


def _text(codes: np.ndarray, labels, missing: np.ndarray | None = None) -> pa.DictionaryArray:
    """A dictionary-encoded text column: small in memory however many rows it has."""
    if not isinstance(labels, pa.Array):
        labels = pa.array([str(label) for label in labels])
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, np.int32), mask=missing), labels)


def _numbers(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, np.int64), mask=missing)


def _seconds(values: np.ndarray) -> pa.Array:
    """Epoch seconds, empty where the value is NaN."""
    missing = np.isnan(values)
    return pa.array(np.floor(np.nan_to_num(values)).astype(np.int64), mask=missing)


def _creation_numbers(created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order and Id number (1-based) of each record, numbered in creation order as Salesforce does."""
    order = np.argsort(created, kind="stable")
    number = np.empty(len(created), np.int64)
    number[order] = np.arange(1, len(created) + 1)
    return order, number


class _ExtractWriter:
    """Formats the company's arrays as Salesforce API exports and writes them with DuckDB."""

    def __init__(self, company: _DemoCompany, out_dir: Path, report: Callable[[float, str], None]):
        self.c = company
        self.out_dir = out_dir
        self.report = report
        self.con = duckdb.connect()
        for macro in sqlfiles.folder(DEMO_SQL / "macros", "macro").values():
            self.con.execute(sqlfiles.create_macro(macro))
        self.counts: dict[str, int] = {}

    def write_all(self) -> dict[str, int]:
        c = self.c
        # Id numbers, in creation order per object.
        self.user_no = np.arange(1, len(c.user_name) + 1)
        self.acc_order, self.acc_no = _creation_numbers(c.acc_created)
        self.cmp_order, self.cmp_no = _creation_numbers(c.cmp_first.astype(float))
        lead_people = np.flatnonzero(c.has_lead)
        order, number = _creation_numbers(c.created[lead_people])
        self.lead_rows = lead_people[order]
        self.lead_no = np.zeros(c.n_people, np.int64)
        self.lead_no[lead_people] = number
        contact_people = np.flatnonzero(c.has_contact)
        order, number = _creation_numbers(c.contact_at[contact_people])
        self.contact_rows = contact_people[order]
        self.contact_no = np.zeros(c.n_people, np.int64)
        self.contact_no[contact_people] = number
        self.opp_order, self.opp_no = _creation_numbers(c.opp_created)
        writers = (self._users, self._accounts, self._campaigns, self._leads, self._contacts, self._opportunities,
                   self._opportunity_history, self._contact_roles, self._campaign_members, self._activities,
                   self._campaign_spend, self._awareness_metrics)
        for number, writer in enumerate(writers):
            self.report(0.5 + 0.5 * number / len(writers), f"Writing {writer.__name__.strip('_').replace('_', ' ')}")
            writer()
        self.con.close()
        self.report(1.0, "Demo extracts written")
        return self.counts

    def _write(self, file_name: str, n_rows: int, build: Callable[[slice], dict]) -> None:
        """Write one extract; `build` makes the columns of a slice of rows, a batch at a time, so memory stays flat."""
        parts = (slice(start, min(start + _BATCH_ROWS, n_rows)) for start in range(0, max(n_rows, 1), _BATCH_ROWS))
        batches = (pa.RecordBatch.from_pydict(build(part)) for part in parts)
        first = next(batches)
        self.con.register("src", pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], batches)))
        relation = self.con.sql(sqlfiles.folder(DEMO_SQL, "query")[EXTRACTS[file_name]].sql)
        if tuple(relation.columns) != HEADERS[file_name]:
            raise AssertionError(f"{file_name}: columns {relation.columns} differ from {HEADERS[file_name]}")
        relation.write_csv(str(self.out_dir / file_name), header=True)
        self.con.unregister("src")
        self.counts[file_name] = n_rows

    def _write_columns(self, file_name: str, columns: dict) -> None:
        n_rows = len(next(iter(columns.values())))
        self._write(file_name, n_rows, lambda part: {name: values[part] for name, values in columns.items()})

    def _users(self) -> None:
        c = self.c
        regions = np.array(REGIONS + ("Global",))
        self._write_columns("User.csv", {
            "no": self.user_no, "name": c.user_name, "title": c.user_title, "department": c.user_department,
            "team": c.user_team, "region": regions[c.user_region],
            "manager_no": _numbers(c.user_manager + 1, c.user_manager < 0), "is_active": c.user_active})

    def _accounts(self) -> None:
        c, o = self.c, self.acc_order
        self._write_columns("Account.csv", {
            "no": self.acc_no[o], "name": c.acc_name[o], "industry": c.acc_industry[o],
            "segment": _text(c.acc_segment[o], SEGMENTS), "region": _text(c.acc_region[o], REGIONS),
            "employees": c.acc_employees[o], "revenue": c.acc_revenue[o], "is_target": c.acc_target[o],
            "owner_no": self.user_no[c.acc_owner[o]], "created": _seconds(c.acc_created[o])})

    def _campaigns(self) -> None:
        c, o = self.c, self.cmp_order
        status = np.where(c.cmp_last[o] >= c.tl.last_day, "In Progress", "Completed")
        parent = c.cmp_parent[o]
        sponsor = c.cmp_sponsor[o]
        self._write_columns("Campaign.csv", {
            "no": self.cmp_no[o], "name": c.cmp_name[o], "type": c.cmp_type[o], "channel": c.cmp_channel[o],
            "description": pa.array([c.cmp_description[i] for i in o]),
            "targeting": pa.array([c.cmp_targeting[i] for i in o], pa.string()),
            "objective": pa.array([c.cmp_objective[i] for i in o], pa.string()), "status": status,
            "first_day": c.cmp_first[o] + c.tl.epoch_day0, "last_day": c.cmp_last[o] + c.tl.epoch_day0,
            "budget": pa.array(c.cmp_budget[o], from_pandas=True), "actual": pa.array(c.cmp_actual[o], from_pandas=True),
            "parent_no": _numbers(self.cmp_no[np.maximum(parent, 0)], parent < 0),
            "owner_no": self.user_no[c.cmp_owner[o]],
            "sponsor_no": _numbers(self.user_no[np.maximum(sponsor, 0)], sponsor < 0),
            "region": np.array(REGIONS + ("Global",))[c.cmp_region[o]]})

    def _people_columns(self, rows: np.ndarray) -> dict:
        c = self.c
        return {
            "first_name": _text(c.first_name[rows], _FIRST_NAMES), "last_name": _text(c.last_name[rows], _LAST_NAMES),
            "title": _text(c.title[rows], [t for titles in _TITLES for t in titles]),
            "persona": _text(c.persona[rows], PERSONAS, c.persona_blank[rows]),
            "lead_source": _text(np.maximum(c.source[rows], 0), LEAD_SOURCES, c.source[rows] < 0),
            "country": _text(c.country[rows], [name for names, _ in _COUNTRIES for name in names]),
        }

    def _lifecycle_columns(self, rows: np.ndarray, until: np.ndarray, blank_early: np.ndarray | None = None) -> dict:
        """Lifecycle dates recorded on a record, leaving out those after `until` (a lead's conversion)."""
        c = self.c

        def upto(values):
            return np.where(values <= until, values, np.nan)

        rejected, dq = upto(c.rejected[rows]), upto(c.dq[rows])
        mql, sal = upto(c.mql[rows]), upto(c.sal[rows])
        if blank_early is not None:
            mql, sal = np.where(blank_early, np.nan, mql), np.where(blank_early, np.nan, sal)
        return {"mql": _seconds(mql), "sal": _seconds(sal),
                "sql": _seconds(upto(c.sql[rows])), "rejected": _seconds(rejected),
                "rejection_reason": _text(c.rejection_reason[rows], REJECTION_REASONS, np.isnan(rejected)),
                "dq": _seconds(dq), "dq_reason": _text(c.dq_reason[rows], DISQUALIFICATION_REASONS, np.isnan(dq))}

    def _leads(self) -> None:
        c = self.c
        # Converted opportunity: the funnel deal opened at conversion.
        funnel_opps = np.flatnonzero(c.opp_kind == 0)
        opp_of_person = np.zeros(c.n_people, np.int64)
        opp_of_person[c.opp_person[funnel_opps]] = self.opp_no[funnel_opps]
        companies = pa.array(np.concatenate([c.acc_name, c.other_companies]))

        def build(part: slice) -> dict:
            rows = self.lead_rows[part]
            converted = np.isfinite(c.conversion[rows])
            opp_no = np.where(converted & c.opp_at_conversion[rows], opp_of_person[rows], 0)
            closed_out = np.isfinite(c.dq[rows]) | (np.isfinite(c.rejected[rows]) & np.isnan(c.sal[rows]))
            status = np.select([converted, closed_out, np.isfinite(c.sal[rows]) | np.isfinite(c.sql[rows]),
                                np.isfinite(c.mql[rows]), c.nurturing[rows]], [3, 4, 2, 0, 1], 0)
            until = np.where(converted, c.conversion[rows], np.inf)
            return {
                "no": self.lead_no[rows], **self._people_columns(rows), "company": _text(c.company[rows], companies),
                "owner_no": self.user_no[c.sdr[rows]], "created": _seconds(c.created[rows]),
                "status": _text(status, LEAD_STATUSES), "is_converted": converted,
                "converted_day": _numbers(c.tl.day_of(np.nan_to_num(c.conversion[rows])) + c.tl.epoch_day0,
                                          ~converted),
                "contact_no": _numbers(self.contact_no[rows], ~converted),
                "account_no": _numbers(self.acc_no[np.maximum(c.account[rows], 0)], ~converted),
                "opportunity_no": _numbers(opp_no, opp_no == 0), **self._lifecycle_columns(rows, until)}

        self._write("Lead.csv", len(self.lead_rows), build)

    def _contacts(self) -> None:
        c = self.c

        def build(part: slice) -> dict:
            rows = self.contact_rows[part]
            lifecycle = self._lifecycle_columns(rows, np.full(len(rows), np.inf),
                                                ~c.born_contact[rows] & c.early_dates_not_copied[rows])
            return {"no": self.contact_no[rows], "account_no": self.acc_no[c.account[rows]],
                    **self._people_columns(rows), "owner_no": self.user_no[c.contact_owner[rows]],
                    "created": _seconds(c.contact_at[rows]), **lifecycle}

        self._write("Contact.csv", len(self.contact_rows), build)

    def _opportunities(self) -> None:
        c, o = self.c, self.opp_order
        type_names = np.array(["New Business", "Expansion", "Renewal"])
        name = np.char.add(np.char.add(c.acc_name[c.opp_account[o]], " — "),
                           np.array(_PRODUCTS)[c.opp_product[o]])
        name = np.char.add(name, np.array(["", " (Expansion)", " (Renewal)"])[c.opp_type[o]])
        campaign = c.opp_campaign[o]
        source = c.opp_source[o]
        self._write_columns("Opportunity.csv", {
            "forecast_category": _text(self._forecast_categories()[o], FORECAST_CATEGORIES),
            "no": self.opp_no[o], "account_no": self.acc_no[c.opp_account[o]], "name": name,
            "owner_no": self.user_no[c.acc_owner[c.opp_account[o]]], "created": _seconds(c.opp_created[o]),
            "close_day": c.opp_close_date[o] + c.tl.epoch_day0,
            "amount": pa.array(c.opp_amount[o], from_pandas=True), "stage": _text(c.opp_stage[o], STAGES),
            "is_closed": c.opp_closed[o], "is_won": c.opp_won[o], "type": type_names[c.opp_type[o]],
            "lead_source": _text(np.maximum(source, 0), LEAD_SOURCES, source < 0),
            "campaign_no": _numbers(self.cmp_no[np.maximum(campaign, 0)], campaign < 0)})

    def _forecast_categories(self) -> np.ndarray:
        """Each deal's forecast category: Closed when won, Omitted when lost, an open deal's drawn by its stage."""
        c = self.c
        draw = np.random.default_rng(FORECAST_SEED).random(len(c.opp_stage))
        open_stage = np.minimum(c.opp_stage, len(FORECAST_BY_STAGE) - 1)
        thresholds = np.cumsum(np.array(FORECAST_BY_STAGE), axis=1)[open_stage]
        drawn = (draw[:, None] >= thresholds).sum(1)
        return np.where(c.opp_won, 3, np.where(c.opp_closed, 4, np.minimum(drawn, len(FORECAST_CATEGORIES) - 1)))

    def _opportunity_history(self) -> None:
        c = self.c
        order, number = _creation_numbers(c.hist_at)
        # The close-date moves follow the stage rows, numbered after them, so the stage rows keep their ids.
        moves = np.argsort(c.move_at, kind="stable")
        row = c.move_row[moves]
        self._write_columns("OpportunityHistory.csv", {
            "no": np.concatenate([number[order], len(order) + 1 + np.arange(len(moves))]),
            "opportunity_no": self.opp_no[np.concatenate([c.hist_opp[order], c.move_opp[moves]])],
            "stage": _text(np.concatenate([c.hist_stage[order], c.hist_stage[row]]), STAGES),
            "amount": pa.array(np.concatenate([c.hist_amount[order], c.hist_amount[row]]), from_pandas=True),
            "created": _seconds(np.concatenate([c.hist_at[order], c.move_at[moves]])),
            "close_day": np.concatenate([c.hist_close[order], c.opp_close_date[c.move_opp[moves]]]) + c.tl.epoch_day0})

    def _contact_roles(self) -> None:
        c = self.c
        order = np.lexsort((np.arange(len(c.role_opp)), self.opp_no[c.role_opp]))
        self._write_columns("OpportunityContactRole.csv", {
            "no": np.arange(1, len(order) + 1), "opportunity_no": self.opp_no[c.role_opp[order]],
            "contact_no": self.contact_no[c.role_person[order]], "role": _text(c.role_name[order], CONTACT_ROLES),
            "is_primary": c.role_primary[order]})

    def _campaign_members(self) -> None:
        c = self.c
        order, number = _creation_numbers(c.mem_at)

        def build(part: slice) -> dict:
            rows = order[part]
            person, at = c.mem_person[rows], c.mem_at[rows]
            # Before conversion a membership names the lead (and, once converted, the contact too); after, the contact.
            before_conversion = ~(at >= c.conversion[person])
            lead_no = np.where(c.has_lead[person] & before_conversion, self.lead_no[person], 0)
            contact_no = np.where(c.has_contact[person], self.contact_no[person], 0)
            responded_day = c.mem_respond_day[rows]
            return {"no": number[rows], "campaign_no": self.cmp_no[c.mem_campaign[rows]],
                    "lead_no": _numbers(lead_no, lead_no == 0), "contact_no": _numbers(contact_no, contact_no == 0),
                    "status": _text(c.mem_status[rows], _MEMBER_STATUSES), "created": _seconds(at),
                    "has_responded": c.mem_responded[rows],
                    "responded_day": _numbers(responded_day + c.tl.epoch_day0, responded_day < 0)}

        self._write("CampaignMember.csv", len(order), build)

    def _activities(self) -> None:
        c, rng = self.c, self.c.rng
        subjects = [s for kind in range(4) for purpose in range(4) for s in _SUBJECTS[kind][purpose]]
        internal_subjects = ("Internal: pipeline review", "Internal: forecast call", "Internal: territory planning")
        tasks = np.flatnonzero(c.act_kind <= 1)
        # A handful of internal tasks name no person; the importer must skip them.
        n_internal = max(5, len(tasks) // 500)
        history_first = c.tl.quarter_days(0)[0]
        internal_at = c.tl.day0 + rng.integers(history_first, c.tl.last_day + 1, n_internal) * DAY + 16 * HOUR
        internal_kind = rng.integers(0, 2, n_internal)
        internal_subject = len(subjects) + rng.integers(0, 3, n_internal)
        internal_owner = c._pick_user(("ae_com", "ae_ent"), rng.integers(0, 4, n_internal))
        # Activity rows then internal rows, numbered by creation; position >= len(tasks) means internal.
        order, number = _creation_numbers(np.concatenate([c.act_created[tasks], internal_at - HOUR]))

        def who_of(activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            person, at = c.act_person[activity], c.act_at[activity]
            is_lead = c.has_lead[person] & ~(at >= c.conversion[person])  # WhoId is the lead until it converts
            return np.where(is_lead, self.lead_no[person], self.contact_no[person]), is_lead

        def subject_of(activity: np.ndarray) -> np.ndarray:
            return (c.act_kind[activity] * 4 + c.act_purpose[activity]) * 3 + c.act_subject[activity]

        def build_task(part: slice) -> dict:
            position = order[part]
            internal = position >= len(tasks)
            activity = tasks[np.where(internal, 0, position)]
            extra = np.where(internal, position - len(tasks), 0)
            who, is_lead = who_of(activity)
            at = np.where(internal, internal_at[extra], c.act_at[activity])
            created = np.where(internal, internal_at[extra] - HOUR, c.act_created[activity])
            return {"no": number[position], "who_no": _numbers(who, internal), "who_is_lead": is_lead & ~internal,
                    "type": _text(np.where(internal, internal_kind[extra], c.act_kind[activity]), ("Call", "Email")),
                    "subject": _text(np.where(internal, internal_subject[extra], subject_of(activity)),
                                     subjects + list(internal_subjects)),
                    "owner_no": self.user_no[np.where(internal, internal_owner[extra], c.act_owner[activity])],
                    "activity_day": c.tl.day_of(at) + c.tl.epoch_day0, "completed": _seconds(at),
                    "created": _seconds(created), "status": _text(np.zeros(len(position)), ("Completed",))}

        self._write("Task.csv", len(order), build_task)
        events = np.flatnonzero(c.act_kind >= 2)
        event_order, event_number = _creation_numbers(c.act_created[events])

        def build_event(part: slice) -> dict:
            activity = events[event_order[part]]
            who, is_lead = who_of(activity)
            at = c.act_at[activity]
            return {"no": event_number[event_order[part]], "who_no": who, "who_is_lead": is_lead,
                    "type": _text(c.act_kind[activity] - 2, ("Meeting", "Demo")),
                    "subject": _text(subject_of(activity), subjects), "owner_no": self.user_no[c.act_owner[activity]],
                    "activity_at": _seconds(at), "activity_day": c.tl.day_of(at) + c.tl.epoch_day0,
                    "created": _seconds(c.act_created[activity])}

        self._write("Event.csv", len(events), build_event)

    def _campaign_spend(self) -> None:
        """Monthly spend rows that add up to each campaign's ActualCost to the cent."""
        c = self.c
        campaigns, months, cents = [], [], []
        for campaign in np.flatnonzero(c.cmp_spend_rows):
            days = np.arange(c.cmp_first[campaign], c.cmp_last[campaign] + 1) + c.tl.epoch_day0
            month = days.astype("datetime64[D]").astype("datetime64[M]")
            starts, per_month = np.unique(month, return_counts=True)
            total = int(round(c.cmp_actual[campaign] * 100))
            share = total * per_month // per_month.sum()
            share[-1] += total - share.sum()
            campaigns.append(np.full(len(starts), self.cmp_no[campaign]))
            months.append(starts.astype("datetime64[D]").astype(np.int64))
            cents.append(share)
        campaign_no, month_day, amount = (np.concatenate(x) for x in (campaigns, months, cents))
        order = np.lexsort((month_day, campaign_no))
        self._write_columns("campaign_spend.csv", {
            "campaign_no": campaign_no[order], "month_day": month_day[order],
            "amount": amount[order] / 100})

    def _awareness_metrics(self) -> None:
        """Weekly reach-type numbers per awareness channel and region, following awareness spend."""
        c, tl, rng = self.c, self.c.tl, self.c.rng
        daily = np.zeros((len(AWARENESS_CHANNELS), 4, tl.n_days))
        for campaign in np.flatnonzero(np.isin(c.cmp_channel, AWARENESS_CHANNELS)):
            cost = c.cmp_actual[campaign] if np.isfinite(c.cmp_actual[campaign]) else c.cmp_budget[campaign]
            if not np.isfinite(cost):
                continue
            per_day = cost / (c.cmp_last[campaign] - c.cmp_first[campaign] + 1)
            region_share = REGION_SHARE if c.cmp_region[campaign] == GLOBAL else np.eye(4)[c.cmp_region[campaign]]
            channel = AWARENESS_CHANNELS.index(c.cmp_channel[campaign])
            daily[channel, :, c.cmp_first[campaign]:c.cmp_last[campaign] + 1] += per_day * region_share[:, None]
        history_first = tl.quarter_days(0)[0]
        first_monday = history_first + (-(history_first + tl.epoch_day0 + 3)) % 7
        weeks = np.arange(first_monday, tl.last_day + 1, 7)
        spend = np.stack([daily[:, :, w:w + 7].sum(2) for w in weeks], axis=2)  # channel, region, week
        growth = tl.intensity()[weeks] / tl.intensity()[weeks].mean()
        per_dollar = np.array([60.0, 120.0, 150.0, 800.0, 400.0, 40.0])[:, None, None]
        baseline = np.array([0.0, 0.0, 5e3, 40e3, 20e3, 0.0])[:, None, None] * REGION_SHARE[None, :, None] * growth
        noise = np.exp(0.08 * rng.standard_normal((4,) + spend.shape))
        impressions = (baseline + spend * per_dollar) * noise[0]
        reach = impressions * np.array([0.35, 0.5, 0.25, 0.3, 0.6, 0.7])[:, None, None] * noise[1]
        visits = impressions * np.array([0.0015, 0.0004, 0.0025, 0.004, 0.002, 0.003])[:, None, None] * noise[2]
        lagged = np.concatenate([visits[:, :, :2], visits[:, :, :-2]], axis=2)  # searches follow visits by 2 weeks
        branded = lagged * 0.25 * noise[3]
        values = np.round(np.stack([impressions, reach, visits, branded])).astype(np.int64)  # metric, channel, region, week
        metric, channel, region, week = np.meshgrid(np.arange(4), np.arange(len(AWARENESS_CHANNELS)), np.arange(4),
                                                    np.arange(len(weeks)), indexing="ij")
        active = np.broadcast_to(values[0] > 0, values.shape).ravel()
        order = np.lexsort((metric.ravel(), region.ravel(), channel.ravel(), week.ravel()))
        order = order[active[order]]
        self._write_columns("awareness_metrics.csv", {
            "week_day": weeks[week.ravel()[order]] + tl.epoch_day0,
            "channel": _text(channel.ravel()[order], AWARENESS_CHANNELS),
            "metric": _text(metric.ravel()[order], AWARENESS_METRICS), "value": values.ravel()[order],
            "region": _text(region.ravel()[order], REGIONS)})
