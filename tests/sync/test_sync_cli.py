"""``bcenter server`` and ``bcenter sync`` end to end over loopback (issue 17, first step): the server enrols a
site and prints its secret once; the site joins with the secret from standard input, sees what waits, pushes it to
a real ``bcenter server`` process — the reading arrives once —, and an unreachable server leaves the outbox waiting
with the reason said."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.request

from bcenter.cli import main
from tests.sync.conftest import read, readings, site_id
from tests.ui.browser import free_port


def _enrol(capsys, server, tablet) -> str:
    start = tablet.db.execute_sql("SELECT value FROM local_setting WHERE key = 'sync.pushed_to_seq'").fetchone()[0]
    server.db.execute_sql("DELETE FROM sync_batch")  # the fixture's enrolment: this test enrols by the command
    server.db.execute_sql("DELETE FROM sync_site")  # (both sites: each is enrolled by the command here)
    assert main(["--db", server.url, "server", "enroll", "--site-id", site_id(tablet), "--code", "T1", "--name",
                 "Планшет контролёра", "--scope", "ref", "--scope", "house:h1", "--after-seq", start]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Площадка T1 зарегистрирована. Секрет (показывается один раз): ")
    return out.split(": ", 1)[1].split()[0]


def _join(capsys, monkeypatch, tablet, secret: str, url: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(secret + "\n"))
    assert main(["--db", tablet.url, "sync", "join", "--server", url]) == 0
    assert "подключена к " + url in capsys.readouterr().out


def test_enrol_join_push_and_pull_with_a_real_server(capsys, monkeypatch, server, sites):
    kiosk, tablet = sites
    if server.url.startswith("postgresql"):
        return  # the server process on PostgreSQL is the same code; its storage is covered in test_push
    secret = _enrol(capsys, server, tablet)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    _join(capsys, monkeypatch, tablet, secret, url)
    read(tablet, "19-034518", "140")
    assert main(["--db", tablet.url, "sync", "status"]) == 0
    assert "Ждут отправки: 1 строк outbox в 1 единицах работы" in capsys.readouterr().out
    before = readings(server)
    proc = subprocess.Popen([sys.executable, "-c", "from bcenter.cli import main; raise SystemExit(main())",
                             "--db", server.url, "server", "--port", str(port)],
                            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:  # another process's server: poll until it answers
            try:
                urllib.request.urlopen(url + "/sync/health", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.1)
        assert main(["--db", tablet.url, "sync"]) == 0
        out = capsys.readouterr().out
        assert "Отправлено пакетов: 1, строк: 1; принято сервером: 1" in out
        assert "Получено страниц:" in out and "области: ref, house:h1" in out
        assert main(["--db", tablet.url, "sync"]) == 0  # nothing left: nothing sent twice
        assert "Отправлено пакетов: 0" in capsys.readouterr().out
        assert main(["--db", tablet.url, "sync", "status"]) == 0
        assert "Получено из области house:h1: до позиции" in capsys.readouterr().out
        # the kiosk (every house) joins and gets the tablet's reading from the server
        start = kiosk.db.execute_sql("SELECT value FROM local_setting WHERE key = 'sync.pushed_to_seq'").fetchone()[0]
        assert main(["--db", server.url, "server", "enroll", "--site-id", site_id(kiosk), "--code", "K1", "--name",
                     "Касса", "--scope", "ref", "--scope", "house:*", "--after-seq", start]) == 0
        _join(capsys, monkeypatch, kiosk, capsys.readouterr().out.split(": ", 1)[1].split()[0], url)
        kiosk_had = readings(kiosk)
        assert main(["--db", kiosk.url, "sync"]) == 0
        assert "Отправлено пакетов: 0" in capsys.readouterr().out
        assert readings(kiosk) == kiosk_had + 1
        assert main(["--db", server.url, "server", "conflicts"]) == 0
        assert "Конфликтов нет (ждущих решения)" in capsys.readouterr().out
    finally:
        proc.terminate()
        proc.wait(10)
    assert readings(server) == before + 1


def test_an_unreachable_server_leaves_the_outbox_waiting(capsys, monkeypatch, server, sites):
    _, tablet = sites
    monkeypatch.setattr(sys, "stdin", io.StringIO("секрет-по-русски\n"))
    assert main(["--db", tablet.url, "sync", "join", "--server", "http://127.0.0.1:1"]) != 0
    assert "Секрет не тот" in capsys.readouterr().err
    _join(capsys, monkeypatch, tablet, "x" * 43, f"http://127.0.0.1:{free_port()}")
    read(tablet, "19-034518", "140")
    assert main(["--db", tablet.url, "sync", "--retries", "0"]) != 0
    assert "Синхронизация не завершена: ConnectError" in capsys.readouterr().err
    assert main(["--db", tablet.url, "sync", "status"]) == 0
    assert "Ждут отправки: 1 строк outbox" in capsys.readouterr().out
    ticks = []

    def tick(seconds):  # the watch's pause: the first one passes, the second is Ctrl+C
        ticks.append(seconds)
        if len(ticks) > 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", tick)
    assert main(["--db", tablet.url, "sync", "--watch", "30", "--retries", "0"]) == 0  # a service: outages pass
    err = capsys.readouterr()
    assert err.err.count("следующая попытка через 30 с") == 2 and ticks == [30, 30] and "Остановлено" in err.out
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["--db", tablet.url, "sync", "join", "--server", "ftp://x"]) != 0
    assert "нужен адрес вида http://сервер:8600" in capsys.readouterr().err
