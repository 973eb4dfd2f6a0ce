"""The Campaigns page's core: campaign and channel results under a chosen model, and every model side by side."""

from __future__ import annotations

import pandas as pd

from alignment import attribution, catalog, sqlfiles
from alignment.periods import Quarter


def options(definitions: catalog.Definitions, basis: str = "pipeline", quarter: Quarter | str | None = None,
            model: str | None = None) -> attribution.AttributionOptions:
    """The attribution options the definitions stand for (their model card)."""
    return attribution.AttributionOptions(model=model or definitions.model_of_record, basis=basis, quarter=quarter,
                                          lookback_days=definitions.lookback_days,
                                          half_life_days=definitions.half_life_days, linking=definitions.linking,
                                          primary_campaign_credit=definitions.primary_campaign_credit)


def model_card(definitions: catalog.Definitions, basis: str = "pipeline") -> str:
    """The model, basis, lookback and half-life an attribution number was computed with, in one line."""
    return options(definitions, basis).card(half_life=True)  # named even where it plays no part


def results(source: catalog.Source, name: str, filters: catalog.Filters | dict,
            definitions: catalog.Definitions | None = None) -> pd.DataFrame:
    """An attribution metric of the catalog (campaign_results, channel_results) under the definitions' model, with
    its model card (and data_driven's caveat) in `attrs`."""
    definitions = definitions or catalog.Definitions()
    markov = _markov(source, definitions) if definitions.model_of_record == "data_driven" else None
    if markov is not None and not definitions.markov_effects:
        definitions = definitions.model_copy(update={"markov_effects": markov.removal_effects})
    frame = catalog.run(source, name, filters, definitions)
    frame.attrs["model_card"] = model_card(definitions)
    if markov is not None:
        frame.attrs["caveat"] = markov.caveat()
    return frame


def _markov(source: catalog.Source, definitions: catalog.Definitions) -> attribution.MarkovModel:
    return attribution.markov_model(source, options(definitions, model="data_driven"))


def models_side_by_side(source: catalog.Source, quarter: Quarter | str, campaign_ids: list[str],
                        definitions: catalog.Definitions | None = None, basis: str = "pipeline") -> pd.DataFrame:
    """Credited pipeline (or bookings) of the chosen campaigns under every model: one row per campaign, one column per
    model, computed in one pass over the touches. `attrs` carries the card and data_driven's caveat."""
    definitions = definitions or catalog.Definitions()
    chosen = options(definitions, basis, quarter)
    credited = attribution.credited_by_campaign_models(source, chosen, attribution.MODELS)
    caveat = credited.attrs["caveat"]
    credited = credited[credited["campaign_id"].isin(campaign_ids)]
    table = (credited.pivot_table(index="campaign_id", columns="model", values="credited_amount", aggfunc="sum")
             .reindex(index=list(dict.fromkeys(campaign_ids)), columns=list(attribution.MODELS)).fillna(0.0))
    table = table.rename_axis(columns=None).reset_index()
    table.attrs.update(model_card=f"every model · {basis} · lookback {definitions.lookback_days} d · half-life "
                                  f"{definitions.half_life_days:g} d"
                                  + (" · everyone at the account" if definitions.linking == "account" else ""),
                       caveat=caveat)
    return table


LINKINGS = ("contacts", "account")


def linking_side_by_side(source: catalog.Source, quarter: Quarter | str,
                         definitions: catalog.Definitions | None = None, basis: str = "pipeline") -> pd.DataFrame:
    """Credited pipeline (or bookings) per campaign under the definitions' model, once linking each deal to its
    contacts and once to everyone at its account, with the difference (account − contacts); one row per campaign
    credited under either (`(unattributed)` for deals with no eligible touch), largest under the charter's linking
    first. Both columns add up to the same total. `attrs` carries each model card and the charter's linking."""
    definitions = definitions or catalog.Definitions()
    frames, cards, caveats = {}, {}, []
    for linking in LINKINGS:
        chosen = options(definitions, basis, quarter).model_copy(update={"linking": linking})
        credited = attribution.credited_by_campaign(source, chosen)
        frames[linking] = credited.set_index("campaign_id")["credited_amount"]
        cards[linking] = chosen.card()
        if "caveat" in credited.attrs:
            caveats.append(f"{linking}: {credited.attrs['caveat']}")
    table = pd.DataFrame(frames).fillna(0.0).rename_axis("campaign_id").reset_index()
    table["difference"] = table["account"] - table["contacts"]
    table = table.merge(campaign_names(source), on="campaign_id", how="left")
    table["campaign_name"] = table["campaign_name"].where(table["campaign_name"].notna(), table["campaign_id"])
    table = table.sort_values([definitions.linking, "campaign_id"], ascending=[False, True], ignore_index=True)
    table.attrs.update(model_cards=cards, charter_linking=definitions.linking, caveats=caveats)
    return table


def campaign_names(source: catalog.Source) -> pd.DataFrame:
    """Each campaign's id and name (campaign_name)."""
    cursor = catalog.cursor(source)
    try:
        return cursor.execute(sqlfiles.query("campaign_names")).df().rename(columns={"name": "campaign_name"})
    finally:
        cursor.close()
