"""Helpers shared by the integration tests."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from homeassistant.core import HomeAssistant, State


async def settle(hass: HomeAssistant) -> None:
    """Let pushed events reach HA (real sockets: a few loop turns)."""
    for _ in range(5):
        await asyncio.sleep(0.01)
        await hass.async_block_till_done()


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """Return an entity's state, which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    """Return one attribute of an entity's state."""
    return state_of(hass, entity_id).attributes[name]


def shows_code(code: str, text: str) -> bool:
    """Return True if ``code`` is in ``text`` as a number of its own.

    A leaked code stands alone (a value, a word); the same digits inside a
    longer number (a port, a timestamp's microseconds) are chance, not a
    leak, and would make a test of a random code fail now and then.
    """
    return re.search(rf"(?<!\d){re.escape(code)}(?!\d)", text) is not None
