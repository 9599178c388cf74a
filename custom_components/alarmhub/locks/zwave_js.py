"""Z-Wave JS locks: ``zwave_js.set_lock_usercode`` and friends.

Slots are the User Code command class's user ids (1-based). The lock's slots
and their codes are read with ``zwave_js.get_lock_usercode`` (all slots: a
mapping ``"<slot>": {"usercode", "in_use"}``), which answers from Z-Wave JS's
cache of the node's values. User Code CC v1 codes are 4 to 10 digits.
"""

from __future__ import annotations

from typing import ClassVar, Final, override

from .base import LockLimits, LockTarget, LockTargetError, SlotReading

ZWAVE_MIN_PIN: Final = 4
ZWAVE_MAX_PIN: Final = 10


class ZwaveJsLock(LockTarget):
    """A Z-Wave lock in Z-Wave JS."""

    platform: ClassVar[str] = "zwave_js"

    async def _slots(self) -> dict[int, dict[str, object]]:
        answer = await self._call("get_lock_usercode", {}, response=True)
        return {
            int(slot): value
            for slot, value in answer.items()
            if isinstance(value, dict)
        }

    @override
    async def async_limits(self) -> LockLimits:
        if not (slots := await self._slots()):
            raise LockTargetError("no_user_codes")
        return LockLimits(ZWAVE_MIN_PIN, ZWAVE_MAX_PIN, min(slots), max(slots))

    @override
    async def async_set_code(self, slot: int, code: str) -> None:
        await self._call("set_lock_usercode", {"code_slot": slot, "usercode": code})

    @override
    async def async_clear_code(self, slot: int) -> None:
        await self._call("clear_lock_usercode", {"code_slot": slot})

    @override
    async def async_read(self) -> SlotReading:
        return {
            slot: str(value.get("usercode") or "") or None
            for slot, value in (await self._slots()).items()
            if value.get("in_use")
        }
