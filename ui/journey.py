"""The account journey page's numbers, cached per file version, account and charter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from alignment import journey, warehouse
from alignment.catalog import Definitions
from ui import cached, context


@cached.data(max_entries=8)
def _names(reader: warehouse.Reader) -> pd.DataFrame:
    return journey.account_names(reader)


def account_names() -> pd.DataFrame:
    """Every account's id and name, by name."""
    return _names(context.reader())


@cached.data(max_entries=256)
def _header(reader: warehouse.Reader, account_id: str, as_of: dt.datetime | None) -> dict[str, Any] | None:
    return journey.header(reader, account_id, as_of)


def header(account_id: str) -> dict[str, Any] | None:
    """Who the account is and its touches in the 90 days before the data's last record (None: no such account)."""
    return _header(context.reader(), account_id, context.snapshot().as_of)


@cached.data(max_entries=256)
def _timeline(reader: warehouse.Reader, account_id: str) -> pd.DataFrame:
    return journey.timeline(reader, account_id)


def timeline(account_id: str) -> pd.DataFrame:
    """The account's touches and stage changes in time order."""
    return _timeline(context.reader(), account_id)


# Every deal's credit is computed once per warehouse and charter; one account's share of it is then a filter.
@cached.data(max_entries=8)
def _credited(reader: warehouse.Reader, in_force: Definitions) -> pd.DataFrame:
    return journey.attribute_all(reader, in_force)


@cached.data(max_entries=256)
def _credit(reader: warehouse.Reader, account_id: str, in_force: Definitions) -> pd.DataFrame:
    return journey.credit(reader, account_id, in_force, _credited(reader, in_force))


def credit(account_id: str, definitions: Definitions) -> pd.DataFrame:
    """The credit each campaign got for the account's deals under the charter's model (adds up to their amount)."""
    return _credit(context.reader(), account_id, definitions)


def request(value: str) -> str:
    """The account id a link or the picker gave, checked (pydantic: AccountRequest says what to fix)."""
    return journey.AccountRequest(account=value).account
