"""Синхронизация (issue 17: push and pull): at the server — enrolment of sites and the HTTP application; at a
site — joining a server (its address and this site's secret kept in the site's own database), pushing the outbox,
what waits. The protocol lives in the ``sync`` package (ARCHITECTURE.md §5)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from db.context import bound
from db.models import LocalSetting
from db.uow import local_site_id

SERVER, SECRET = "sync.server", "sync.secret"


@dataclass(frozen=True)
class SyncStatus:
    site_id: str | None
    server: str | None
    joined: bool
    waiting_rows: int
    waiting_units: int
    pushed_to: int
    cursors: dict[str, str]  # scope → the pull cursor (``xid:seq`` of the server's change log)
    parked: tuple[dict, ...] = ()  # units the server refused for good and kept for a person (``sync.client``)


class SyncCases(UseCases):
    # --- at the server --------------------------------------------------------------------------------------
    @use_case(P.SYSTEM_SETUP, "регистрация площадки на сервере синхронизации", writes=True)
    def enroll(self, *, site_id: str, code: str, name: str, scopes: list[str], after_seq: int = 0) -> str:
        """Enrol a site; its secret is returned once and never kept (only its hash)."""
        from sync.server import enroll

        self.app.system.ensure_initialized()
        try:
            return enroll(self.db, site_id=site_id, code=code, name=name, scopes=scopes, after_seq=after_seq)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc

    @use_case(P.SYSTEM_SETUP, "области площадки на сервере синхронизации", writes=True)
    def rescope(self, code: str, *, add: list[str] = (), remove: list[str] = ()) -> list[str]:
        """Add or remove an enrolled site's scopes; returns them."""
        from sync.server import rescope

        try:
            return rescope(self.db, code, add=list(add), remove=list(remove))
        except ValueError as exc:
            raise UsageError(str(exc)) from exc

    @use_case(P.SYSTEM_SETUP, "сервер синхронизации")
    def asgi(self, *, max_body: int | None = None):
        """The server's ASGI application over this database (``bcenter server`` runs it with uvicorn)."""
        from sync.server import MAX_BODY, make_app

        self.app.system.ensure_initialized()
        return make_app(self.db, max_body=max_body or MAX_BODY)

    @use_case(P.SYSTEM_SETUP, "конфликты синхронизации")
    def conflicts(self, *, open_only: bool = True, limit: int = 200):
        """The edits that met at the server (``sync.conflicts.Conflict``): the open ones wait for a person."""
        from sync.conflicts import listed

        return listed(self.db, open_only=open_only, limit=limit)

    @use_case(P.SYSTEM_SETUP, "решение конфликта синхронизации", writes=True)
    def resolve(self, conflict_id: str, *, take: str):
        """Keep the centre's value (``ours``) or take the site's (``theirs``); every site of the row gets it."""
        from sync.conflicts import resolve

        try:
            return resolve(self.db, conflict_id, take=take, actor=self.app.actor.user)
        except (LookupError, ValueError) as exc:
            raise UsageError(str(exc)) from exc

    # --- at a site --------------------------------------------------------------------------------------------
    @use_case(P.SYSTEM_SETUP, "новая площадка из копии базы центра", writes=True)
    def adopt(self, *, code: str, kind: str, name: str | None = None):
        """This database is a copy of the centre's: give it its own site identity (``sync.adopt.Adopted``)."""
        from sync.adopt import adopt

        self.app.system.ensure_initialized()
        try:
            return adopt(self.db, code=code, kind=kind, name=name, actor=self.app.actor.user)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc

    @use_case(P.SYSTEM_SETUP, "подключение к серверу синхронизации", writes=True)
    def join(self, *, server: str, secret: str, insecure_http: bool = False) -> SyncStatus:
        """Keep the server's address and this site's secret (given by the server's enrolment) in the site's own
        database (``local_setting``: never pushed). ``http://`` only to this computer (the bearer secret would cross
        the network in clear text) unless ``insecure_http`` (a closed network of one's own)."""
        if not server.startswith(("http://", "https://")):
            raise UsageError(f"--server: «{server}» — нужен адрес вида http://сервер:8600 (https:// — по сети)")
        host = (urlsplit(server).hostname or "").lower()
        local = host == "localhost" or host == "::1" or host.startswith("127.")
        if server.startswith("http://") and not local and not insecure_http:
            raise UsageError(f"--server: «{server}» — по http:// секрет площадки пойдёт по сети открытым текстом: "
                             "нужен https:// (или --insecure-http, если сеть своя и закрытая)")
        secret = secret.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{32,}", secret):
            raise UsageError("Секрет не тот: это строка из латинских букв, цифр, «-» и «_», которую напечатал "
                             "bcenter server enroll" if secret else
                             "Пустой секрет: введите секрет, который напечатал bcenter server enroll")
        with self.db.atomic(), bound(self.db):
            for key, value in ((SERVER, server.rstrip("/")), (SECRET, secret.strip())):
                LocalSetting.insert(key=key, value=value).on_conflict(
                    conflict_target=[LocalSetting.key], update={LocalSetting.value: value}).execute()
        return self.status()

    @use_case(P.SYSTEM_INFO, "состояние синхронизации")
    def status(self) -> SyncStatus:
        from sync.push import pushed_to, waiting

        rows, units = waiting(self.db)
        server = self._setting(SERVER)
        from sync.pull import cursors

        from sync.client import parked_units

        return SyncStatus(local_site_id(self.db), server, server is not None and self._setting(SECRET) is not None,
                          rows, units, pushed_to(self.db), cursors(self.db), tuple(parked_units(self.db)))

    @use_case(P.SYSTEM_SETUP, "разбор отказов сервера синхронизации", writes=True)
    def forget_parked(self) -> int:
        """Clear the site's list of units the server parked (settled with the centre); returns how many."""
        from sync.client import forget_parked

        return forget_parked(self.db)

    @use_case(P.SYSTEM_SETUP, "отказы сервера синхронизации")
    def parked(self, *, limit: int = 200) -> list[dict]:
        """At the server: the units it parked, newest first — site, table, reason, when (``sync_alarm``)."""
        from sync.push import parked_list

        return parked_list(self.db, limit=limit)

    @use_case(P.SYSTEM_SETUP, "синхронизация с сервером")
    def push(self, *, server: str | None = None, retries: int | None = None, client=None):
        """Push the outbox to the joined server (or ``server``); returns ``sync.client.PushReport``."""
        from sync.client import RETRIES, push_all

        url, secret = self._joined(server)
        return push_all(self.db, url=url, site_id=local_site_id(self.db), secret=secret, client=client,
                        retries=RETRIES if retries is None else retries)

    @use_case(P.SYSTEM_SETUP, "синхронизация с сервером")
    def pull(self, *, server: str | None = None, retries: int | None = None, client=None, limit: int | None = None):
        """Pull every scope this site is enrolled in from the joined server (or ``server``); returns
        ``sync.client.PullReport``. Pulled rows change this database without entering its outbox."""
        from sync.client import RETRIES, pull_all

        url, secret = self._joined(server)
        return pull_all(self.db, url=url, site_id=local_site_id(self.db), secret=secret, client=client,
                        retries=RETRIES if retries is None else retries, limit=limit)

    def _joined(self, server: str | None) -> tuple[str, str]:
        url = server or self._setting(SERVER)
        secret = self._setting(SECRET)
        if url is None or secret is None:
            raise UsageError("Площадка не подключена к серверу: bcenter sync join --server АДРЕС (секрет — из "
                             "bcenter server enroll на сервере)")
        return url, secret

    def _setting(self, key: str) -> str | None:
        with bound(self.db):
            row = LocalSetting.get_or_none(LocalSetting.key == key)
        return row.value if row else None
