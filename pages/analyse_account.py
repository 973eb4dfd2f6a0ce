"""One account's journey: who it is, its touches and its people's and deals' stage changes in order, its buying
groups and the credit each campaign got for its deals."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from alignment.presentation import formats as fmt
from alignment.presentation.specs import JOURNEY_LANE_LABELS, JourneySpec
from ui import buying_groups, charts, figures, filters, layout, links, numbers, tables
from ui import journey as state
from ui.text import literal

TIMELINE_COLUMNS = {
    "occurred_at": ("When", None), "kind": ("Kind", None), "what": ("What", None), "channel": ("Channel", None),
    "person_id": ("Person", None), "persona": ("Persona", None), "opportunity_id": ("Deal", None),
    "deal_name": ("Deal name", None),
}

view = filters.current()
definitions = numbers.definitions(view)
wanted = st.query_params.get(links.ACCOUNT_PARAMETER)

if wanted is None:
    names = state.account_names()
    if names.empty:
        st.info("No accounts were loaded: import accounts to follow one's journey.", icon=":material/info:")
        st.stop()
    labels = dict(zip(names["account_id"], names["account_name"]))
    chosen = st.selectbox("Account", list(labels), index=None, format_func=lambda k: str(labels[k]),
                          placeholder="Type an account's name", key="account_picker",
                          help="Every loaded account, by name; a name from Explore, the leads page or the digest "
                               "opens here too")
    if chosen is None:
        st.caption("Choose an account to see its touches, its people's and deals' stage changes in time order, its "
                   "buying groups and the credit each campaign got for its deals.")
        st.stop()
    st.query_params[links.ACCOUNT_PARAMETER] = chosen
    wanted = chosen

try:
    account_id = state.request(wanted)
except ValidationError as error:
    st.error(f"This link's account cannot be read: {literal(error.errors()[0]['msg'])}.", icon=":material/link_off:")
    st.stop()

head = state.header(account_id)
if head is None:
    st.warning(f"No account has the id “{literal(account_id[:80])}” in the loaded data: it may have been removed "
               "by the last import, or the link was cut. Choose another account below.", icon=":material/link_off:")
    if st.button("Choose an account by name", key="account_choose_again"):
        del st.query_params[links.ACCOUNT_PARAMETER]
        st.rerun()
    st.stop()

# --- who it is ---------------------------------------------------------------------------------------------------
st.subheader(literal(head["account_name"] or head["account_id"]), anchor=False)
target = {True: "Yes", False: "No"}.get(head["is_target_account"], "Not recorded")
layout.facts({
    "Account id": head["account_id"], "Segment": head["segment"] or fmt.MISSING, "Region": head["region"] or fmt.MISSING,
    "Owner": head["owner_name"] or fmt.MISSING, "Target account": target,
    f"Touches, last {head['window_days']} days": f"{fmt.count(head['recent_touches'])} by "
                                                 f"{fmt.count(head['recent_people'])} people",
})
st.caption(f"{fmt.count(head['people'])} people loaded at this account. Engagement counts their responded campaign "
           f"touches in the {head['window_days']} days to the data's last record ({fmt.day(head['as_of'])}); last "
           f"touch: {fmt.day(head['last_touch_at']) if head['last_touch_at'] else 'none'}.")
st.markdown(f"**Buying groups of its open deals** · end of {literal(str(view.quarter))}")
buying_groups.render(view.model_copy(update={"region": None, "segment": None}), account_id=account_id,
                     key="account_buying_groups")

# --- what happened, in order -------------------------------------------------------------------------------------
st.subheader("Journey", anchor=False)
events = state.timeline(account_id)
if events.empty:
    st.info("Nothing is recorded at this account yet: no touch, no stage reached, no deal.", icon=":material/info:")
else:
    spec = JourneySpec.from_timeline(f"Journey of {head['account_name'] or head['account_id']}", events)
    figures.plotly_chart(charts.journey, spec, key="account_journey_chart")
    st.caption("In time order; events at the same moment: touches first, then people's stages, then a deal's "
               "opening, then deals' stages, then by person or deal id, then by name. " + " · ".join(
                   f"{label}: {fmt.count((events['kind'] == lane).sum())}"
                   for lane, label in JOURNEY_LANE_LABELS.items()))
    shown = events.assign(occurred_at=[fmt.moment(v) if pd.notna(v) else fmt.MISSING
                                          for v in events["occurred_at"]])
    st.dataframe(tables.readable(shown, TIMELINE_COLUMNS), hide_index=True, key="account_journey_table")

# --- the credit its campaigns got --------------------------------------------------------------------------------
st.subheader("Credit for its deals", anchor=False)
credited = state.credit(account_id, definitions)
if credited.attrs["deals"] == 0:
    st.caption("This account has no deal, so no campaign was credited.")
else:
    st.caption(f"Model card: **{credited.attrs['model_card']}** (the charter's model of record, pipeline basis: every "
               f"deal of the account, whenever opened). The credit adds up to its "
               f"{fmt.count(credited.attrs['deals'])} deals' {fmt.currency(credited.attrs['total'])}; "
               "'(unattributed)' is the part of deals with no eligible touch.")
    st.dataframe(tables.readable(credited, {"campaign_name": ("Campaign", None),
                                            "credited_amount": ("Credited pipeline", "currency"),
                                            "deals": ("Deals", "count")}), hide_index=True, key="account_credit")
