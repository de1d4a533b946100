"""``bcenter ui --kiosk``: Chromium full screen as an app window on the kiosk's address — only when a display and
Chromium exist; otherwise the reason is said and the screen is served all the same."""
from __future__ import annotations

import contextlib

from bcenter.ui import main as ui_main


class _Now:
    """``threading.Thread`` that runs its target at once (the window's launcher, without waiting on a thread)."""

    def __init__(self, target, **_kw):
        self.target = target

    def start(self):
        self.target()


def test_no_display_no_window(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert ui_main._open_kiosk_window("http://127.0.0.1:8550/", "127.0.0.1", 8550).startswith("нет дисплея")


def test_no_chromium_no_window(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(ui_main.shutil, "which", lambda _name: None)
    assert ui_main._open_kiosk_window("http://127.0.0.1:8550/", "127.0.0.1", 8550).startswith("Chromium не найден")


def test_chromium_opens_full_screen_once_the_server_answers(monkeypatch):
    started = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(ui_main.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(ui_main.threading, "Thread", _Now)
    monkeypatch.setattr(ui_main.socket, "create_connection", lambda *_a, **_k: contextlib.nullcontext())
    monkeypatch.setattr(ui_main.subprocess, "Popen", lambda args, **_k: started.append(args))
    assert ui_main._open_kiosk_window("http://127.0.0.1:8551/", "127.0.0.1", 8551) is None
    (args,) = started
    assert args[0] == "/usr/bin/chromium" and "--kiosk" in args and "--app=http://127.0.0.1:8551/" in args
