"""The calculation: pure functions over plain immutable data (no database, no clock, no I/O).

Money comes out as integer kopecks rounded once per line (ROUND_HALF_UP, DOMAIN.md §0); volumes, tariffs and
norms stay exact ``Decimal``; every line carries its derivation (method, inputs, legal basis) so that
``bcenter explain`` and the ЕПД can show why it is what it is.
"""
