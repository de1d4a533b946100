"""Sites, users and roles (synced), and the local technical tables: outbox, audit log, sync cursors.

The outbox holds, in the same transaction as the domain change, what must be pushed to the central server;
the audit log says who changed what, when and from which site (ARCHITECTURE.md §4, §8).
"""
from __future__ import annotations

import peewee as pw

from bcenter.core.access import ROLES
from db.fields import IdField, JsonTextField, TransactionIdField
from db.models.base import BaseModel, LocalModel, constraint
from db.models.reference import _in

SITE_KINDS = ("central", "office", "kiosk", "tablet")


class Site(BaseModel):
    """A site (kiosk, office laptop, tablet, the central server) with an immutable id and a short code."""

    code = pw.TextField()
    name = pw.TextField()
    kind = pw.CharField(max_length=10)
    secret_hash = pw.TextField(null=True)
    enrolled_at = pw.TextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_site_code UNIQUE (code)"),
            constraint(f"CONSTRAINT ck_site_kind CHECK ({_in('kind', SITE_KINDS)})"),
        ]


class AppUser(BaseModel):
    """A person who works in bcenter (оператор, кассир, паспортист, контролёр…)."""

    login = pw.TextField()
    full_name = pw.TextField()
    password_hash = pw.TextField(null=True)
    active = pw.BooleanField(default=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_app_user_login UNIQUE (login)")]


class UserRole(BaseModel):
    """A role granted to a user, optionally limited to one site."""

    user = pw.ForeignKeyField(AppUser, backref="roles", on_delete="RESTRICT")
    role = pw.CharField(max_length=20)
    site = pw.ForeignKeyField(Site, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_user_role UNIQUE (user_id, role, site_id)"),
            constraint(f"CONSTRAINT ck_user_role CHECK ({_in('role', ROLES)})"),
        ]


class UserSession(LocalModel):
    """A signed-in user's session at this site (step 29): the token's SHA-256 (the token itself is only with the
    screen), who and in which role, when it began, when it was last used and when it ends; ``ended`` once signed out.
    Local: a session is of this machine."""

    token_hash = pw.TextField(primary_key=True)
    user_id = IdField()
    login = pw.TextField()
    role = pw.CharField(max_length=20)
    created_at = pw.TextField()
    seen_at = pw.TextField()
    expires_at = pw.TextField()
    ended = pw.TextField(null=True)


class SignIn(LocalModel):
    """A sign-in attempt at this site (step 29): the login typed, when, whether it succeeded — what slows down a
    guesser (``bcenter.modules.users``); the audit log has them too."""

    seq = pw.AutoField()
    login = pw.TextField()
    at = pw.TextField()
    ok = pw.BooleanField()

    class Meta:
        indexes = ((("login", "seq"), False),)


class IntakeClient(LocalModel):
    """A residents' portal allowed to post requests to this database's intake (step 33, issue 19): its name and the
    SHA-256 of its token (shown once; a random token needs no slow hash). Local: the centre holds it."""

    name = pw.TextField(primary_key=True)
    token_hash = pw.TextField()
    created_at = pw.TextField()
    disabled = pw.BooleanField(default=False)


class LocalSetting(LocalModel):
    """Facts about this database itself: its site id and code (never synced)."""

    key = pw.TextField(primary_key=True)
    value = pw.TextField()


class Outbox(LocalModel):
    """What this site must push: one row per written batch of a table (ids listed, packed: ``db.packed_ids``,
    schema step 18), in commit order. At the server it is also the pull feed: ``xid`` is the writing transaction's
    id on PostgreSQL (``pg_current_xact_id()``, the column's default; 0 on SQLite, schema step 31)."""

    seq = pw.AutoField()
    id = IdField(unique=True)
    unit_id = IdField()
    table_name = pw.TextField()
    op = pw.CharField(max_length=8)
    packed_ids = pw.BlobField()  # db.packed_ids: pack_ids / unpack_ids
    changes = JsonTextField(null=True)
    site_id = IdField(null=True)
    created_at = pw.TextField()
    pushed_batch = pw.TextField(null=True)
    xid = TransactionIdField()
    hlc = pw.TextField(null=True)  # the unit's hybrid logical clock (db.hlc); none on rows written before step 31

    class Meta:
        indexes = ((("xid", "seq"), False),)


class AuditLog(LocalModel):
    """Who did what, when, from which site, with before/after for edits (ARCHITECTURE.md §8)."""

    id = IdField(primary_key=True)
    unit_id = IdField()
    at = pw.TextField()
    actor = pw.TextField()
    site_id = IdField(null=True)
    action = pw.TextField()
    table_name = pw.TextField(null=True)
    row_id = IdField(null=True)
    before = JsonTextField(null=True)
    after = JsonTextField(null=True)
    summary = JsonTextField(null=True)


class SyncCursor(LocalModel):
    """The resumable pull cursor of a scope (``ref``, ``house:<id>``, ``route:<id>``, ``cashdesk:<id>``)."""

    scope = pw.TextField(primary_key=True)
    cursor = pw.TextField()
    updated_at = pw.TextField()


class SyncBatch(LocalModel):
    """At the server: a site's pushed batch and the first answer given to it, replayed to any repeat of the same
    ``(site, batch)`` — errors included (ARCHITECTURE.md §5; step 30)."""

    site_id = IdField()
    batch_id = pw.TextField()
    from_seq = pw.BigIntegerField()
    to_seq = pw.BigIntegerField()
    status = pw.IntegerField()
    response = pw.TextField()
    received_at = pw.TextField()

    class Meta:
        primary_key = pw.CompositeKey("site_id", "batch_id")


class SyncSite(LocalModel):
    """At the server: an enrolled site — the hash of its secret (shown once at enrolment, never stored), the scopes it
    may push into and pull. Local to the server: credentials never travel."""

    site_id = IdField(primary_key=True)
    code = pw.TextField(unique=True)
    name = pw.TextField()
    secret_hash = pw.TextField()
    scopes = pw.TextField()       # "ref,house:h00001,cashdesk:K1"
    enrolled_at = pw.TextField()
    active = pw.BooleanField(default=True)


class SyncFieldClock(LocalModel):
    """When a master-data field was last written, by the hybrid logical clock (``db.hlc``): the unit of work stamps
    every field it updates, so «newer wins» (contacts, free text) compares two edits' clocks (schema step 31)."""

    table_name = pw.TextField()
    row_id = IdField()
    field = pw.TextField()
    hlc = pw.TextField()

    class Meta:
        primary_key = pw.CompositeKey("table_name", "row_id", "field")


class SyncConflict(LocalModel):
    """At the server: two edits of the same field (or an edit against a delete) that the policy of the field's class
    did not settle by itself — the centre's value kept and the clash queued for a person (``open``) — or settled
    (``auto``: newer wins, add-wins; kept as history). ``base`` is what the site changed from, ``theirs`` what it
    changed to, ``ours`` the centre's value then (JSON values; ``sync.conflicts``)."""

    id = IdField(primary_key=True)
    site_id = IdField()
    batch_id = pw.TextField()
    table_name = pw.TextField()
    row_id = IdField()
    field = pw.TextField()  # "*" for an edit against a delete
    policy = pw.TextField()
    base = pw.TextField(null=True)
    theirs = pw.TextField(null=True)
    ours = pw.TextField(null=True)
    state = pw.TextField()  # open | auto | kept | taken
    raised_at = pw.TextField()
    resolved_at = pw.TextField(null=True)
    resolved_by = pw.TextField(null=True)

    class Meta:
        indexes = ((("state", "raised_at"), False),)


class SyncAlarm(LocalModel):
    """At the server: a pushed fact whose id exists with other content — never overwritten, kept here for a person
    (an integrity alarm: a bug or tampering, not a conflict to merge)."""

    id = IdField(primary_key=True)
    site_id = IdField()
    batch_id = pw.TextField()
    table_name = pw.TextField()
    row_id = IdField()
    fields = pw.TextField()       # the differing columns, comma-separated
    theirs = JsonTextField()      # the pushed values of those columns
    ours = JsonTextField()        # the stored ones
    raised_at = pw.TextField()


class CalcRun(LocalModel):
    """One run of the month: which period, up to which outbox row its inputs were seen, how it ended."""

    id = IdField(primary_key=True)
    period = pw.CharField(max_length=7)
    started_at = pw.TextField()
    finished_at = pw.TextField(null=True)
    outbox_seq = pw.BigIntegerField(default=0)
    houses_ok = pw.IntegerField(default=0)
    houses_failed = pw.IntegerField(default=0)
    lines = pw.IntegerField(default=0)
    actor = pw.TextField()


class CalcState(LocalModel):
    """The fingerprint of the basis a house × period was last calculated from (to see what changed)."""

    house_id = IdField()
    period = pw.CharField(max_length=7)
    basis_hash = pw.CharField(max_length=64)
    run_id = IdField()

    class Meta:
        primary_key = pw.CompositeKey("house_id", "period")


class JobLock(LocalModel):
    """Who holds a scope's job lock now (informational: the lock itself is the operating system's or the
    server's — ``db.locks``): the job's holder, what it does, its process and host, since when."""

    scope = pw.TextField(primary_key=True)
    holder = pw.TextField()
    what = pw.TextField()
    pid = pw.IntegerField()
    host = pw.TextField()
    started_at = pw.TextField()
