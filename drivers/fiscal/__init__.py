"""Fiscal registers (ККТ, 54-ФЗ): the ``FiscalRegister`` port (``base``) and its drivers — Штрих-М (``shtrih``)."""
