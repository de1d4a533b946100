"""Meters read over serial lines (DRIVERS.md §3): the ``MeterReader`` port (``base``) and its drivers — Меркурий 230
(``mercury230``); IEC 62056-21 and M-Bus to come (issue 15)."""
