"""The pipeline walk of the view's quarter for the warehouse as it is now, cached per file version."""

from __future__ import annotations

import pandas as pd

from alignment import pipeline_walk, warehouse
from alignment.catalog import Filters
from alignment.periods import Quarter
from ui import cached, context


@cached.data(max_entries=16)
def _walk(reader: warehouse.Reader, quarter: Quarter, region: str | None,
          segment: str | None) -> pipeline_walk.Walk:
    return pipeline_walk.walk(reader, quarter, region=region, segment=segment)


def walk(view: Filters) -> pipeline_walk.Walk:
    """The view's quarter's pipeline walk (to the data's as-of day when the quarter is running)."""
    return _walk(context.reader(), view.quarter, view.region, view.segment)


@cached.data(max_entries=16)
def _stages(reader: warehouse.Reader, quarter: Quarter, region: str | None,
            segment: str | None) -> tuple[pd.DataFrame, str | None]:
    return pipeline_walk.stage_conversion(reader, quarter, region=region, segment=segment)


def stages(view: Filters) -> tuple[pd.DataFrame, str | None]:
    """Stage to stage over the four quarters ending with the view's, or why it is not measured."""
    return _stages(context.reader(), view.quarter, view.region, view.segment)
