"""Data: what is loaded, importing new extracts with a validation report, the import history and data quality."""

import streamlit as st

from alignment import currency, history, periods
from alignment.presentation import formats as fmt
from ui import context, import_report, imports, layout
from ui.footer import source_name
from ui.text import literal

snapshot = context.snapshot()
info = snapshot.info

if "data_outcome" in st.session_state:
    import_report.show(st.session_state["data_outcome"], snapshot)
    st.button("Dismiss", key="data_dismiss", on_click=lambda: st.session_state.pop("data_outcome", None))

loaded_tab, import_tab, history_tab, quality_tab = st.tabs(
    ["Loaded data", "Import extracts", "Import history", "Data quality"], key="data_tab")

with loaded_tab:
    if snapshot.is_demo:
        st.info("You are looking at the **demo company**: generated data that shows the whole product. Import your "
                "own extracts to replace it.", icon=":material/science:")
    layout.facts({"Data as of": fmt.day(snapshot.as_of), "Imported": fmt.moment(info.imported_at),
                  "Imported by": info.imported_by, "Source": source_name(info.source_format)})
    st.subheader("Rows per table", anchor=False)
    st.dataframe(imports.loaded_tables_frame(snapshot.counts), hide_index=True, height="content",
                 column_config={"Rows": st.column_config.NumberColumn(format="localized")})
    st.subheader("Files the data came from", anchor=False)
    st.dataframe(imports.files_frame(info.files), hide_index=True, height="content",
                 column_config={"Rows": st.column_config.NumberColumn(format="localized")})
    if info.warnings:
        noun = "warning" if len(info.warnings) == 1 else "warnings"
        with st.expander(f"{fmt.count(len(info.warnings))} {noun} from that import", icon=":material/warning:"):
            st.text("\n".join("• " + warning for warning in info.warnings))
    st.subheader("Fiscal calendar", anchor=False)
    calendar = snapshot.calendar
    st.write(calendar.describe() + " Every quarter in the product is one of its quarters.")
    if "data_calendar_outcome" in st.session_state:
        st.success(st.session_state.pop("data_calendar_outcome"), icon=":material/event_available:")
    if imports.may_import():
        with st.form("data_calendar", border=True, enter_to_submit=False):
            months = list(periods.MONTHS)
            start = st.selectbox("Fiscal year starts in", months, index=calendar.start_month - 1)
            named_by = st.radio("A fiscal year is named by the calendar year it", ["end", "start"],
                                index=0 if calendar.year_named_by == "end" else 1, horizontal=True,
                                format_func=lambda v: "ends in (FY2027 = Feb 2026 – Jan 2027)" if v == "end"
                                else "starts in")
            weeks = st.selectbox("Quarters", ["months", "4-4-5", "4-5-4", "5-4-4"],
                                 index=["months", "4-4-5", "4-5-4", "5-4-4"].index(calendar.weeks or "months"),
                                 format_func=lambda v: "Calendar months" if v == "months" else f"{v} weeks")
            weekday = st.selectbox("A 52/53-week year ends on the", [w.capitalize() for w in periods.WEEKDAYS],
                                   index=periods.WEEKDAYS.index(calendar.year_end_weekday or "saturday"),
                                   help="The one nearest the last day of the month before the start month.")
            zone = st.text_input("Time zone", value=calendar.time_zone, help="An IANA name, e.g. Europe/Berlin.")
            if st.form_submit_button("Set the calendar", type="primary"):
                problem = imports.set_calendar(snapshot.path, {
                    "start_month": months.index(start) + 1, "year_named_by": named_by,
                    "weeks": None if weeks == "months" else weeks,
                    "year_end_weekday": None if weeks == "months" else weekday.lower(), "time_zone": zone})
                if problem:
                    st.error(f"Not changed: {literal(problem)}", icon=":material/block:")
                else:
                    st.session_state["data_calendar_outcome"] = "The calendar is set; every quarter follows it."
                    st.rerun()

with import_tab:
    st.write("Load CRM extracts as you export them (CSV, XLSX or Parquet). Everything is checked before anything "
             "changes: an import either loads completely or leaves the current data exactly as it is.")
    if not imports.may_import():
        # Validating reads the same files and does the same work as importing: neither is offered.
        st.info("Only an analyst validates and imports data. The loaded data, the import history and the "
                "data-quality checks are open to you on the other tabs.", icon=":material/lock:")
    else:
        data_format = st.segmented_control("Source", list(imports.FORMAT_LABELS),
                                           format_func=imports.FORMAT_LABELS.get, default="salesforce", required=True,
                                           key="data_format")
        origin = st.radio("Files", ["Upload files", "A folder on the server"], horizontal=True, key="data_origin")
        uploads, folder = [], ""
        if origin == "Upload files":
            # A fresh uploader after each successful import, so the same files are not imported twice by mistake.
            uploads = st.file_uploader("Extracts", type=imports.UPLOAD_TYPES, accept_multiple_files=True,
                                       key=f"data_uploads_{st.session_state.setdefault('data_upload_round', 0)}",
                                       help="One file per object (Account, Contact, Lead, Opportunity, …).")
        else:
            folder = st.text_input("Folder on the server", key="data_folder", placeholder="data/imports/2026-Q3",
                                   help="Every CSV, XLSX and Parquet file in it is imported; for extracts too large "
                                        "to upload.").strip()
            st.caption(f"Only folders below {literal(imports.import_roots_text())} are read (the server's "
                       "`ALIGNMENT_IMPORT_ROOTS`).")
        mapping = None
        if data_format == "mapping":
            mapping = st.file_uploader("Mapping file (YAML)", type=["yaml", "yml"], key="data_mapping",
                                       help="Names, per canonical table, the source file and column of each field.")
        date_format = st.text_input(
            "Date format", key="data_date_format", placeholder="recognised by itself",
            help="Only for an export whose dates the import does not recognise by itself, e.g. DD/MM/YY HH:mm "
                 "(YYYY year, MM month, MMM month name, DD day, HH hour, mm minute, ss second). A refused import "
                 "names the format to write here.").strip()
        with st.expander("Currencies"):
            corporate = st.text_input(
                "Corporate currency", key="data_corporate_currency", placeholder="from the rates, else USD",
                help="The currency every amount is converted into and shown in (ISO 4217: USD, EUR, GBP …), when "
                     "the rates do not mark one (Salesforce's CurrencyType IsCorporate).").strip()
            conversion = st.selectbox(
                "Deals converted at", list(currency.CONVERSION_DATES), key="data_conversion_date",
                format_func=lambda rule: rule.replace("_", " "),
                help="close for bookings (default): pipeline at the rate of the day a deal was created, bookings at "
                     "the rate of its close date; creation or close: every deal at that day's rate.")
        nothing_chosen = not uploads and not folder
        with st.container(horizontal=True, gap="small"):
            validate = st.button("Validate only", key="data_validate", disabled=nothing_chosen,
                                 icon=":material/fact_check:")
            load = st.button("Import", key="data_import", type="primary", disabled=nothing_chosen,
                             icon=":material/upload:")
        if validate or load:
            outcome = imports.run(db_path=snapshot.path, format=data_format, uploads=uploads, folder=folder,
                                  mapping_upload=mapping, validate_only=validate, counts_before=snapshot.counts,
                                  date_format=date_format, corporate=corporate, conversion_date=conversion)
            st.session_state["data_outcome"] = outcome
            if load and not outcome.refused:
                st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
            st.rerun()  # the shell, filter bar and footer read the new warehouse from the top

with history_tab:
    st.dataframe(imports.history_frame(history.list_imports(snapshot.path)), hide_index=True,
                 column_config={"Started": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                                "Rows loaded": st.column_config.NumberColumn(format="localized"),
                                "Seconds": st.column_config.NumberColumn(format="%.1f"),
                                "First message": st.column_config.TextColumn(width="large")})
    st.caption("Every attempt is recorded, loaded or refused, newest first. Times are UTC.")

with quality_tab:
    st.write("Audits of the loaded data. They never block an import; each says why its findings matter.")
    checks = context.quality_checks()
    st.dataframe(imports.quality_frame(checks), hide_index=True, height="content",
                 column_config={"Check": st.column_config.TextColumn(width="medium"),
                                "Records": st.column_config.NumberColumn(format="localized", width="small"),
                                "Severity": st.column_config.TextColumn(width="small"),
                                "Why it matters": st.column_config.TextColumn(width="large"),
                                "Name": st.column_config.TextColumn(width="small")})
    for check in checks:
        if check.count:
            with st.expander(f"{check.title} — {fmt.count(check.count)}"):
                st.caption(check.description)
                st.dataframe(context.quality_rows(check.name), hide_index=True)
