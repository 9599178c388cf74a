"""ZHA locks: ``zha.set_lock_user_code`` / ``zha.clear_lock_user_code``.

ZHA's actions write the ZCL Door Lock cluster's PIN codes by slot (its
``code_slot``, 1-based in HA) and report nothing back: HA has no action that
reads a ZHA lock's codes or its PIN limits, so AlarmHub assumes the usual
4 to 8 digits and slots 1 to :data:`ZHA_SLOTS`, and knows only the slots it
set itself. A code can be disabled and enabled again in its slot (the lock
keeps it): a schedule's closing edge disables it.
"""

from __future__ import annotations

from typing import ClassVar, Final, override

from .base import LockLimits, LockTarget

ZHA_MIN_PIN: Final = 4
ZHA_MAX_PIN: Final = 8
ZHA_SLOTS: Final = 30


class ZhaLock(LockTarget):
    """A Zigbee lock in ZHA."""

    platform: ClassVar[str] = "zha"
    can_disable: ClassVar[bool] = True

    @override
    async def async_limits(self) -> LockLimits:
        return LockLimits(ZHA_MIN_PIN, ZHA_MAX_PIN, 1, ZHA_SLOTS)

    @override
    async def async_set_code(self, slot: int, code: str) -> None:
        await self._call("set_lock_user_code", {"code_slot": slot, "user_code": code})
        await self._call("enable_lock_user_code", {"code_slot": slot})

    @override
    async def async_clear_code(self, slot: int) -> None:
        await self._call("clear_lock_user_code", {"code_slot": slot})

    @override
    async def async_disable_code(self, slot: int) -> None:
        await self._call("disable_lock_user_code", {"code_slot": slot})

    @override
    async def async_enable_code(self, slot: int) -> None:
        await self._call("enable_lock_user_code", {"code_slot": slot})
