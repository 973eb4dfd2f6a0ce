"""The Charter & sign-off page's forms: edit a draft, propose, acknowledge the checklist and sign, reopen."""

from __future__ import annotations

import typing

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from alignment import catalog, schema, signoff
from alignment.catalog import Definitions
from alignment.charter import Charter, edited
from alignment.presentation import formats as fmt
from alignment.users import NotAllowed, User
from ui import charter_view, context
from ui.context import Snapshot
from ui.text import literal

WHOLE_COMPANY = "Whole company"
CATEGORIES = ["marketing", "sales", "partner", "other"]
LABELS = {
    **{field: info.title for field, info in Definitions.model_fields.items() if info.title},
    "metrics": "Metrics", "region_targets": "Region targets", "segment_targets": "Segment targets", "text": "Comment",
}
"""What the form and its error messages call each field: the definitions' own titles, and the charter's other parts."""


def _choices(field: str) -> list[str]:
    return list(typing.get_args(Definitions.model_fields[field].annotation))


def _title(name: str) -> str:
    return catalog.spec(name).title


def _is_percent(name: str) -> bool:
    return catalog.spec(name).unit == "percent"


def _targets_frame(charter: Charter) -> pd.DataFrame:
    """Every explicit target as an editable row; percent targets in percent, as people write them."""
    rows = []
    scoped = [(WHOLE_COMPANY, charter.definitions.targets),
              *[(f"Region {where}", targets) for where, targets in sorted(charter.region_targets.items())],
              *[(f"Segment {where}", targets) for where, targets in sorted(charter.segment_targets.items())]]
    for scope, targets in scoped:
        for name, value in targets.items():
            rows.append({"For": scope, "Metric": _title(name), "Target": value * 100 if _is_percent(name) else value})
    return pd.DataFrame(rows, columns=["For", "Metric", "Target"])


def _targets_from(frame: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Edited target rows back into whole-company, per-region and per-segment maps (blank rows ignored)."""
    by_title = {m.title: m.name for m in catalog.headline_metrics()}
    whole: dict[str, float] = {}
    regions: dict[str, dict[str, float]] = {}
    segments: dict[str, dict[str, float]] = {}
    for row in frame.to_dict("records"):
        scope, title, value = row.get("For"), row.get("Metric"), row.get("Target")
        if not scope or not title or value is None or pd.isna(value):
            continue
        name = by_title[title]
        value = float(value) / 100 if _is_percent(name) else float(value)
        if scope == WHOLE_COMPANY:
            whole[name] = value
        elif scope.startswith("Region "):
            regions.setdefault(scope.removeprefix("Region "), {})[name] = value
        else:
            segments.setdefault(scope.removeprefix("Segment "), {})[name] = value
    return whole, regions, segments


def _sources_frame(charter: Charter) -> pd.DataFrame:
    return pd.DataFrame(sorted(charter.definitions.lead_source_categories.items()),
                        columns=["Lead source", "Category"])


def _weights_frame(weights: dict[str, float], label: str) -> pd.DataFrame:
    return pd.DataFrame(list(weights.items()), columns=[label, "Weight"])


def _weights_from(frame: pd.DataFrame, label: str) -> dict[str, float]:
    """Edited weight rows back into a map (rows without a name or a weight ignored)."""
    return {str(r[label]): float(r["Weight"]) for r in frame.to_dict("records")
            if r.get(label) and r.get("Weight") is not None and not pd.isna(r["Weight"])}


def _explain(error: ValidationError) -> None:
    for problem in error.errors():
        where = [LABELS.get(str(part), str(part)) for part in problem["loc"] if str(part) != "definitions"]
        st.error(literal(f"{' › '.join(where) or 'Charter'}: {problem['msg'].removeprefix('Value error, ')}"))


def edit_form(charter: Charter, user: User, snapshot: Snapshot) -> None:
    """Every option of the draft charter in one form; saving validates it whole and records a new version."""
    d = charter.definitions
    headline = [m.name for m in catalog.headline_metrics()]
    with st.form("charter_edit", border=True):
        metrics = st.multiselect(LABELS["metrics"], headline, default=list(charter.metrics), format_func=_title,
                                 key="charter_metrics", help="The headline metrics the quarter is judged on: the "
                                                             "Scorecard's tiles and what the signatures cover.")
        left, middle, right = st.columns(3)
        with left:
            stage_policy = st.selectbox(LABELS["stage_policy"], _choices("stage_policy"),
                                        index=_choices("stage_policy").index(d.stage_policy),
                                        format_func=charter_view.POLICIES.get, key="charter_stage_policy")
            sla_hours = st.number_input(
                LABELS["sla_hours"] + " (hours)", min_value=0.0, value=float(d.sla_hours), step=1.0,
                key="charter_sla_hours")
            acceptance = st.number_input(LABELS["acceptance_target"] + " (%)", min_value=0.0, max_value=100.0,
                                         value=round(d.acceptance_target * 100, 4), step=1.0,
                                         key="charter_acceptance_target")
            bought = st.number_input(LABELS["bought_lead_price"] + f" ({fmt.corporate()})", min_value=0.0,
                                     value=float(d.bought_lead_price), step=10.0, key="charter_bought_lead_price")
        with middle:
            touches = st.number_input(LABELS["interest_touches"], min_value=0, value=int(d.interest_touches),
                                      step=1, key="charter_interest_touches")
            window = st.number_input(
                LABELS["interest_window_days"] + " (days)", min_value=0, value=int(d.interest_window_days),
                step=1, key="charter_interest_window_days")
            personas = st.multiselect(LABELS["sales_ready_personas"],
                                      sorted({*d.sales_ready_personas, "decision_maker", "influencer", "user",
                                              "champion", "economic_buyer"}),
                                      default=list(d.sales_ready_personas), accept_new_options=True,
                                      key="charter_personas")
            channels = st.multiselect(LABELS["awareness_channels"],
                                      sorted({*d.awareness_channels, *Definitions().awareness_channels}),
                                      default=list(d.awareness_channels), accept_new_options=True,
                                      key="charter_awareness_channels")
            engaged = st.number_input(LABELS["engaged_touches"], min_value=1, value=int(d.engaged_touches), step=1,
                                      key="charter_engaged_touches")
            engaged_window = st.number_input(
                LABELS["engaged_window_days"] + " (days)", min_value=1, value=int(d.engaged_window_days), step=1,
                key="charter_engaged_window_days")
            engagement_half_life = st.number_input(
                LABELS["engagement_half_life_days"] + " (days)", min_value=0.5, value=float(d.engagement_half_life_days),
                step=1.0, key="charter_engagement_half_life_days")
        with right:
            model = st.selectbox(LABELS["model_of_record"], _choices("model_of_record"),
                                 index=_choices("model_of_record").index(d.model_of_record),
                                 format_func=lambda m: m.replace("_", "-"), key="charter_model_of_record")
            lookback = st.number_input(
                LABELS["lookback_days"] + " (days)", min_value=0, value=int(d.lookback_days), step=30,
                key="charter_lookback_days")
            half_life = st.number_input(
                LABELS["half_life_days"] + " (days)", min_value=0.0, value=float(d.half_life_days),
                step=1.0, key="charter_half_life_days")
            linking = st.selectbox(LABELS["linking"], _choices("linking"), index=_choices("linking").index(d.linking),
                                   format_func={"contacts": "the deal's contacts and converted leads",
                                                "account": "everyone at the account"}.get, key="charter_linking")
            primary_credit = st.toggle(
                LABELS["primary_campaign_credit"], value=d.primary_campaign_credit, key="charter_primary_credit",
                help=Definitions.model_fields["primary_campaign_credit"].description)
        scopes = [WHOLE_COMPANY, *[f"Region {r}" for r in snapshot.regions],
                  *[f"Segment {s}" for s in snapshot.segments]]
        targets_column, sources_column = st.columns([3, 2])
        with targets_column:
            st.markdown("**Targets**")
            st.caption(f"Percent metrics in percent (90 means 90%); money in {fmt.corporate()}.")
            target_rows = st.data_editor(
                _targets_frame(charter), num_rows="dynamic", hide_index=True, key="charter_targets",
                column_config={
                    "For": st.column_config.SelectboxColumn(options=scopes, required=True),
                    "Metric": st.column_config.SelectboxColumn(options=[_title(n) for n in headline], required=True),
                    "Target": st.column_config.NumberColumn(required=True)})
        with sources_column:
            st.markdown(f"**{LABELS['lead_source_categories']}**")
            st.caption("Unlisted lead sources count as other.")
            source_rows = st.data_editor(
                _sources_frame(charter), num_rows="dynamic", hide_index=True, key="charter_sources",
                column_config={"Category": st.column_config.SelectboxColumn(options=CATEGORIES, required=True)})
        persona_column, channel_column = st.columns(2)
        with persona_column:
            st.markdown(f"**{LABELS['persona_weights']}**")
            st.caption("A responded touch's weight in the account engagement score; unlisted personas weigh 1.")
            persona_rows = st.data_editor(_weights_frame(d.persona_weights, "Persona"), num_rows="dynamic",
                                          hide_index=True, key="charter_persona_weights", column_config={
                                              "Persona": st.column_config.SelectboxColumn(
                                                  options=list(schema.PERSONAS), required=True),
                                              "Weight": st.column_config.NumberColumn(min_value=0.0, required=True)})
        with channel_column:
            st.markdown(f"**{LABELS['channel_weights']}**")
            st.caption("Unlisted channels weigh 1.")
            channel_rows = st.data_editor(_weights_frame(d.channel_weights, "Channel"), num_rows="dynamic",
                                          hide_index=True, key="charter_channel_weights", column_config={
                                              "Weight": st.column_config.NumberColumn(min_value=0.0, required=True)})
        comment = st.text_area("Why this change (kept in the history)", key="charter_edit_comment", max_chars=2000)
        submitted = st.form_submit_button("Save as a new version", type="primary", key="charter_save")
    if not submitted:
        return
    whole, regions, segments = _targets_from(target_rows)
    sources = {str(r["Lead source"]): r["Category"] for r in source_rows.to_dict("records")
               if r.get("Lead source") and r.get("Category")}
    try:
        new = edited(charter, {
            "metrics": metrics, "region_targets": regions, "segment_targets": segments,
            "definitions": {
                "stage_policy": stage_policy, "sla_hours": sla_hours, "acceptance_target": acceptance / 100,
                "bought_lead_price": bought, "interest_touches": touches, "interest_window_days": window,
                "sales_ready_personas": personas, "awareness_channels": channels, "model_of_record": model,
                "lookback_days": lookback, "half_life_days": half_life, "linking": linking,
                "primary_campaign_credit": primary_credit, "lead_source_categories": sources, "targets": whole,
                "engaged_touches": engaged, "engaged_window_days": engaged_window,
                "engagement_half_life_days": engagement_half_life,
                "persona_weights": _weights_from(persona_rows, "Persona"),
                "channel_weights": _weights_from(channel_rows, "Channel")}})
    except ValidationError as error:
        _explain(error)
        return
    record(lambda: context.ledger().save(user, new, comment), "Saved a new version of the charter.")


def record(action, done: str) -> None:
    """Run a ledger write; on success start over so every number shows the new state, else say why not."""
    try:
        action()
    except ValidationError as error:
        _explain(error)
        return
    except (NotAllowed, signoff.LedgerTampered) as refused:
        st.error(literal(refused))
        return
    st.session_state["charter_done"] = done
    st.rerun()


def done_message() -> None:
    """What the last action did, once, after the page started over."""
    done = st.session_state.pop("charter_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")


def propose_form(quarter: str, user: User) -> None:
    with st.form("charter_propose", border=True):
        st.markdown("**Propose the charter for signature**")
        st.caption("The CMO and the VP of Sales then sign it; editing it again takes it back to draft.")
        comment = st.text_input("Comment", key="charter_propose_comment", max_chars=2000)
        submitted = st.form_submit_button("Propose", type="primary", key="charter_propose_submit")
    if submitted:
        record(lambda: context.ledger().propose(user, quarter, comment), f"Proposed the {quarter} charter.")


def sign_form(quarter: str, user: User, content: signoff.Content, checks: list) -> None:
    """The data-quality checklist, its acknowledgement, and the signature in the user's own role."""
    with st.form("charter_sign", border=True):
        st.markdown(f"**Sign as {user.title}**")
        st.caption("Your signature covers the charter, the numbers above and the data they came from "
                   f"(SHA-256 `{content.signature()[:16]}…`). Read the data-quality checklist first:")
        st.dataframe(charter_view.checklist_table(checks), hide_index=True, key="charter_checklist",
                     column_config={"Why it matters": st.column_config.TextColumn(width="large")})
        acknowledged = st.checkbox("I have read the data-quality checklist and sign knowing these findings",
                                   key="charter_acknowledge")
        comment = st.text_input("Comment", key="charter_sign_comment", max_chars=2000)
        submitted = st.form_submit_button(f"Sign as {user.title}", type="primary", key="charter_sign_submit")
    if submitted:
        record(lambda: signoff.sign(context.ledger(), user, context.reader(), quarter, comment=comment,
                                     acknowledged_checklist=acknowledged, shown_signature=content.signature()),
                f"Signed the {quarter} charter as {user.title}.")


def reopen_form(quarter: str, user: User) -> None:
    with st.form("charter_reopen", border=True):
        st.markdown("**Reopen the charter**")
        st.caption("Back to draft so it can be edited; every signature of this round becomes void.")
        comment = st.text_input("Why reopen", key="charter_reopen_comment", max_chars=2000)
        submitted = st.form_submit_button("Reopen", key="charter_reopen_submit")
    if submitted:
        record(lambda: context.ledger().reopen(user, quarter, comment), f"Reopened the {quarter} charter.")
