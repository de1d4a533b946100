"""Password hashes: scrypt (RFC 7914) from the standard library — memory-hard, no extra dependency.

Stored as ``scrypt$N$r$p$<salt base64>$<hash base64>`` so that the cost can be raised later and old hashes still
verify. A password is at least ``MIN_LENGTH`` characters and not only spaces; compared in constant time.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bcenter.core.errors import UsageError

N, R, P = 2 ** 14, 8, 1
"""scrypt's cost: 16 MiB and ~50 ms per hash on the office laptop — a guesser's cost, not a user's."""
MIN_LENGTH = 8


def check_strength(password: str) -> None:
    """Refuse, in words, a password too short or blank."""
    if len(password) < MIN_LENGTH or not password.strip():
        raise UsageError(f"Пароль слишком короткий: нужно не меньше {MIN_LENGTH} знаков")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return "$".join(("scrypt", str(N), str(R), str(P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the stored hash (False for no hash or one of another scheme)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


__all__ = ["MIN_LENGTH", "check_strength", "hash_password", "verify_password"]
