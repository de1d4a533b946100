"""A refusal the server answers with: an HTTP status and a body naming why (``{"error": …, …}``)."""
from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body.get("error"))
        self.status, self.body = status, body


__all__ = ["Refused"]
