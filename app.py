"""The dashboard's entry: page config, the first-start demo build, the log-in gate, navigation, filter bar, footer."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from alignment import periods
from ui import auth, context, filters, footer

# Streamlit runs a server's very first script run through its old scan of pages/ (whose URL paths are the file names),
# and only hands navigation to this script after that: a first visit on a page's link then gets a stale "Page not
# found" notice, though this script opens the page it asked for.
FIRST_RUN_OF_SERVER = bool(PagesManager.uses_pages_directory)

# Section → (file, title, icon, URL path) of every page; the first one opens by default. File names differ from URL
# paths on purpose: on a server's first run Streamlit still scans pages/ the old way, and a file whose name matched
# its URL would then run alone, without this shell (and its filter bar).
PAGES = {
    "Review": [
        ("pages/review_scorecard.py", "Scorecard", ":material/dashboard:", "scorecard"),
        ("pages/review_funnel.py", "Funnel", ":material/filter_alt:", "funnel"),
        ("pages/review_pipeline.py", "Pipeline & revenue", ":material/trending_up:", "pipeline"),
        ("pages/review_campaigns.py", "Campaigns", ":material/campaign:", "campaigns"),
        ("pages/review_awareness.py", "Awareness", ":material/visibility:", "awareness"),
        ("pages/review_plan.py", "Campaign plan", ":material/calendar_month:", "plan"),
        ("pages/review_leads.py", "Leads & SLA", ":material/person_search:", "leads"),
        ("pages/review_accounts.py", "Accounts", ":material/domain:", "accounts"),
    ],
    "Govern": [
        ("pages/govern_charter.py", "Charter & sign-off", ":material/verified:", "charter"),
        ("pages/govern_board_pack.py", "Board pack", ":material/slideshow:", "board-pack"),
    ],
    "Analyse": [
        ("pages/analyse_explore.py", "Explore", ":material/query_stats:", "explore"),
        ("pages/analyse_account.py", "Account journey", ":material/timeline:", "account"),
        ("pages/analyse_data.py", "Data", ":material/database:", "data"),
    ],
}
DEFAULT_PATH = PAGES["Review"][0][3]

st.set_page_config(page_title="Sales & Marketing Alignment", page_icon=":material/handshake:", layout="wide")

user = auth.current_user()
if user is None:
    # Until someone signs in, every page's URL shows the sign-in screen and nothing else. Streamlit knows a page by
    # its URL path, so a link to /funnel?quarter=… keeps its path and parameters and opens that page once signed in.
    paths = [path for pages in PAGES.values() for *_, path in pages] + [auth.SIGN_IN_PATH]
    sign_in = st.navigation([st.Page(auth.sign_in_page, title="Sign in", icon=":material/login:", url_path=path,
                                     default=path == DEFAULT_PATH) for path in paths], position="hidden")
    if FIRST_RUN_OF_SERVER:
        auth.close_stale_page_not_found()
    # The sign-in screen shows at once: a fresh install builds the demo company in the background meanwhile, and the
    # screen shows its progress until the demo accounts open it.
    context.ensure_warehouse(wait=False)
    sign_in.run()
    st.stop()

# Every page listed: a folded "View more" would hide pages a reviewer looks for (Explore, the data).
page = st.navigation({
    section: [st.Page(file, title=title, icon=icon, url_path=path, default=path == DEFAULT_PATH)
              for file, title, icon, path in pages]
    for section, pages in PAGES.items()
}, expanded=True)

context.ensure_warehouse()  # a fresh install shows the demo company's build progress here until it is ready
snapshot = context.snapshot()
# Quarters given as text on this run (the URL, the filter bar, charters, Explore) are the warehouse's fiscal quarters.
periods.set_calendar(snapshot.calendar)

with st.container(horizontal=True, vertical_alignment="bottom", key="shell_header"):
    st.title(page.title, anchor=False, width="content")
    st.space("stretch")
    st.session_state[filters.VIEW_KEY] = filters.filter_bar(snapshot, applies=page.url_path != "data")
auth.sidebar(user)
footer.sidebar_status(snapshot)

page.run()

footer.footer(snapshot, filters.current())
