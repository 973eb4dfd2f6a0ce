"""Charts on screen (ui.figures): a figure is built once per distinct input and every page run draws that one."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from ui import charts, figures

BUILT: list[str] = []


def counted_bars(frame: pd.DataFrame, *, title: str) -> go.Figure:
    """A builder that notes each time it really builds."""
    BUILT.append(title)
    return go.Figure(go.Bar(x=frame["name"], y=frame["value"]), layout={"title": {"text": title}})


@pytest.fixture(autouse=True)
def fresh():
    figures._built.clear()
    BUILT.clear()


def test_equal_inputs_draw_the_figure_built_the_first_time():
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1, 2]})
    figures.plotly_chart(counted_bars, frame, title="Pipeline", key="first")
    figures.plotly_chart(counted_bars, frame.copy(), title="Pipeline", key="second")  # another run's copy
    assert BUILT == ["Pipeline"]


def test_other_values_or_other_options_build_another_figure():
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1, 2]})
    figures.plotly_chart(counted_bars, frame, title="Pipeline", key="first")
    figures.plotly_chart(counted_bars, frame.assign(value=[1, 3]), title="Pipeline", key="second")
    figures.plotly_chart(counted_bars, frame, title="Bookings", key="third")
    assert BUILT == ["Pipeline", "Pipeline", "Bookings"]


def test_a_builder_without_a_name_of_its_own_is_refused():
    # Two lambdas share the name "<lambda>": the cache could not tell their figures apart.
    with pytest.raises(ValueError, match="not a module-level function"):
        figures.plotly_chart(lambda frame: go.Figure(), pd.DataFrame(), key="chart")


def test_a_page_draws_the_builders_figure_without_the_mode_bar(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(
        "import pandas as pd\n"
        "from ui import charts, figures\n"
        "frame = pd.DataFrame({'name': ['a', 'b'], 'share': [0.2, 0.5]})\n"
        "figures.plotly_chart(charts.ranked_bars, frame, label='name', value='share', unit='percent', "
        "x_title='Share', key='bars')\n")
    at = AppTest.from_file(str(script)).run()
    at.run()  # the second run draws the figure the first one built
    assert not at.exception
    chart = at.get("plotly_chart")[0].proto
    expected = charts.ranked_bars(pd.DataFrame({"name": ["a", "b"], "share": [0.2, 0.5]}), label="name",
                                  value="share", unit="percent", x_title="Share")
    assert json.loads(chart.spec) == json.loads(expected.to_json())
    assert json.loads(chart.config) == {"displayModeBar": False}


def test_a_figure_built_for_one_currency_or_calendar_is_not_drawn_for_another():
    # One server, two warehouses (or one whose currency or calendar changed): the money axis and the quarters' days a
    # builder wrote into its figure belong to the warehouse it was built for. Before, the euro warehouse drew the
    # dollar warehouse's figure.
    from alignment import periods
    from alignment.presentation import formats

    frame = pd.DataFrame({"name": ["a", "b"], "value": [100_000.0, 250_000.0]})

    def axis_prefix() -> str:
        figure = figures.built(charts.ranked_bars, frame, label="name", value="value", unit="currency", x_title="x")
        return figure.layout.xaxis.tickprefix

    with formats.in_currency("USD"):
        assert axis_prefix() == "$"
    with formats.in_currency("EUR"):
        assert axis_prefix() == "€"
    built = figures.built(counted_bars, frame, title="Pipeline")
    with periods.using_calendar(periods.FiscalCalendar(start_month=2, year_named_by="end")):
        assert figures.built(counted_bars, frame, title="Pipeline") is not built
    assert figures.built(counted_bars, frame, title="Pipeline") is built
    assert BUILT == ["Pipeline", "Pipeline"]


def test_a_table_shows_names_from_the_data_as_written_and_codes_as_words():
    """A campaign, owner or region named with underscores is shown exactly as the CRM holds it (an analyst looks it
    up there); only the product's own codes (a funnel role, a persona key) read their underscores as spaces."""
    from ui import tables

    frame = pd.DataFrame({"campaign_name": ["Q3_Webinar_EMEA", None], "owner_name": ["ana_alvarez", "Bo"],
                          "funnel_role": ["demand_gen", "awareness"], "top_persona": ["decision_maker", None]})
    shown = tables.readable(frame, {"campaign_name": ("Campaign", None), "owner_name": ("Owner", None),
                                    "funnel_role": ("Funnel role", tables.CATEGORY),
                                    "top_persona": ("Top persona engaged", tables.CATEGORY)})
    assert shown["Campaign"].tolist() == ["Q3_Webinar_EMEA", "—"]
    assert shown["Owner"].tolist() == ["ana_alvarez", "Bo"]
    assert shown["Funnel role"].tolist() == ["demand gen", "awareness"]
    assert shown["Top persona engaged"].tolist() == ["decision maker", "—"]
