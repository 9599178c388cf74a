"""The lock-target interface: one household lock, whatever stack drives it.

A *provider* speaks to one lock through the actions its integration offers
(ZHA, Z-Wave JS, Matter). It sets a code in a slot, clears a slot, reads the
slots back where the stack can, and says the lock's PIN length limits and
slot range. Every failure of the lock or its stack (offline, no answer, a
refusal) is a :class:`LockTargetError` with a short reason that names no code;
the manager decides whether to try again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError


class LockTargetError(Exception):
    """The lock, or its integration, did not take a change (``reason`` says why)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        """Keep a reason safe to show (never a code).

        ``permanent``: the integration refused the request itself (a
        ``ServiceValidationError``), so trying again cannot help.
        """
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class LockLimits:
    """What codes a lock takes and which slots it has."""

    min_pin: int
    max_pin: int
    first_slot: int
    last_slot: int

    def fits(self, code: str) -> bool:
        """Return True when the lock can take ``code``."""
        return code.isdigit() and self.min_pin <= len(code) <= self.max_pin


#: What a lock reports about its slots: slot -> the code (None when the
#: stack says the slot is in use but not what is in it).
type SlotReading = dict[int, str | None]


class LockTarget(ABC):
    """One lock entity whose integration offers user-code actions."""

    #: The integration (entity registry platform) this provider speaks to.
    platform: ClassVar[str]
    #: The stack can turn a slot's code off and on again, the lock keeping it.
    can_disable: ClassVar[bool] = False

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Drive the lock ``entity_id``."""
        self.hass = hass
        self.entity_id = entity_id

    @property
    def online(self) -> bool:
        """Return True unless HA shows the lock unavailable (or not at all)."""
        state = self.hass.states.get(self.entity_id)
        return state is not None and state.state != STATE_UNAVAILABLE

    async def _call(
        self, service: str, data: dict[str, Any], *, response: bool = False
    ) -> dict[str, Any]:
        """Call one of the stack's lock actions on this lock."""
        if not self.online:
            raise LockTargetError("unavailable")
        try:
            result = await self.hass.services.async_call(
                self.platform,
                service,
                {"entity_id": self.entity_id, **data},
                blocking=True,
                return_response=response,
            )
        except HomeAssistantError as err:
            # Only the key or the class: a message may quote what was sent.
            raise LockTargetError(
                err.translation_key or type(err).__name__,
                permanent=isinstance(err, ServiceValidationError),
            ) from None
        except Exception as err:  # e.g. a ValueError from a stack's library
            raise LockTargetError(type(err).__name__) from None
        if not response:
            return {}
        answer = (result or {}).get(self.entity_id)
        return dict(answer) if isinstance(answer, dict) else {}

    @abstractmethod
    async def async_limits(self) -> LockLimits:
        """Return the lock's PIN lengths and slot range."""

    @abstractmethod
    async def async_set_code(self, slot: int, code: str) -> None:
        """Put ``code`` in ``slot``."""

    @abstractmethod
    async def async_clear_code(self, slot: int) -> None:
        """Clear ``slot``."""

    async def async_disable_code(self, slot: int) -> None:
        """Make the code in ``slot`` stop opening the lock (here: clear it)."""
        await self.async_clear_code(slot)

    async def async_enable_code(self, slot: int) -> None:
        """Make a disabled code open the lock again.

        A stack that cannot disable has cleared the code: only setting it
        again can bring it back, and the code is not known here.
        """
        raise LockTargetError("code_unknown", permanent=True)

    async def async_read(self) -> SlotReading | None:
        """Return the occupied slots, or None when the stack cannot tell."""
        return None
