"""Charter & sign-off: the quarter's metrics, targets and definitions, the joint sign-off, and its full history."""

import streamlit as st

from alignment import users
from ui import auth, charter_form, charter_view, context, filters, numbers, plan_form
from ui.text import literal

snapshot = context.snapshot()
view = filters.current()
user = auth.current_user()
quarter = str(view.quarter)
charter = numbers.charter(view)
with st.spinner(f"Computing the {quarter} charter's numbers…"):
    status = numbers.signoff_status(view)
content = numbers.signed_content(charter)

charter_form.done_message()
with st.container(horizontal=True, vertical_alignment="center", gap="small", key="charter_status"):
    charter_view.status_badges(status)
    if charter.version:
        st.caption(f"{quarter} charter, version {charter.version}")
    elif charter.carried_from:
        st.caption(f"{quarter} charter: not saved yet, carried forward from the {charter.carried_from} charter")
    else:
        st.caption(f"{quarter} charter: not saved yet, the default definitions")
if not status.verified:
    st.error(("**The sign-off ledger is damaged.** " if status.damaged else
              "**Not verified: the sign-off ledger does not check out.** ")
             + "No signature of this quarter counts until the ledger is restored from a backup; nothing more can be "
             "recorded in it. " + literal(charter_view.problems_sentence(status)), icon=":material/gpp_bad:")
for role, signature in (status.signatures if status.verified else {}).items():
    st.caption(f"Signed as {users.ROLE_TITLES[role]} by {literal(signature.user)} on "
               f"{signature.signed_at[:16].replace('T', ' ')} UTC: “{literal(signature.comment)}”")

if status.changed_since_signoff:
    signed = status.compared_with
    st.warning(f"**Changed since sign-off.** The {users.ROLE_TITLES[signed.role]} signed other numbers on "
               f"{signed.signed_at[:10]}; what moved is below. Signatures are never carried over: the quarter is "
               "signed again once both agree with the numbers as they are now.", icon=":material/warning:")
    st.dataframe(charter_view.changes_table(status), hide_index=True, key="charter_changes")

charter_tab, signoff_tab, history_tab = st.tabs(["Charter", "Sign-off", "History"])

with charter_tab:
    st.subheader("Metrics and targets", anchor=False)
    st.caption(f"The whole company's {quarter} numbers under this charter: what a signature covers.",
               help=charter_view.calendar_note(view.quarter))
    st.dataframe(charter_view.signed_values_table(content, numbers.missing_inputs()), hide_index=True, key="charter_values")
    scoped = charter_view.targets_table(charter)
    if (scoped["For"] != "Whole company").any():
        st.markdown("**Targets per region and segment**")
        st.dataframe(scoped[scoped["For"] != "Whole company"], hide_index=True, key="charter_scoped_targets")
    plan_form.plan_section(charter, user, status, view, snapshot)
    st.subheader("Definitions", anchor=False)
    st.table(charter_view.definitions_table(charter, snapshot.currency), hide_index=True, border="horizontal")
    st.caption("Channels not listed as awareness count as demand generation.")
    st.caption(charter_view.calendar_note(view.quarter))
    if status.locked:
        st.info("Signed by both: the charter is locked. The CMO or the VP of Sales reopens it to change it.",
                icon=":material/lock:")
    elif users.can(user, "edit_charter"):
        st.subheader("Edit the draft", anchor=False)
        charter_form.edit_form(charter, user, snapshot)
    else:
        st.caption("Analysts edit the draft charter; you can read it and export it.")

with signoff_tab:
    if not status.verified:
        st.caption("Signing, proposing and reopening wait until the ledger checks out again.")
    elif status.state == "draft":
        st.markdown(f"The {quarter} charter is a **draft**. An analyst proposes it; then the CMO and the VP of Sales "
                    "each sign it in their own role.")
        if users.can(user, "propose"):
            charter_form.propose_form(quarter, user)
    else:
        unsigned = [r for r in users.SIGNING_ROLES if r not in status.signatures]
        if unsigned:
            st.markdown("Waiting for: " + " and ".join(f"**{users.ROLE_TITLES[r]}**" for r in unsigned) + ".")
        else:
            st.success(f"The CMO and the VP of Sales both signed the {quarter} numbers as they are now.",
                       icon=":material/verified:")
        if users.can(user, "sign") and user.role in unsigned:
            charter_form.sign_form(quarter, user, content, context.quality_checks())
        if users.can(user, "reopen"):
            charter_form.reopen_form(quarter, user)
    if status.void:
        st.caption("Void signatures (they signed numbers that have since changed): "
                   + "; ".join(f"{users.ROLE_TITLES[s.role]} {literal(s.user)} on {s.signed_at[:10]}" for s in status.void))

with history_tab:
    if status.damaged:
        st.caption("The ledger file cannot be read, so there is no history to show.")
    else:
        records = context.ledger().records(quarter)
        if status.verified and records:
            st.caption(f"{len(records)} records, each chained to the one before by SHA-256 and authenticated with "
                       "the server key; the chain is intact and agrees with every checkpoint kept outside it. "
                       f"Ledger head: `{records[-1].hash}`")
        st.dataframe(charter_view.history_table(records), hide_index=True, key="charter_history",
                     column_config={"Comment": st.column_config.TextColumn(width="large")})
