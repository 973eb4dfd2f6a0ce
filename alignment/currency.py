"""The warehouse's corporate currency, when a deal's amount is converted into it, and the import's rate checks."""

from __future__ import annotations

from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import schema, sqlfiles

CONVERSION_DATES = ("close_for_bookings", "creation", "close")
ConversionDate = Literal[CONVERSION_DATES]
DEFAULT_CONVERSION_DATE: ConversionDate = "close_for_bookings"
CONVERSION_READINGS = {
    # Bookings are money received, worth what the close day's rate says; pipeline is judged the quarter a deal is
    # created, and a rate moving later must not move a quarter already reviewed.
    "close_for_bookings": "a deal counted as pipeline is converted at the rate of the day it was created, and one "
                          "counted when it closes (bookings, win rate by value, average deal size) at the rate of "
                          "its close date: bookings are money received at the close rate, pipeline is judged when "
                          "created",
    "creation": "every deal is converted at the rate of the day it was created, closed or not",
    "close": "every deal is converted at the rate of its close date (its creation day while it has none)",
}
CAMPAIGN_READING = ("a campaign's cost is converted at the rate of its start date, a spend row's at the rate of its "
                    "period's first day")

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩", "BRL": "R$",
           "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$", "CHF": "CHF ",
           "SEK": "SEK ", "NOK": "NOK ", "DKK": "DKK ", "PLN": "PLN ", "ZAR": "R"}
"""The sign shown before an amount; a currency not listed shows its code and a space (e.g. 'ILS 1.2M')."""


def symbol(code: str | None) -> str:
    """What an amount in `code` is written with, before its number: $, €, £ … or the code itself."""
    code = (code or schema.DEFAULT_CORPORATE_CURRENCY).upper()
    return SYMBOLS.get(code, code + " ")


class CurrencySettings(BaseModel):
    """A warehouse's corporate currency and the date its deals are converted at."""

    model_config = ConfigDict(frozen=True)

    corporate: str = Field(default=schema.DEFAULT_CORPORATE_CURRENCY, pattern=r"^[A-Z]{3}$",
                           description="ISO 4217 code of the currency every amount is shown in")
    conversion_date: ConversionDate = DEFAULT_CONVERSION_DATE

    @field_validator("corporate", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if len(value) != 3 or not value.isalpha():
                raise ValueError(f"'{value}' is not a currency: write its three-letter ISO 4217 code, e.g. USD, EUR "
                                 "or GBP")
        return value

    @property
    def symbol(self) -> str:
        return symbol(self.corporate)

    @property
    def reading(self) -> str:
        """How amounts become corporate money, in words for the charter's definitions and the model card."""
        return (f"Amounts are in {self.corporate}: {CONVERSION_READINGS[self.conversion_date]}; "
                f"{CAMPAIGN_READING}.")


def _has_currency_table(cursor: duckdb.DuckDBPyConnection) -> bool:
    return cursor.execute(sqlfiles.query("table_exists"), {"name": "_currency"}).fetchall()[0][0]


def settings(source: duckdb.DuckDBPyConnection | object) -> CurrencySettings:
    """The warehouse's currency settings (a warehouse written before they existed is in dollars)."""
    cursor = source.cursor()
    if not _has_currency_table(cursor):
        return CurrencySettings()
    row = cursor.execute(sqlfiles.query("warehouse_currency")).fetchall()
    return CurrencySettings(corporate=row[0][0], conversion_date=row[0][1]) if row else CurrencySettings()


def record(con: duckdb.DuckDBPyConnection, chosen: CurrencySettings) -> None:
    """Store the settings in the warehouse being written, before its derived tables are computed from them."""
    con.execute(sqlfiles.query("record_currency"),
                {"corporate": chosen.corporate, "conversion_date": chosen.conversion_date})


RATES_FILE_HINT = "the rates file (currency_rates.csv: currency, start_date, rate) or DatedConversionRate.csv"


def import_problems(con: duckdb.DuckDBPyConnection, chosen: CurrencySettings | None = None):
    """(settings, problems): the corporate currency the loaded rates name (else `chosen`'s, else USD; a `chosen` one
    that the rates contradict is refused), and every amount that could not be converted into it, as the import's
    refusals. Nothing is ever summed unconverted."""
    from alignment.ingest.problems import Example, Problem
    from alignment.ingest.staging import recorded_headers

    problems: list[Problem] = []
    headers = recorded_headers(con)
    checks = sqlfiles.folder(sqlfiles.IMPORT_SQL_DIR / "currency", "transform")
    named = con.execute(checks["corporate_currency_named"].sql).fetchall()
    asked = chosen
    chosen = chosen or CurrencySettings()
    if len(named) > 1:
        file, row = named[1][1], named[1][2]
        problems.append(Problem(
            file=file, column=headers.get((file, "is_corporate"), "is_corporate"), canonical="is_corporate",
            examples=[Example(row=row)],
            rule=f"{' and '.join(n[0] for n in named)} are all marked as the corporate currency, and a warehouse has "
                 "one: mark it on one currency's rows only"))
    elif named:
        code, file, row, rate = named[0]
        if asked is not None and "corporate" in asked.model_fields_set and asked.corporate != code:
            problems.append(Problem(
                file=file, column=headers.get((file, "is_corporate"), "is_corporate"), canonical="is_corporate",
                examples=[Example(row=row, value=code)],
                rule=f"the rates mark {code} as the corporate currency, but {asked.corporate} was asked for: import "
                     f"without a corporate currency, or with {code}"))
        chosen = CurrencySettings(corporate=code, conversion_date=chosen.conversion_date)
        if rate != 1:
            problems.append(Problem(
                file=file, column=headers.get((file, "rate"), "rate"), canonical="rate",
                examples=[Example(row=row, value=f"{rate:g}")],
                rule=f"the corporate currency {code} is worth 1 of itself: write 1 as its rate"))
    found = con.execute(checks["amounts_without_rate"].sql, {"corporate": chosen.corporate}).fetchall()
    groups: dict[tuple, list[tuple]] = {}
    for table, column, file, row, code, needed_on, problem in found:
        groups.setdefault((file, column, code, problem), []).append((row, needed_on))
    for (file, column, code, problem), rows in groups.items():
        if problem == "no_rate":
            dated = [day for _, day in rows if day is not None]
            since = f" from {min(dated).isoformat()} or earlier" if dated else ""
            rule = (f"no rate converts {code} into the corporate currency {chosen.corporate} on this row's date, and "
                    f"an amount is never summed unconverted: add a rate for {code}{since} to {RATES_FILE_HINT}")
        elif problem == "bad_code":
            rule = "is not a currency: write its three-letter ISO 4217 code (EUR, GBP …), or leave it empty for the " \
                   f"corporate currency {chosen.corporate}"
        else:
            rule = f"a rate is how many {code} one {chosen.corporate} buys, above 0: write the rate from the " \
                   "bank's or the finance team's table"
        problems.append(Problem(
            file=file, column=headers.get((file, column), column), canonical=column, rule=rule, count=len(rows),
            examples=[Example(row=row, value=code if problem != "bad_rate" else None) for row, _ in rows[:3]]))
    return chosen, problems
