"""Storage: peewee models, migrations, the connection factory and the unit of work.

`db` imports `bcenter.core` only. Everything that writes domain tables goes through
`db.uow.UnitOfWork`, which records the outbox and audit rows in the same transaction.
"""
