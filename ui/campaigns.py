"""The Campaigns page's numbers (results, every model side by side, the quadrant), cached per file version and view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import campaigns, quadrant, warehouse
from alignment.catalog import Definitions, Filters
from ui import context


def _key(view: Filters) -> tuple[str, tuple[int, int, int] | None, tuple[str, str | None, str | None]]:
    """The warehouse file's version and the view as plain values: an import or another view is never served stale
    numbers (the definitions are part of each key too, as JSON)."""
    path = context.warehouse_path()
    return str(path), warehouse.identity(path), (str(view.quarter), view.region, view.segment)


def _filters(view: tuple[str, str | None, str | None]) -> Filters:
    quarter, region, segment = view
    return Filters(quarter=quarter, region=region, segment=segment)


# Definitions travel as their JSON (hashable, and what the charter will hand over); data_driven's learnt effects are
# not part of it and are learnt again from the warehouse.
@st.cache_data(show_spinner=False, max_entries=64)
def _results(path: str, identity, view, name: str, definitions: str) -> pd.DataFrame:
    return campaigns.results(context.reader(), name, _filters(view), Definitions.model_validate_json(definitions))


def results(name: str, view: Filters, definitions: Definitions) -> pd.DataFrame:
    """campaign_results or channel_results under the definitions' model of record (model card in `attrs`)."""
    return _results(*_key(view), name, definitions.model_dump_json())


@st.cache_data(show_spinner=False, max_entries=64)
def _side_by_side(path: str, identity, view, campaign_ids: tuple[str, ...], definitions: str,
                  basis: str) -> pd.DataFrame:
    return campaigns.models_side_by_side(context.reader(), _filters(view).quarter, list(campaign_ids),
                                         Definitions.model_validate_json(definitions), basis)


def side_by_side(view: Filters, campaign_ids: list[str], definitions: Definitions,
                 basis: str = "pipeline") -> pd.DataFrame:
    """The chosen campaigns' credit under every model, one column per model."""
    return _side_by_side(*_key(view), tuple(campaign_ids), definitions.model_dump_json(), basis)


@st.cache_data(show_spinner=False, max_entries=64)
def _placed(path: str, identity, view, definitions: str, by: str) -> pd.DataFrame:
    place = quadrant.place_channels if by == "channel" else quadrant.place_campaigns
    filters = _filters(view)
    return place(context.reader(), filters.quarter, filters, Definitions.model_validate_json(definitions))


def placed(view: Filters, definitions: Definitions, by: str = "campaign") -> pd.DataFrame:
    """The alignment quadrant per campaign (or per channel), with its bars and model card in `attrs`."""
    return _placed(*_key(view), definitions.model_dump_json(), by)


def model_card(definitions: Definitions, basis: str = "pipeline") -> str:
    return campaigns.model_card(definitions, basis)


QUADRANTS = quadrant.QUADRANTS
"""The four placements of DESIGN §4.7, in reading order (awareness campaigns are never placed)."""

MODEL_LABELS = {"first_touch": "First touch", "last_touch": "Last touch", "linear": "Linear", "u_shaped": "U-shaped",
                "w_shaped": "W-shaped", "full_path": "Full path", "time_decay": "Time decay",
                "data_driven": "Data-driven"}
"""Attribution model → its name on screen."""
