"""The dashboard's entry: page config, the first-start demo build, the log-in gate, navigation, filter bar, footer."""

import streamlit as st

from ui import auth, context, filters, footer

st.set_page_config(page_title="Sales & Marketing Alignment", page_icon=":material/handshake:", layout="wide")

user = auth.current_user()
if user is None:
    # Until someone signs in, the sign-in screen is the only page: no other page's URL opens anything.
    sign_in = st.navigation([st.Page(auth.sign_in_page, title="Sign in", icon=":material/login:",
                                     url_path="sign-in")], position="hidden")
    context.ensure_warehouse()  # a fresh install builds the demo company first, so its demo accounts can sign in
    sign_in.run()
    st.stop()

# File names differ from URL paths on purpose: on a server's first run Streamlit still scans pages/ the old way,
# and a file whose name matched its URL would then run alone, without this shell (and its filter bar).
page = st.navigation({
    "Review": [
        st.Page("pages/review_scorecard.py", title="Scorecard", icon=":material/dashboard:", url_path="scorecard",
                default=True),
        st.Page("pages/review_funnel.py", title="Funnel", icon=":material/filter_alt:", url_path="funnel"),
        st.Page("pages/review_pipeline.py", title="Pipeline & revenue", icon=":material/trending_up:",
                url_path="pipeline"),
        st.Page("pages/review_campaigns.py", title="Campaigns", icon=":material/campaign:", url_path="campaigns"),
        st.Page("pages/review_awareness.py", title="Awareness", icon=":material/visibility:", url_path="awareness"),
        st.Page("pages/review_plan.py", title="Plan", icon=":material/calendar_month:", url_path="plan"),
        st.Page("pages/review_leads.py", title="Leads & SLA", icon=":material/person_search:", url_path="leads"),
    ],
    "Govern": [
        st.Page("pages/govern_charter.py", title="Charter & sign-off", icon=":material/verified:",
                url_path="charter"),
        st.Page("pages/govern_board_pack.py", title="Board pack", icon=":material/slideshow:",
                url_path="board-pack"),
    ],
    "Analyse": [
        st.Page("pages/analyse_explore.py", title="Explore", icon=":material/query_stats:", url_path="explore"),
        st.Page("pages/analyse_data.py", title="Data", icon=":material/database:", url_path="data"),
    ],
})

context.ensure_warehouse()  # a fresh install builds the demo company here, inside the navigation, with progress
snapshot = context.snapshot()

with st.container(horizontal=True, vertical_alignment="bottom", key="shell_header"):
    st.title(page.title, anchor=False, width="content")
    st.space("stretch")
    st.session_state[filters.VIEW_KEY] = filters.filter_bar(snapshot, applies=page.url_path != "data")
auth.sidebar(user)
footer.sidebar_status(snapshot)

page.run()

footer.footer(snapshot, filters.current())
