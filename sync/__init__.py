"""Placeholder package; see ARCHITECTURE.md §1."""
