"""Tables people read: catalog frames with plain headers and unit formats, on screen with their CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment.board import csvs
from alignment.presentation import formats as fmt
from alignment.presentation.specs import TableSpec
from ui.charts import category_label, stage_label

CATEGORY = "category"
"""The kind of a column of category codes (a channel, region, segment) in `readable`: shown as category_label says."""


def readable(frame: pd.DataFrame, columns: dict[str, tuple[str, str | None]]) -> pd.DataFrame:
    """Keep `columns` ({column: (header, unit, CATEGORY, or None for text)}) in that order, formatted for display;
    a CATEGORY column is read as the dimension of its own name (channel → Paid search, TV; a code's underscores as
    spaces), a text column shown exactly as written (a name from the data is never rewritten)."""
    shown = {}
    for column, (header, unit) in columns.items():
        values = frame[column]
        if unit is None:
            shown[header] = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(v))
        elif unit == CATEGORY:
            shown[header] = values.map(lambda v, c=column: fmt.MISSING if pd.isna(v) else category_label(c, v))
        else:
            shown[header] = values.map(fmt.BY_UNIT[unit])
    return pd.DataFrame(shown, index=frame.index).reset_index(drop=True)


def four_measures(waterfall: pd.DataFrame, *, ratio_label: str, split_header: str | None = None,
                  split: str = "", volume: str = "people", volume_header: str = "Volume (people)") -> pd.DataFrame:
    """Forrester's four measures per stage of catalog.funnel's frame (or the deal-stage funnel's, whose volume is
    `deals`): volume, conversion, velocity and value; split values (of the dimension `split`) named as the split's
    charts name them."""
    frame = waterfall.assign(stage=waterfall["stage"].map(stage_label))
    columns = {}
    if split_header:
        frame = frame.assign(split_value=[category_label(split, v) for v in frame["split_value"]])
        columns = {"split_value": (split_header, None)}
    columns |= {"stage": ("Stage", None), volume: (volume_header, "count"), "ratio": (ratio_label, "percent"),
                "velocity_days": ("Velocity (median days from the stage before)", "days"),
                "value": ("Value", "currency")}
    return readable(frame, columns)


def acceptance_outcomes(acceptance: pd.DataFrame, disqualified: float | None) -> pd.DataFrame:
    """What sales did with the quarter's MQLs: the acceptance_rate metric's base counts beside the disqualified."""
    counts = acceptance.iloc[0] if len(acceptance) else pd.Series({"accepted": 0, "rejected": 0})
    return pd.DataFrame({
        "outcome": ["Accepted (SAL)", "Rejected before contact", "Disqualified after contact"],
        "people": [counts["accepted"], counts["rejected"], disqualified or 0],
    })


def grouped_decimals(frame: pd.DataFrame) -> dict:
    """Column settings showing each fractional column with thousands grouped and two decimals (255,894.22, not
    255894.2157): amounts converted between currencies are rarely whole."""
    return {column: st.column_config.NumberColumn(format="%,.2f") for column in frame.columns
            if frame[column].dtype.kind == "f"}


def show(frame: pd.DataFrame, *, key: str, file_name: str, raw: pd.DataFrame | None = None, **dataframe) -> None:
    """A table on screen with its CSV download beneath: `frame` as shown, `raw` (default `frame`) as the CSV holds
    it, so the numbers in the file stay numbers."""
    st.dataframe(frame, hide_index=True, key=key, **dataframe)
    st.download_button("Download CSV", csvs.to_csv(frame if raw is None else raw).encode("utf-8"),
                       file_name=file_name, mime="text/csv", icon=":material/download:", key=f"{key}_csv",
                       on_click="ignore")


def spec_table(table: TableSpec, *, key: str, quarter: str) -> None:
    """A board-pack table: every value in its unit's format on screen, raw values in its CSV."""
    shown = pd.DataFrame(table.formatted(with_detail=True), columns=table.headers)
    show(shown, key=key, file_name=csvs.file_name(table, quarter), raw=table.frame())
