"""Screens without a browser (FLET.md §3): a real Flet ``Page`` on a real session whose connection only records —
and really msgpack-encodes — what would go to the browser; events are dispatched the way the browser sends them."""
from __future__ import annotations

import msgpack
import pytest

import flet as ft
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub


def encode(obj) -> bytes:
    # Flet 1.0 snapshots the previous state *while serialising*: a fake transport must really encode
    return msgpack.packb(obj, default=configure_encode_object_for_msgpack(ft.BaseControl))


class RecordingConnection(Connection):
    def __init__(self):
        super().__init__()
        self.messages = []
        self.wire = []  # what the browser would receive, decoded

    def send_message(self, message):
        self.messages.append(message)
        self.wire.append(msgpack.unpackb(encode([message.action, message.body]), strict_map_key=False))

    def sent_since(self, start: int) -> list[str]:
        """Every string sent to the browser since message ``start``: what the screen would show."""
        out: list[str] = []

        def strings(obj):
            if isinstance(obj, str):
                out.append(obj)
            elif isinstance(obj, (list, tuple)):
                for x in obj:
                    strings(x)
            elif isinstance(obj, dict):
                for k, v in obj.items():
                    strings(k)
                    strings(v)

        strings(self.wire[start:])
        return out


def new_session() -> Session:
    """A flet session over a recording connection, registered as a browser would: every control indexed."""
    conn = RecordingConnection()
    conn.pubsubhub = PubSubHub()
    conn.page_url = "http://127.0.0.1:8550"
    sess = Session(conn)
    encode(sess.get_page_patch())  # the client's register handshake
    return sess


@pytest.fixture
def session():
    sess = new_session()
    token = _context_page.set(sess.page)  # what ft.run() does before main()
    try:
        yield sess
    finally:
        _context_page.reset(token)


@pytest.fixture
def page(session) -> ft.Page:
    return session.page


def walk(control):
    """The control and everything under it."""
    yield control
    for name in ("controls", "content", "rows", "cells", "columns", "label", "title", "subtitle", "actions",
                 "leading", "trailing"):
        child = getattr(control, name, None)
        if isinstance(child, list):
            for c in child:
                if isinstance(c, ft.BaseControl):
                    yield from walk(c)
        elif isinstance(child, ft.BaseControl):
            yield from walk(child)


def texts(root) -> list[str]:
    return [c.value for c in walk(root) if isinstance(c, ft.Text) and isinstance(c.value, str)]


def by_key(root, key):
    for c in walk(root):
        k = c.key.value if isinstance(c.key, ft.ValueKey) else c.key
        if k == key:
            return c
    raise LookupError(key)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """The screens' town (``tests/ui/towns.py``), built once per test module."""
    from tests.ui.towns import build_town

    return build_town(tmp_path_factory.mktemp("screens") / "town.db")


@pytest.fixture
def app(town, tmp_path):
    """A copy of the town for one test that writes."""
    from tests.ui.towns import copy_town

    app = copy_town(town, tmp_path)
    yield app
    app.close()
