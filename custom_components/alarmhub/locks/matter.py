"""Matter locks: users and PIN credentials (``matter.set_lock_user`` ...).

A slot is a Matter *user index* (1-based). Setting a code adds a PIN
credential for that user index (``set_lock_credential``: the lock makes the
user if the index is free; a user with a PIN has it replaced, by its
credential index); clearing the slot clears the user with its credentials
(``clear_lock_user``). ``get_lock_info`` says the PIN lengths and
how many users the lock has; ``get_lock_users`` says which user indexes hold
a PIN (a Matter lock never reads a PIN back, only that there is one).
"""

from __future__ import annotations

from typing import Any, ClassVar, override

from .base import LockLimits, LockTarget, LockTargetError, SlotReading


def _int(info: dict[str, Any], key: str) -> int | None:
    value = info.get(key)
    return value if isinstance(value, int) else None


class MatterLock(LockTarget):
    """A Matter lock with user management (the USR feature)."""

    platform: ClassVar[str] = "matter"

    @override
    async def async_limits(self) -> LockLimits:
        info = await self._call("get_lock_info", {}, response=True)
        if not info.get("supports_user_management") or "pin" not in info.get(
            "supported_credential_types", []
        ):
            raise LockTargetError("no_user_codes")
        users = _int(info, "max_users") or _int(info, "max_pin_users") or 1
        return LockLimits(
            _int(info, "min_pin_length") or 4,
            _int(info, "max_pin_length") or 8,
            1,
            users,
        )

    async def _users(self) -> list[dict[str, Any]]:
        answer = await self._call("get_lock_users", {}, response=True)
        return [user for user in answer.get("users", []) if isinstance(user, dict)]

    @override
    async def async_set_code(self, slot: int, code: str) -> None:
        data: dict[str, Any] = {
            "credential_type": "pin",
            "credential_data": code,
            "user_index": slot,
        }
        # A user that has a PIN already gets it replaced (HA then modifies the
        # credential), never a second one.
        for user in await self._users():
            if user.get("user_index") == slot:
                for credential in user.get("credentials", []):
                    if credential.get("type") == "pin":
                        data["credential_index"] = credential.get("index")
        await self._call("set_lock_credential", data, response=True)

    @override
    async def async_clear_code(self, slot: int) -> None:
        await self._call("clear_lock_user", {"user_index": slot})

    @override
    async def async_read(self) -> SlotReading:
        return {
            user["user_index"]: None
            for user in await self._users()
            if isinstance(user.get("user_index"), int)
            and any(c.get("type") == "pin" for c in user.get("credentials", []))
        }
