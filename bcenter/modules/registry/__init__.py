"""Картотека: houses, premises, accounts, services, suppliers, tariffs, norms; runs the month."""
