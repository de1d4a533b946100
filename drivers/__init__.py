"""Devices: receipt printers, fiscal registers (ККТ), meters — each behind a port with a simulator (ARCHITECTURE.md
§1, DRIVERS.md). Imports nothing of ours but ``bcenter.core``: usable from a plain script at a kiosk."""
