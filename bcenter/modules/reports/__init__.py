"""Отчёты (issue 21): a registry of reports shared by the CLI and the screens, and the writers of their files."""
