"""The load bench's protocol client (bench/load.py) against canned server messages: sign-in, page runs, errors."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import sys
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.util import calc_hash

SPEC = importlib.util.spec_from_file_location("bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py")
load = importlib.util.module_from_spec(SPEC)
_path = list(sys.path)
sys.modules[SPEC.name] = load  # its dataclasses look their module up by name
SPEC.loader.exec_module(load)
sys.path[:] = _path  # the bench puts its own folder first; the tests' imports stay as they were


def run_async(coroutine):
    """Run a coroutine to its end on a thread of its own: a browser test's sync Playwright may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def element(kind: str, **fields) -> ForwardMsg:
    message = ForwardMsg()
    inner = getattr(message.delta.new_element, kind)
    for name, value in fields.items():
        setattr(inner, name, value)
    return message


def finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    message = ForwardMsg()
    message.script_finished = status
    return message


def navigation(*pages: tuple[str, str]) -> ForwardMsg:
    message = ForwardMsg()
    for path, title in pages:
        page = message.navigation.app_pages.add()
        page.url_pathname, page.page_name, page.page_script_hash = path, title, calc_hash(path or "scorecard")
    return message


class Socket:
    """A websocket that answers each rerun request with the next canned run's messages."""

    def __init__(self, runs: list[list[ForwardMsg]]):
        self.runs, self.sent, self.queue = runs, [], asyncio.Queue()

    async def send(self, data: bytes) -> None:
        message = BackMsg()
        message.ParseFromString(data)
        self.sent.append(message)
        for reply in self.runs.pop(0):
            self.queue.put_nowait(reply.SerializeToString())

    async def recv(self) -> bytes:
        return await self.queue.get()


def session(runs: list[list[ForwardMsg]]):
    client = load.Session("http://127.0.0.1:1", timeout=5)
    client.socket = Socket(runs)
    return client


SIGN_IN_FORM = [navigation(("scorecard", "Sign in"), ("funnel", "Sign in"), ("data", "Sign in")),
                element("text_input", id="$$ID-1a-auth_name"), element("text_input", id="$$ID-2b-auth_password"),
                element("button", id="$$ID-3c-auth_submit"), finished()]
DASHBOARD = [navigation(("", "Scorecard"), ("funnel", "Funnel"), ("data", "Data"))]


def test_signing_in_fills_the_form_found_by_its_keys_and_waits_past_the_rerun():
    client = session([SIGN_IN_FORM, [finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN), *DASHBOARD, finished()]])
    form, submitted = run_async(client.sign_in("bench-load", "a password"))
    states = {w.id: w for w in client.socket.sent[1].rerun_script.widget_states.widgets}
    assert states["$$ID-1a-auth_name"].string_value == "bench-load"
    assert states["$$ID-2b-auth_password"].string_value == "a password"
    assert states["$$ID-3c-auth_submit"].trigger_value is True
    assert not form.errors and not submitted.errors
    assert client.pages["funnel"][1] == "Funnel"


def test_a_sign_in_the_server_refuses_ends_the_session_with_what_the_page_said():
    refused = [*SIGN_IN_FORM[:1], element("alert", body="That user name and password do not match an account."),
               finished()]
    client = session([SIGN_IN_FORM, refused])
    with pytest.raises(load.SessionError, match="do not match an account"):
        run_async(client.sign_in("bench-load", "wrong"))


def test_an_exception_shown_or_a_page_not_found_is_an_error_of_the_run():
    client = session([[element("exception", type="KeyError", message="'x'"), finished()]])
    client.pages = {"funnel": (calc_hash("funnel"), "Funnel")}
    run = run_async(client.open("funnel"))
    assert run.errors == ["exception shown: KeyError: 'x'"]
    assert client.socket.sent[0].rerun_script.page_script_hash == calc_hash("funnel")
    with pytest.raises(load.SessionError, match="no page at /nowhere"):
        run_async(client.open("nowhere"))


def test_messages_the_tab_has_cached_are_sent_as_hashes_and_read_from_its_cache():
    cached = element("exception", type="ValueError", message="big")
    cached.hash, cached.metadata.cacheable = "h1", True
    reference = ForwardMsg()
    reference.ref_hash = "h1"
    client = session([[cached, finished()], [reference, finished()]])
    run_async(client.run("funnel"))
    again = run_async(client.run("funnel"))
    assert list(client.socket.sent[1].rerun_script.cached_message_hashes) == ["h1"]
    assert again.errors == ["exception shown: ValueError: big"]


def test_percentiles_interpolate_between_the_nearest_values():
    assert load.percentile([], 50) is None
    assert load.percentile([3.0], 90) == 3.0
    assert load.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert load.percentile(list(range(101)), 90) == 90
