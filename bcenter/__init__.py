"""bcenter — «Биллинговый Центр»: offline-first billing for Russian housing and communal services (ЖКУ)."""

__version__ = "0.1.0"
