"""Обмен данными: the exchange format v1 (EXCHANGE.md) — import, export and their checks."""
