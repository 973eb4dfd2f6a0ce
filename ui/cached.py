"""The one way pages cache a call to the core: Streamlit's data cache keyed on the arguments themselves."""

from __future__ import annotations

import typing
from typing import Any, Callable, TypeVar

import streamlit as st
from pydantic import BaseModel

from alignment import signoff, warehouse

Function = TypeVar("Function", bound=Callable[..., Any])

IDENTITIES: dict[type, Callable[[Any], Any]] = {
    # The file's version: an import swaps a new file in, so it is never served the numbers of the old one.
    warehouse.Reader: lambda reader: (str(reader.path), reader.identity),
    # Its files' identities: a new record or checkpoint is read at once by every session.
    signoff.Ledger: lambda ledger: (str(ledger.path), ledger.token()),
}
"""The objects a cached call takes that stand for something outside the process, and what identifies them."""


def _json(model: BaseModel) -> str:
    return model.model_dump_json()


def _models(hint: Any) -> set[type[BaseModel]]:
    """The pydantic models an annotation names (`Filters`, `Definitions | None`, `list[Filters]`, …)."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return {hint}
    return set().union(*(_models(argument) for argument in typing.get_args(hint)))


def data(*, max_entries: int = 64) -> Callable[[Function], Function]:
    """st.cache_data for a function whose arguments are the core's own objects: each pydantic model it is annotated
    with is keyed on its JSON (a charter edit is another key), a warehouse Reader or a Ledger on its files' identity;
    plain values as Streamlit keys them. No caller builds a key by hand."""

    def decorate(function: Function) -> Function:
        hash_funcs: dict[type, Callable[[Any], Any]] = dict(IDENTITIES)
        for hint in typing.get_type_hints(function).values():
            hash_funcs.update(dict.fromkeys(_models(hint), _json))
        return st.cache_data(show_spinner=False, max_entries=max_entries, hash_funcs=hash_funcs)(function)

    return decorate
