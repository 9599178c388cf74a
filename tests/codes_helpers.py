"""Helpers for the user-code and door-lock tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.alarmhub.const import DOMAIN

FRONT = "lock.front_door_lock"
BACK = "lock.back_door_lock"
#: The demo hub's locks by id, as the user's code status sensor names them.
LOCK_NAMES = {"1": "Front door lock", "2": "Back door lock"}


async def settle(hass: HomeAssistant) -> None:
    """Let pushed events reach HA (real sockets: a few loop turns)."""
    for _ in range(5):
        await asyncio.sleep(0.01)
        await hass.async_block_till_done()


async def wait_for(
    hass: HomeAssistant, check: Callable[[], bool], seconds: float = 30
) -> None:
    """Wait until ``check()`` holds (the hub and HA talk over real sockets)."""
    async with asyncio.timeout(seconds):
        while not check():
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


async def action(
    hass: HomeAssistant, service: str, entry_id: str, **data: Any
) -> dict[str, Any]:
    """Call an AlarmHub action and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    await settle(hass)
    return dict(response)


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str | None:
    """Return the entity id for a unique id of the demo hub."""
    return er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"AH1000001_{unique_id}"
    )


def state(hass: HomeAssistant, platform: str, unique_id: str) -> str | None:
    """Return the state of an entity given by its unique id."""
    if (found := entity_id(hass, platform, unique_id)) is None:
        return None
    current = hass.states.get(found)
    return None if current is None else current.state


def lock_sync(
    hass: HomeAssistant, uid: str, lock: str
) -> tuple[str | None, str | None]:
    """Return where a user's code stands on a hub lock, and the lock's reason.

    Read from the user's code status sensor (attributes ``locks`` and
    ``lock_errors``, by lock name); ``(None, None)`` when the code is not on
    the lock at all.
    """
    found = entity_id(hass, "sensor", f"user_{uid}_code_status")
    current = None if found is None else hass.states.get(found)
    if current is None:
        return None, None
    name = LOCK_NAMES[lock]
    return (
        current.attributes.get("locks", {}).get(name),
        current.attributes.get("lock_errors", {}).get(name),
    )
