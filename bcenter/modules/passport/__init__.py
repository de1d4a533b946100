"""Паспортный стол: persons, registrations, ownership, absences, the desk's forms (ARCHITECTURE.md §2)."""
