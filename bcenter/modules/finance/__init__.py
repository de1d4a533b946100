"""Финансы: payments, their application to periods and suppliers, debts and penalties."""
