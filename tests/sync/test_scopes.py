"""Every synced table says where it travels (``sync.scopes``): a table added without a place would stop a site's
push with ``Unplaced`` the first time one of its rows is written (issue 18 added ``passport_document``). The ledger's
parts (postings, charge lines, snapshots: ``Meta.outbox_by``) travel with their entry or closed period instead."""
from __future__ import annotations

from db.models import DOMAIN_MODELS
from sync.scopes import PLACED


def test_every_domain_table_has_a_scope():
    missing = sorted(m._meta.table_name for m in DOMAIN_MODELS
                     if m._meta.table_name not in PLACED and getattr(m._meta, "outbox_by", None) is None)
    assert missing == []
