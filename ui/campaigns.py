"""The Campaigns page's numbers (results, every model side by side, the quadrant), cached per file version and view."""

from __future__ import annotations

import pandas as pd

from alignment import campaigns, quadrant, warehouse
from alignment.catalog import Definitions, Filters
from ui import cached, context


# data_driven's learnt effects are not part of the definitions' JSON (their cache key): they are learnt again from
# the warehouse.
@cached.data(max_entries=64)
def _results(reader: warehouse.Reader, view: Filters, name: str, in_force: Definitions) -> pd.DataFrame:
    return campaigns.results(reader, name, view, in_force)


def results(name: str, view: Filters, definitions: Definitions) -> pd.DataFrame:
    """campaign_results or channel_results under the definitions' model of record (model card in `attrs`)."""
    return _results(context.reader(), view, name, definitions)


@cached.data(max_entries=64)
def _side_by_side(reader: warehouse.Reader, view: Filters, campaign_ids: tuple[str, ...], in_force: Definitions,
                  basis: str) -> pd.DataFrame:
    return campaigns.models_side_by_side(reader, view.quarter, list(campaign_ids), in_force, basis)


def side_by_side(view: Filters, campaign_ids: list[str], definitions: Definitions,
                 basis: str = "pipeline") -> pd.DataFrame:
    """The chosen campaigns' credit under every model, one column per model."""
    return _side_by_side(context.reader(), view, tuple(campaign_ids), definitions, basis)


@cached.data(max_entries=64)
def _placed(reader: warehouse.Reader, view: Filters, in_force: Definitions, by: str) -> pd.DataFrame:
    place = quadrant.place_channels if by == "channel" else quadrant.place_campaigns
    return place(reader, view.quarter, view, in_force)


def placed(view: Filters, definitions: Definitions, by: str = "campaign") -> pd.DataFrame:
    """The alignment quadrant per campaign (or per channel), with its bars and model card in `attrs`."""
    return _placed(context.reader(), view, definitions, by)


QUADRANTS = quadrant.QUADRANTS
"""The four placements of DESIGN §4.7, in reading order (awareness campaigns are never placed)."""

MODEL_LABELS = {"first_touch": "First touch", "last_touch": "Last touch", "linear": "Linear", "u_shaped": "U-shaped",
                "w_shaped": "W-shaped", "full_path": "Full path", "time_decay": "Time decay",
                "data_driven": "Data-driven"}
"""Attribution model → its name on screen."""


@cached.data(max_entries=64)
def _by_linking(reader: warehouse.Reader, view: Filters, in_force: Definitions, basis: str) -> pd.DataFrame:
    return campaigns.linking_side_by_side(reader, view.quarter, in_force, basis)


def by_linking(view: Filters, definitions: Definitions, basis: str = "pipeline") -> pd.DataFrame:
    """Each campaign's credit linked through contacts and through the account, side by side, with the difference."""
    return _by_linking(context.reader(), view, definitions, basis)
