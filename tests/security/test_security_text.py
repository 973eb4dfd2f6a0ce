"""Every string from data is shown as text: the Markdown escaper, the chart escaper, the CSV neutraliser, XLSX strings,
the command line's control-character stripper, and every page walked over a warehouse whose names are hostile."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from alignment import catalog, cli, warehouse
from alignment.board import csvs, xlsx
from alignment.board import pack as packs
from alignment.board.spec import BoardPack, Section
from alignment.presentation.specs import ChartSpec, Column, Series, TableSpec
from tests.conftest import sign_in
from tests.security.hostile_data import (HOSTILE_IDS, build_hostile_warehouse, hostile_names, markdown_payload,
                                         save_hostile_charter)
from ui import charts, filters
from ui import explore as explore_view
from ui.text import WORD_JOINER, chart_text, literal

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PUNCTUATION = r"[!-/:-@\[-`{-~]"  # every ASCII punctuation character: what CommonMark lets a backslash escape

PAYLOADS = {
    "image": "![x](http://payload.invalid/p.png)",
    "link": "[click](http://payload.invalid/l)",
    "reference link": "[click][1]\n\n[1]: http://payload.invalid/r",
    "autolink": "<http://payload.invalid/a>",
    "e-mail autolink": "<pwn@payload.invalid>",
    "bare URL": "see http://payload.invalid/p.png now",
    "bare https URL": "https://payload.invalid/x",
    "www": "www.payload.invalid",
    "WWW upper case": "WWW.payload.invalid",
    "e-mail": "pwn@payload.invalid",
    "HTML image": "<img src=http://payload.invalid/i.png>",
    "HTML link": "<a href=\"http://payload.invalid\">x</a>",
    "HTML script": "<script>alert(1)</script>",
    "entity": "&lt;img src=x&gt; &#60;b&#62;",
    "inline LaTeX": "$x^2$",
    "display LaTeX": "$$\\frac{1}{2}$$",
    "emoji shortcode": ":smile: :+1:",
    "material icon": ":material/home:",
    "material icon, underscore form": ":material_home:",
    "Streamlit logo": ":streamlit:",
    "colour directive": ":red[alarm]",
    "background directive": ":red-background[alarm]",
    "badge directive": ":green-badge[ok]",
    "small directive": ":small[tiny]",
    "help directive": ":help[tip]",
    "heading": "# Heading",
    "setext heading": "Heading\n===",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |",
    "list": "- item\n1. item\n+ item",
    "block quote": "> quoted",
    "emphasis": "*a* _b_ **c** __d__ ~~e~~",
    "code": "`code` ```fence```",
    "backslash": "a \\ b \\* c",
    "everything at once": markdown_payload("pwn"),
}


def _unescaped(markdown: str) -> str:
    """The text Markdown shows for `markdown`, escapes resolved (what text-level extensions then read)."""
    return re.sub(r"\\(" + PUNCTUATION + ")", r"\1", markdown)


# --- the Markdown escaper ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_literal_escapes_every_punctuation_character(payload):
    escaped = literal(payload)
    left = re.sub(r"\\" + PUNCTUATION, "", escaped)
    assert not re.search(PUNCTUATION, left), escaped  # nothing can open a link, a tag, emphasis, LaTeX, a directive


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_literal_leaves_nothing_for_streamlit_s_text_level_extensions(payload):
    """What Streamlit 1.67's Markdown looks for in the text after escapes are resolved (remark-gfm's bare links and
    e-mails, its material icons, its logo, remark-emoji) and in the source (whether LaTeX is needed)."""
    source = literal(payload)
    text = _unescaped(source.replace(":material/", ":material_"))
    assert not re.search(r"(https?://|www(?=\.))", text, re.IGNORECASE), text
    assert not re.search(r"[-.\w+]+@[-\w]+(\.[-\w]+)+", text), text
    assert not re.search(r":material_\w+:", text), text
    assert ":streamlit:" not in text
    assert not re.search(r":[\w+-]+:", text), text  # emoji shortcodes
    math_source = re.sub(r"\\[\\$`]", "_", source)
    assert not re.search(r"\$\$+(?!\$)[\s\S]*?\$\$", math_source)
    assert not re.search(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)", math_source)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_literal_shows_the_text_as_written(payload):
    assert _unescaped(literal(payload)).replace(WORD_JOINER, "") == payload


def test_literal_takes_any_value():
    assert literal(-12.5) == "\\-12\\.5"
    assert literal(None) == "None"
    assert literal("Acme Ltd") == "Acme Ltd"  # letters and spaces stay as they are


def test_the_filter_description_shows_a_region_and_segment_as_written():
    view = catalog.Filters(quarter="2026-Q2", region=PAYLOADS["image"], segment=PAYLOADS["colour directive"])
    shown = filters.describe(view)
    assert shown.startswith("2026-Q2 · ")
    assert "](" not in shown and ":red[" not in shown
    written = f"2026-Q2 · {PAYLOADS['image']} · {PAYLOADS['colour directive']}"
    assert _unescaped(shown).replace(WORD_JOINER, "") == written


# --- the chart escaper -----------------------------------------------------------------------------------------------

HTML_IN_CHART = re.compile(r"<(?:a\s|img|http|script|/a>)", re.IGNORECASE)
"""A tag plotly would draw (a link) or that came from data: never in a chart built from hostile names."""


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _drawn(value):
    """`value` without what plotly never draws: a trace's customdata, unless its hovertemplate shows it."""
    if isinstance(value, dict):
        shows = "customdata" in str(value.get("hovertemplate", ""))
        return {k: _drawn(v) for k, v in value.items() if k != "customdata" or shows}
    if isinstance(value, (list, tuple)):
        return [_drawn(v) for v in value]
    return value


def _chart_problems(figure_json: dict) -> list[str]:
    return [text for text in _strings(_drawn(figure_json)) if HTML_IN_CHART.search(text)]


def test_chart_text_escapes_what_plotly_reads_as_html():
    assert chart_text('<a href="http://payload.invalid">x</a> & <b>') == \
        '&lt;a href="http://payload.invalid"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'


HOSTILE = markdown_payload("pwnchart")


def _hostile_charts():
    """Every chart builder the pages and the pack call, each fed the hostile name where a name goes."""
    ranked = pd.DataFrame({"name": [HOSTILE, "plain"], "region": [HOSTILE, "EMEA"], "value": [2.0, 1.0],
                           "mqls": [3, 4]})
    stacked = pd.DataFrame({"source_category": [HOSTILE], "pipeline": [10.0], "bookings": [5.0]})
    shares = pd.DataFrame({"region": [HOSTILE, HOSTILE], "band": [HOSTILE, "within 4 h"], "band_order": [1, 2],
                           "share": [0.5, 0.5], "people": [1, 1]})
    stages = pd.DataFrame({"split_value": [HOSTILE] * 2, "stage": ["inquiry", "mql"], "stage_order": [1, 2],
                           "people": [4, 2], "ratio": [None, 0.5], "ratio_label": ["", "flow ratio"],
                           "velocity_days": [None, 3.0], "value": [None, None]})
    # A deal's stages are named by the data, unlike the waterfall's six.
    deal_stages = stages.assign(stage=[HOSTILE, "won"]).rename(columns={"people": "deals"})
    spec = ChartSpec(kind="bar", title=HOSTILE, categories=[HOSTILE, "plain"], unit="currency",
                     series=[Series(name=HOSTILE, values=[1.0, 2.0], colour="#123456")], value_title=HOSTILE)
    groups = pd.DataFrame({"key": ["k1", "k2"], "label": [HOSTILE, "plain"], "value": [3.0, 1.0]})
    quadrant = pd.DataFrame({"name": [HOSTILE], "quadrant": ["Mis-aligned"], "traceability": [0.2],
                             "pipeline_per_cost": [0.5], "cost": [10.0], "explanation": [HOSTILE]})
    beside = pd.DataFrame({"channel": [HOSTILE], "estimate": [1.0], "estimate_low": [0.5], "estimate_high": [2.0],
                           "touch_credit": [0.3]})
    curves = pd.DataFrame({"channel": [HOSTILE] * 2, "spend": [0.0, 1.0], "response": [0.0, 1.0],
                           "response_low": [0.0, 0.5], "response_high": [0.0, 1.5], "current_spend": [1.0, 1.0],
                           "current_response": [1.0, 1.0]})
    return {
        "ranked bars": charts.ranked_bars(ranked, label=["name", "region"], value="value", unit="count", x_title="x",
                                          hover={"mqls": ("MQLs", "count")}),
        "stacked bars": charts.stacked_bars(stacked, category="source_category",
                                            measures={"pipeline": "Pipeline", "bookings": "Bookings"},
                                            unit="currency", colours={}, x_title="x"),
        "share stacks": charts.share_stacks(shares, row="region", segment="band", order="band_order", share="share",
                                            value="people", colours={}, x_title="x"),
        "outcome bars": charts.outcome_bars(pd.DataFrame({"outcome": [HOSTILE], "people": [1]}), label="outcome",
                                            value="people", colours=["#000000"], x_title="x"),
        "small multiples": charts.waterfall_small_multiples(stages, dimension="region", title=HOSTILE),
        "waterfall of stages named by the data": charts.waterfall(stages.assign(stage=[HOSTILE, "won"])),
        "deal-stage waterfall": charts.waterfall(deal_stages, volume="deals", volume_title="Deals"),
        "deal-stage small multiples": charts.waterfall_small_multiples(deal_stages, dimension="lead_source",
                                                                       volume="deals", volume_title="Deals"),
        "board-pack chart": charts.figure(spec),
        "explore bars": explore_view.bars(groups, unit="count", title="MQLs", by="campaign", colour="#000000"),
        "quadrant": charts.quadrant_scatter(quadrant, label="name", x_threshold=0.5, y_threshold=1.0),
        "estimate beside touches": charts.estimate_beside_attribution(beside, unit="currency", x_title="x",
                                                                      touch_label="Touches"),
        "response curves": charts.response_curves(curves, unit="currency", y_title="y"),
    }


@pytest.mark.parametrize("name", list(_hostile_charts()))
def test_chart_builders_show_names_as_text(name):
    figure = _hostile_charts()[name].to_plotly_json()
    texts = _strings(figure)
    assert any("pwnchart" in text for text in texts), "the hostile name is not in the chart at all"
    assert not _chart_problems(figure), _chart_problems(figure)


# --- the CSV neutraliser ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(start):
    assert csvs.neutralised(start + "HYPERLINK(\"http://payload.invalid\")") == \
        "'" + start + "HYPERLINK(\"http://payload.invalid\")"


@pytest.mark.parametrize("value", [-12.5, -3, 0, 7.25, "-12.5", "+3", "-1e5", "Acme", "", None, True])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert csvs.neutralised(value) == value


def test_a_csv_keeps_negative_numbers_numeric_and_neutralises_text():
    frame = pd.DataFrame({"=name": ["=1+2", "-O1", "plain", "@SUM(1)"], "amount": [-5.5, -2.0, 3.0, 0.0],
                          "count": [-1, 2, 3, 4], "day": pd.to_datetime(["2024-01-31"] * 4)})
    rows = list(csv.reader(io.StringIO(csvs.to_csv(frame))))
    assert rows[0] == ["'=name", "amount", "count", "day"]
    assert rows[1:] == [["'=1+2", "-5.5", "-1", "2024-01-31"], ["'-O1", "-2.0", "2", "2024-01-31"],
                        ["plain", "3.0", "3", "2024-01-31"], ["'@SUM(1)", "0.0", "4", "2024-01-31"]]


def _formula_cells(text: str) -> list[str]:
    """Every cell of a CSV a spreadsheet would run as a formula (a plain number such as -5 is a number)."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row
            if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            and not re.fullmatch(r"[+-]?[\d.]+([eE][+-]?\d+)?", cell)]


# --- a warehouse whose names are hostile -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory, new_salesforce_extract) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    db_path = build_hostile_warehouse(folder, new_salesforce_extract)
    reader = warehouse.open_reader(db_path)
    try:
        _, last = warehouse.data_span(reader)
    finally:
        reader.close()
    quarter = f"{last.year}-Q{(last.month - 1) // 3 + 1}"  # the only quarter of the extract, which pages open on
    names = hostile_names()
    save_hostile_charter(db_path, quarter, names)
    return {"db": db_path, "quarter": quarter, "names": names}


def test_the_board_pack_csv_bundle_neutralises_formula_cells(hostile):
    reader = warehouse.open_reader(hostile["db"])
    try:
        bundle = csvs.bundle(packs.build_pack(reader, hostile["quarter"]))
    finally:
        reader.close()
    texts = {}
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        for name in archive.namelist():
            texts[name] = archive.read(name).decode("utf-8")
    everything = "\n".join(texts.values())
    assert "'=HYPERLINK" in everything and "pwncampaign" in everything  # the campaign names reached the bundle
    assert {name: _formula_cells(text) for name, text in texts.items() if _formula_cells(text)} == {}


def test_the_command_line_csv_neutralises_formula_cells(hostile, capsys):
    assert cli.main(["--db", str(hostile["db"]), "attribution", "--model", "linear", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'" + HOSTILE_IDS["O1"] in out and "'" + HOSTILE_IDS["CMP1"] in out, out
    assert _formula_cells(out) == []


# --- XLSX ------------------------------------------------------------------------------------------------------------

def _hand_made_pack(text: str) -> BoardPack:
    """A pack whose every title, note, header, series, category and cell is `text` (a renderer must write each as
    text whatever reaches it)."""
    table = TableSpec(title=text, sheet="Hostile", columns=[Column(header=text, unit=None),
                                                            Column(header="Amount", unit="currency")],
                      rows=[[text, -5.0], ["plain", 2.0]])
    chart = ChartSpec(kind="column", title="Chart", sheet="Hostile chart", categories=[text, "plain"],
                      unit="currency", series=[Series(name=text, values=[1.0, 2.0], colour="#123456")],
                      definition=text)
    return BoardPack(quarter="2026-Q2", title=text, generated_at=dt.datetime(2026, 7, 1), data_as_of=None,
                     data_fingerprint=text, sections=[Section(key="hostile", title=text, words=[text],
                                                              tables=[table], charts=[chart])])


def _formula_or_link_cells(workbook_bytes: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")) \
                        and cell.data_type != "s":
                    found.append(f"{sheet.title}!{cell.coordinate} {cell.data_type} {cell.value!r}")
                if cell.hyperlink is not None and not (cell.hyperlink.location or "").startswith("'"):
                    found.append(f"{sheet.title}!{cell.coordinate} links to {cell.hyperlink.target}")
    return found


def test_the_workbook_writes_every_text_as_text_whatever_reaches_it():
    text = '=HYPERLINK("http://payload.invalid/x","pwn")'
    data = xlsx.render(_hand_made_pack(text))
    book = openpyxl.load_workbook(io.BytesIO(data))
    strings = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert len(strings) >= 5 and {cell.data_type for cell in strings} == {"s"}
    assert _formula_or_link_cells(data) == []
    url = xlsx.render(_hand_made_pack("http://payload.invalid/x"))
    assert _formula_or_link_cells(url) == []  # a URL stays text, not a link


def test_the_hostile_warehouse_s_workbook_has_no_formula(hostile):
    reader = warehouse.open_reader(hostile["db"])
    try:
        data = xlsx.render(packs.build_pack(reader, hostile["quarter"]))
    finally:
        reader.close()
    book = openpyxl.load_workbook(io.BytesIO(data))
    hostile_cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if isinstance(cell.value, str) and cell.value.startswith("=1+CMP1")]
    assert hostile_cells and {cell.data_type for cell in hostile_cells} == {"s"}
    assert _formula_or_link_cells(data) == []


# --- the command line ------------------------------------------------------------------------------------------------

CONTROLS = "\x1b[2J\x1b]0;pwned\x07\r\x08\x00\x9b31m\x7f"


def test_printable_keeps_newlines_and_tabs_and_drops_terminal_controls():
    assert cli.printable(f"a{CONTROLS}b\n\tc") == "a[2J]0;pwned31mb\n\tc"


def test_command_line_messages_show_a_hostile_cell_without_its_control_characters(new_salesforce_extract,
                                                                                   tmp_path, capsys):
    extract = new_salesforce_extract(tmp_path / "extract")
    extract.set_cell("Opportunity.csv", 3, "Amount", "lots\x1b[2J\x1b]0;pwned\x07\x9b31m\x08")  # no NUL: text
    code = cli.main(["--db", str(tmp_path / "warehouse.duckdb"), "import", str(extract.folder), "--validate-only",
                     "--quiet"])
    captured = capsys.readouterr()
    assert code == cli.EXIT_BAD_INPUT
    assert "lots" in captured.err and "Amount" in captured.err
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", captured.err + captured.out), captured.err


def test_charter_show_prints_hostile_mappings_without_control_characters(hostile, tmp_path, capsys):
    from alignment import signoff
    from alignment.charter import edited
    from alignment.users import User

    db_path = tmp_path / "warehouse.duckdb"
    db_path.write_bytes(Path(hostile["db"]).read_bytes())
    ledger = signoff.Ledger.beside(db_path)
    charter = edited(ledger.charter_in_force(hostile["quarter"]), {
        "region_targets": {f"EMEA{CONTROLS}": {"pipeline": 1000.0}},
        "definitions": {"lead_source_categories": {f"web{CONTROLS}": "marketing"}}})
    ledger.save(User(name="test-analyst", role="analyst"), charter, comment=f"why{CONTROLS}")
    assert cli.main(["--db", str(db_path), "charter", "show", "--quarter", hostile["quarter"]]) == 0
    out = capsys.readouterr().out
    assert "EMEA" in out and "web" in out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), out


# --- every page over the hostile warehouse ---------------------------------------------------------------------------

# Each pattern is a construct of the payload left for Markdown to read: escaped, none of them can appear.
UNESCAPED = {
    "link or image": re.compile(r"(?<!\\)\[pwn"),
    "HTML or autolink": re.compile(r"(?<!\\)<(?:img|a |http)"),
    "bare link": re.compile(r"https?\\?:(?!" + WORD_JOINER + ")", re.IGNORECASE),
    "www link": re.compile(r"www\\?\.", re.IGNORECASE),
    "e-mail link": re.compile(r"pwn\w*\\?@(?!" + WORD_JOINER + ")"),
    "LaTeX": re.compile(r"(?<!\\)\$x"),
    "colour": re.compile(r"(?<!\\):red\\?\[pwn"),
    "icon": re.compile(r"\\?:material\\?/home"),
    "emoji": re.compile(r"\\?:smile\\?:"),
    "bold": re.compile(r"(?<!\\)\*\*pwn"),
    "heading": re.compile(r"(?m)^\s*#\s*pwnheading"),
    "table": re.compile(r"(?<!\\)\|\s*pwn\s*(?<!\\)\|"),
}
MARKDOWN_FIELDS = ("body", "label", "help", "text", "placeholder")
"""The fields of an element Streamlit reads as Markdown (st.text, code and JSON bodies are shown as they are)."""
PLAIN = {"text", "code", "json", "exception", "html", "dataframe", "arrow_data_frame", "plotly_chart",
         "vega_lite_chart", "table"}


def _markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of every Markdown-reading field on the page, st.table cells included."""
    found = []
    for node in at._tree:
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None or kind in PLAIN:
            continue
        for field, value in proto.ListFields():
            if field.name in MARKDOWN_FIELDS and isinstance(value, str):
                found.append((kind, value))
            elif hasattr(value, "ListFields"):  # a block's sub-message: an expander's or a tab's label
                found += [(kind, v) for f, v in value.ListFields() if f.name in MARKDOWN_FIELDS and isinstance(v, str)]
    for table in at.table:
        found += [("table", str(cell)) for cell in table.value.to_numpy().ravel()]
    found += [("table header", str(column)) for table in at.table for column in table.value.columns]
    return found


def _plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# Page → the widget choices that bring more hostile names on screen (each a run of its own).
WALK = {
    "pages/review_scorecard.py": [{}, {"scorecard_all": True}],
    "pages/review_funnel.py": [{}, {"funnel_split": "region"}, {"funnel_split": "segment"},
                               {"funnel_split": "channel"}, {"funnel_split": "lead_source"}],
    "pages/review_pipeline.py": [{}],
    "pages/review_campaigns.py": [{}, {"campaigns_quadrant_by": "channel"}],
    "pages/review_awareness.py": [{}],
    "pages/review_plan.py": [{}],
    "pages/review_leads.py": [{}, {"leads_quality_by": "owner"}, {"leads_quality_by": "segment"},
                              {"leads_quality_by": "channel"}],
    "pages/review_accounts.py": [{}],
    "pages/govern_charter.py": [{}],
    "pages/govern_board_pack.py": [{}, {"board_digest_scope": "Region"}],
    "pages/analyse_explore.py": [{}, {"explore_by": "campaign"}, {"explore_by": "owner"}, {"explore_by": "channel"},
                                 {"explore_by": "segment"}],
    "pages/analyse_data.py": [{}],
}


def _set(at: AppTest, key: str, value) -> None:
    for kind in ("segmented_control", "selectbox", "toggle", "radio"):
        try:
            widget = getattr(at, kind)(key=key)
        except KeyError:
            continue
        widget.set_value(value)
        return
    raise KeyError(key)


@pytest.fixture(scope="module")
def walk(hostile, tmp_path_factory) -> dict:
    """Every page (and the choices in WALK) signed in as an analyst, with the filter bar on the hostile region and
    segment and without: the Markdown texts, the charts and the CSV downloads each run shows."""
    import os

    from alignment import warehouse as warehouse_module

    seen = {"texts": [], "charts": [], "downloads": [], "exceptions": []}
    previous = os.environ.get(warehouse_module.DB_ENV)
    os.environ[warehouse_module.DB_ENV] = str(hostile["db"])
    patch = pytest.MonkeyPatch()
    add = MediaFileManager.add

    def recording(self, path_or_data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if isinstance(path_or_data, bytes) and (file_name or "").endswith(".csv"):
            seen["downloads"].append((file_name, path_or_data))
        return add(self, path_or_data, mimetype, coordinates, file_name, *args, **kwargs)

    patch.setattr(MediaFileManager, "add", recording)
    try:
        for page, choices in WALK.items():
            for choice in choices:
                # The filters put the region and segment in every caption; leads without an account (and their
                # rejection reasons) show only unfiltered.
                for view in ({"region": hostile["names"]["region"], "segment": hostile["names"]["segment"]}, {}):
                    at = sign_in(AppTest.from_file(APP, default_timeout=90))
                    at.query_params.update(view)
                    at.run()
                    at.switch_page(page).run()
                    for key, value in choice.items():
                        _set(at, key, value)
                        at.run()
                    where = f"{page} {'filtered' if view else 'unfiltered'} {choice}"
                    seen["exceptions"] += [(where, str(e.value)) for e in at.exception]
                    seen["texts"] += [(where, kind, text) for kind, text in _markdown_texts(at)]
                    seen["charts"] += [(where, spec) for spec in _plotly_specs(at)]
    finally:
        patch.undo()
        if previous is None:
            os.environ.pop(warehouse_module.DB_ENV, None)
        else:
            os.environ[warehouse_module.DB_ENV] = previous
    return seen


def test_every_page_runs_over_the_hostile_warehouse(walk):
    assert walk["exceptions"] == []


def test_every_markdown_text_on_every_page_shows_hostile_names_escaped(walk):
    problems = [(where, kind, name, text[:200]) for where, kind, text in walk["texts"]
                for name, pattern in UNESCAPED.items() if pattern.search(text)]
    assert problems == []


def test_the_walk_met_the_hostile_names_in_markdown(walk):
    """The walk is not vacuous: names of every kind reached Markdown (escaped), so the test above looked at them."""
    shown = " ".join(text for _, _, text in walk["texts"])
    expected = {"pwnregion", "pwnsegment", "pwnrep", "pwncampaign", "pwnchannel", "pwnimporter", "pwnsource",
                "pwnpersona"}
    assert {tag for tag in expected if tag in shown} == expected


def test_every_chart_on_every_page_shows_hostile_names_as_text(walk):
    problems = [(where, text[:200]) for where, spec in walk["charts"] for text in _chart_problems(spec)]
    assert problems == []
    charted = " ".join(text for _, spec in walk["charts"] for text in _strings(spec))
    for tag in ("pwnregion", "pwncampaign", "pwnrep", "pwnchannel", "pwnreason", "pwnsource"):
        assert tag in charted, f"no chart showed {tag}"


def test_every_csv_download_on_every_page_neutralises_formula_cells(walk):
    assert walk["downloads"], "no page offered a CSV"
    texts = {name: data.decode("utf-8") for name, data in walk["downloads"]}
    assert any("'=HYPERLINK" in text for text in texts.values())  # campaign names reached a download
    assert {name: _formula_cells(text) for name, text in texts.items() if _formula_cells(text)} == {}
