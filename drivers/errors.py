"""What a device can do wrong, as typed errors the cash desk and the screens can show (DRIVERS.md §4, §5).

Every message is Russian and says what happened and, where there is one, what to do. They derive from
``BcenterError`` (``bcenter.core`` is the one part of ours ``drivers`` may import — ARCHITECTURE.md §1), so a
command or a screen shows them like any other refusal.
"""
from __future__ import annotations

from bcenter.core.errors import BcenterError


class DeviceError(BcenterError):
    """Base of the device errors."""

    default_message_ru = "Ошибка устройства"


class DeviceTimeout(DeviceError):
    """The device did not answer in time (or not at all)."""

    default_message_ru = "Устройство не ответило: проверьте питание и кабель"


class DeviceDisconnected(DeviceError):
    """The line went away mid-exchange (a cable pulled, a USB adapter reset); the port is reopened on the next call."""

    default_message_ru = "Связь с устройством прервана: проверьте кабель"


class FrameError(DeviceError):
    """A frame that cannot be right: wrong start byte, length or checksum (after the link's retries)."""

    default_message_ru = "Устройство прислало повреждённые данные"


class DeviceRejected(DeviceError):
    """The device understood and refused: its error code, what it means, what to do."""

    def __init__(self, code: int, message_ru: str) -> None:
        self.code = code
        super().__init__(message_ru)


class NotConfigured(DeviceError):
    """No device of that kind is set up on this workstation."""

    default_message_ru = "Устройство не настроено на этом рабочем месте"
