"""Personal data sealed at rest: a person's documents, СНИЛС, birth date, phone and e-mail (152-ФЗ ст. 19: the
operator protects personal data by technical means; ARCHITECTURE.md §8).

What is sealed is one JSON object per person (``person.sealed``), encrypted with Fernet (AES-128-CBC with
HMAC-SHA256, the ``cryptography`` package) under a key that lives **outside the database**: a directory of key files,
``$BCENTER_KEYS`` or the user's configuration directory (``~/.config/bcenter/keys``). So a copy of the database —
a backup, a file sent for support, the sync server's outbox, an export — holds no readable document number.

A sealed value reads ``s1.<key id>.<Fernet token>``: the key id says which key opens it, so keys can be rotated —
``new_key()`` makes a key the current one (values are sealed with it from then on), ``reseal`` (the passport desk's
``rotate-key``) seals every value again with it, and an old key file may be removed once no database sealed with it
remains. Every site of a sync network needs the key files of the values it reads: copy the directory with the
database (docs/design.md «Personal data»).

A key file is 44 characters of URL-safe base64 (``Fernet.generate_key``), readable by its owner only (0600); its
name is ``<UTC time>-<id>.key`` so the newest sorts last.
"""
from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from bcenter.core.errors import ConfigError

__all__ = ["PREFIX", "Keyring", "keyring", "is_sealed", "keys_dir"]

PREFIX = "s1."
KEYS_ENV = "BCENTER_KEYS"


def keys_dir() -> Path:
    """Where the keys are: ``$BCENTER_KEYS``, else the user's configuration directory."""
    configured = os.environ.get(KEYS_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("bcenter")) / "keys"


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class Keyring:
    """The keys of one directory: the newest seals, any opens what it sealed."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._fernets: dict[str, object] = {}
        self._current: str | None = None
        self._load()

    def _load(self) -> None:
        from cryptography.fernet import Fernet

        self._fernets.clear()
        self._current = None
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.key")):
            key_id = path.stem.rsplit("-", 1)[-1]
            try:
                self._fernets[key_id] = Fernet(path.read_text(encoding="ascii").strip().encode())
            except (ValueError, UnicodeDecodeError) as exc:
                raise ConfigError(f"файл ключа персональных данных {path} повреждён: {exc}") from exc
            self._current = key_id

    @property
    def current(self) -> str | None:
        """The id of the key new values are sealed with (None: no key yet)."""
        return self._current

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._fernets)

    def new_key(self) -> str:
        """Make a new key the current one; returns its id."""
        from cryptography.fernet import Fernet

        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.directory, 0o700)
        except OSError:  # pragma: no cover - a file system without modes
            pass
        key_id = secrets.token_hex(4)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{key_id}.key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(Fernet.generate_key().decode() + "\n")
        self._load()
        return key_id

    def seal(self, values: dict) -> str | None:
        """``values`` (the non-empty ones) sealed under the current key, made on first use; None when all empty."""
        plain = {k: v for k, v in values.items() if v is not None and v != ""}
        if not plain:
            return None
        if self._current is None:
            self.new_key()
        data = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        return f"{PREFIX}{self._current}.{self._fernets[self._current].encrypt(data).decode()}"

    def unseal(self, token: str | None) -> dict:
        """The values a sealed text holds ({} for None); a key not in the directory is a configuration error."""
        if token is None:
            return {}
        if not is_sealed(token):
            raise ConfigError("персональные данные хранятся в незнакомом виде (ожидался зашифрованный текст s1.…)")
        from cryptography.fernet import InvalidToken

        _, key_id, body = token.split(".", 2)
        fernet = self._fernets.get(key_id)
        if fernet is None:
            self._load()  # a key copied in since
            fernet = self._fernets.get(key_id)
        if fernet is None:
            raise ConfigError(f"нет ключа «{key_id}» для персональных данных в {self.directory}: скопируйте файлы "
                              "ключей с сервера или рабочего места, где данные вносились (docs/design.md)")
        try:
            return json.loads(fernet.decrypt(body.encode()))
        except InvalidToken as exc:
            raise ConfigError(f"ключ «{key_id}» в {self.directory} не открывает персональные данные: файл ключа "
                              "подменён или повреждён") from exc

    def key_of(self, token: str | None) -> str | None:
        return token.split(".", 2)[1] if is_sealed(token) else None


_RINGS: dict[Path, Keyring] = {}


def keyring() -> Keyring:
    """The keyring of this process's key directory (loaded once per directory)."""
    directory = keys_dir()
    ring = _RINGS.get(directory)
    if ring is None:
        ring = _RINGS[directory] = Keyring(directory)
    return ring
