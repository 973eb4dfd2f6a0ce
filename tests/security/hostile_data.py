"""A small warehouse whose every name came from a hostile extract: Markdown, HTML, LaTeX, icons and formulas."""

from __future__ import annotations

from pathlib import Path

from alignment.ingest.load import import_extracts

HOST = "payload.invalid"
"""The host every hostile link and image points at (reserved: it never resolves)."""


def markdown_payload(tag: str, hosts: tuple[str, ...] = (HOST,)) -> str:
    """One name carrying every construct Streamlit's Markdown (or plotly's HTML) would turn into something else: an
    image, an <img> tag, links of three kinds, an e-mail, LaTeX, a colour, an icon, an emoji and bold type."""
    first = hosts[0]
    fetches = " ".join(f"![{tag}](http://{host}/{tag}.png) <img src=http://{host}/{tag}-tag.png>" for host in hosts)
    return (f"{tag} {fetches} [{tag}](http://{first}/{tag}-link) <http://{first}/{tag}-auto> "
            f"http://{first}/{tag}-bare.png www.{first} {tag}@{first} <a href=\"http://{first}/{tag}-a\">a</a> "
            f"$x^{{{tag}}}$ :red[{tag}] :material/home: :smile: **{tag}**")


def hostile_names(hosts: tuple[str, ...] = (HOST,)) -> dict[str, str]:
    """(file, header) → the hostile value written into every row of that column; some start with a formula."""
    payload = lambda tag: markdown_payload(tag, hosts)  # noqa: E731 - one line per field reads best
    return {
        "region": "+1 " + payload("pwnregion"),
        "segment": payload("pwnsegment"),
        "industry": payload("pwnindustry"),
        "account": "@SUM(1+1) " + payload("pwnaccount") + "\n# pwnheading\n| pwn | table |\n|---|---|\n| 1 | 2 |",
        "campaign": f"=HYPERLINK(\"http://{hosts[0]}/pwncell\",\"pwn\") " + payload("pwncampaign"),
        "channel": payload("pwnchannel"),
        "rep": "-2+3 " + payload("pwnrep"),
        "stage": payload("pwnstage"),
        "lead_source": payload("pwnsource"),
        "reason": "=1+2 " + payload("pwnreason"),
        "title": "\t=3+4 " + payload("pwntitle"),
        "description": payload("pwncontent"),
        "user": "-5+6 " + payload("pwnimporter"),
    }


def write_hostile_extract(extract, names: dict[str, str]) -> None:
    """Overwrite the hand-made Salesforce extract's names with the hostile ones, in every row."""
    def every_row(file: str, column: str, value: str) -> None:
        rows = extract.rows(file)
        index = rows[0].index(column)
        for row in rows[1:]:
            row[index] = value
        extract.write(file, rows)

    every_row("Account.csv", "Region__c", names["region"])
    every_row("User.csv", "Region__c", names["region"])
    every_row("Account.csv", "Segment__c", names["segment"])
    every_row("Account.csv", "Industry", names["industry"])
    every_row("Account.csv", "Name", names["account"])
    every_row("User.csv", "Name", names["rep"])
    every_row("Opportunity.csv", "StageName", names["stage"])
    every_row("OpportunityHistory.csv", "StageName", names["stage"])
    every_row("Lead.csv", "LeadSource", names["lead_source"])
    every_row("Contact.csv", "LeadSource", names["lead_source"])
    every_row("Opportunity.csv", "LeadSource", names["lead_source"])
    every_row("Lead.csv", "Title", names["title"])
    every_row("Contact.csv", "Title", names["title"])
    every_row("Campaign.csv", "Channel__c", names["channel"])
    every_row("Campaign.csv", "Description", names["description"])
    rows = extract.rows("Campaign.csv")
    index = rows[0].index("Name")
    for number, row in enumerate(rows[1:], start=1):
        row[index] = f"{names['campaign']} {number}"  # two campaigns, two names
    extract.write("Campaign.csv", rows)
    rows = extract.rows("Lead.csv")
    index = rows[0].index("Rejection_Reason__c")
    for row in rows[1:]:
        if row[index]:
            row[index] = names["reason"]
    extract.write("Lead.csv", rows)


def build_hostile_warehouse(folder: Path, new_salesforce_extract, hosts: tuple[str, ...] = (HOST,)) -> Path:
    """The hand-made extract with hostile names, imported into `folder`/warehouse.duckdb by a hostile user name."""
    names = hostile_names(hosts)
    extract = new_salesforce_extract(folder / "extract")
    write_hostile_extract(extract, names)
    replace_ids(extract)
    db_path = folder / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, user=names["user"])
    return db_path


HOSTILE_IDS = {"CMP1": "=1+CMP1", "O1": "-1-O1"}
"""Ids that a spreadsheet would run as formulas: the campaign and deal ids every file refers to them by."""


def replace_ids(extract, ids: dict[str, str] = HOSTILE_IDS) -> None:
    """Every cell holding one of `ids`, in every file of the extract, replaced by its hostile twin."""
    for path in sorted(extract.folder.iterdir()):
        rows = extract.rows(path.name)
        extract.write(path.name, [[ids.get(cell, cell) for cell in row] for row in rows])


def save_hostile_charter(db_path: Path, quarter: str, names: dict[str, str]) -> None:
    """A charter for `quarter` whose mappings hold the hostile names, saved with a hostile comment and proposed."""
    from alignment import catalog, signoff
    from alignment.charter import edited
    from alignment.users import User

    ledger = signoff.Ledger.beside(db_path)
    analyst = User(name="test-analyst", role="analyst")
    definitions = catalog.Definitions()
    charter = edited(ledger.charter_in_force(quarter), {"definitions": {
        "lead_source_categories": {**definitions.lead_source_categories, names["lead_source"]: "marketing"},
        "awareness_channels": [*definitions.awareness_channels, names["channel"]],
        "sales_ready_personas": [*definitions.sales_ready_personas, markdown_payload("pwnpersona")]}})
    ledger.save(analyst, charter, comment=markdown_payload("pwncomment"))
    ledger.propose(analyst, quarter, comment=markdown_payload("pwnproposal"))
