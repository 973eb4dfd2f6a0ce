"""Explore: any headline metric of the catalog by any whitelisted dimension, down to the records behind a bar."""

import streamlit as st

from alignment import catalog, explore
from alignment.presentation import formats as fmt
from ui import context, figures, filters, links, tables
from ui import explore as state
from ui.text import literal

ROLE_LABELS = {"awareness": "Awareness", "demand_gen": "Demand gen", "sales": "Sales"}

snapshot = context.snapshot()
view = filters.current()
state.seed_from_url(str(view.quarter))

metrics = {m.name: m for m in sorted(catalog.headline_metrics(),
                                     key=lambda m: (list(ROLE_LABELS).index(m.funnel_role), m.title))}
if st.session_state.get(state.KEYS["metric"]) not in metrics:
    st.session_state[state.KEYS["metric"]] = state.DEFAULT_METRIC

with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="explore_controls"):
    name = st.selectbox("Metric", list(metrics), key=state.KEYS["metric"], width=360,
                        format_func=lambda n: f"{ROLE_LABELS[metrics[n].funnel_role]} · {metrics[n].title}",
                        help="Every headline metric of the catalog, computed by its own definition")
    metric = metrics[name]
    dimensions = explore.applicable(metric)
    if st.session_state.get(state.KEYS["by"]) not in dimensions:
        if state.KEYS["by"] in st.session_state and st.session_state[state.KEYS["by"]] in explore.DIMENSIONS:
            st.toast(f"{metric.title} cannot be grouped by "
                     f"{explore.DIMENSIONS[st.session_state[state.KEYS['by']]].label.lower()}: "
                     f"{explore.why_not(metric, st.session_state[state.KEYS['by']])}.", icon=":material/info:")
        st.session_state[state.KEYS["by"]] = state.DEFAULT_BY if state.DEFAULT_BY in dimensions else dimensions[0]
    by = st.selectbox("Group by", dimensions, key=state.KEYS["by"], width=220,
                      format_func=lambda d: explore.DIMENSIONS[d].label,
                      help="Only the dimensions this metric's records carry are offered (campaign cost, for one, "
                           "has no region)")

st.caption(f"**{metric.title}** — {metric.definition} · {filters.describe(view)}")

chosen: dict[str, tuple[str, ...]] = {}
others = [d for d in explore.FILTER_DIMENSIONS if d not in ("region", "segment") and d in dimensions]
with st.expander("Filters", icon=":material/filter_list:",
                 expanded=any(st.session_state.get(state.filter_key(d)) for d in others)):
    columns = st.columns(3)
    for index, dimension in enumerate(others):
        options = state.values(dimension, view)
        labels = dict(options)
        keys = [key for key, _ in options]
        if any(v not in labels for v in st.session_state.get(state.filter_key(dimension), [])):
            st.session_state[state.filter_key(dimension)] = [
                v for v in st.session_state[state.filter_key(dimension)] if v in labels]
        with columns[index % 3]:
            picked = st.multiselect(explore.DIMENSIONS[dimension].label, keys, key=state.filter_key(dimension),
                                    format_func=lambda k, d=dimension, ls=labels: state.group_label(d, ls[k]),
                                    placeholder=f"All {explore.DIMENSIONS[dimension].plural}")
        if picked:
            chosen[dimension] = tuple(picked)
    st.caption("Region and segment come from the filter bar above. A person's channel and campaign are those of "
               "their first touch; a deal's, its primary campaign's.")

request = explore.Request(metric=name, by=by, quarter=view.quarter, filters=chosen)
try:
    with st.spinner(f"Computing {metric.title.lower()} by {explore.DIMENSIONS[by].label.lower()}…"):
        found = state.result(request, view)
except explore.NotApplicable as refusal:
    st.info(literal(refusal), icon=":material/info:")
    st.stop()

for note in found.notes:
    st.caption(note)

# A click on a bar picks its group; the picker below shows (and can change) it. The chart's selection is read before
# the picker is drawn, so both agree on this run.
groups = {g.key: state.group_label(by, g.label) for g in found.groups}
clicked = state.picked_from_chart(found, st.session_state.get("explore_chart"))
if clicked is not None and clicked != st.session_state.get("explore_last_click"):
    st.session_state[state.KEYS["pick"]] = clicked
st.session_state["explore_last_click"] = clicked
if st.session_state.get(state.KEYS["pick"]) not in groups:
    st.session_state[state.KEYS["pick"]] = state.ALL

figures.plotly_chart(state.chart, found, metric.funnel_role, st.session_state[state.KEYS["pick"]],
                     key="explore_chart", on_select="rerun", selection_mode="points")

pick = st.selectbox("Show the records for", [state.ALL, *groups], key=state.KEYS["pick"],
                    format_func=lambda k: f"All of {found.title} in {view.quarter}" if k == state.ALL else groups[k],
                    help="Or click a bar in the chart", width=420) or None
request = request.model_copy(update={"pick": pick})
state.write_url(request, view)

try:
    with st.spinner("Reading the records…"):
        behind = state.records(request, view)
except (explore.NotApplicable, ValueError) as refusal:
    st.info(literal(refusal), icon=":material/info:")
    st.stop()

where = " · ".join([behind.period]
                   + ([f"{explore.DIMENSIONS[by].label} {groups[pick]}"] if pick and not explore.DIMENSIONS[by].is_time
                      else [])
                   + [f"{explore.DIMENSIONS[d].label}: " + ", ".join(state.group_label(d, v) for v in chosen[d])
                      for d in chosen])
st.subheader(f"{fmt.count(behind.total)} {behind.what}", anchor=False)
st.caption(f"{literal(where)}" + (f" · showing the first {fmt.count(len(behind.frame))}" if behind.total >
                                  len(behind.frame) else "")
           + (" · the number above is a rate or a cost per record: these are the records it is computed over"
              if metric.unit not in ("count", "currency") or name.startswith("cost_per") else ""))
if behind.frame.empty:
    st.info("No records here. Pick another bar, quarter or filter.", icon=":material/search_off:")
else:
    shown, journey_links = links.linked_records(behind.frame)
    tables.show(shown, key="explore_records", column_config=tables.grouped_decimals(behind.frame) | journey_links,
                raw=behind.frame, file_name=f"{name}-{view.quarter}{'-' + str(pick) if pick else ''}.csv".replace("/", "-"))
