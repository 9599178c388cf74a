"""Wait for what the emulated Vista makes Home Assistant show."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event

#: Generous: a condition, never a fixed sleep; a slow machine only waits longer.
TIMEOUT = 30.0


async def wait_for(
    hass: HomeAssistant, entity_id: str, test: Callable[[State], bool]
) -> State:
    """Return ``entity_id``'s state once ``test`` holds for it."""
    state = hass.states.get(entity_id)
    if state is not None and test(state):
        return state
    done: asyncio.Future[State] = hass.loop.create_future()

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and test(new) and not done.done():
            done.set_result(new)

    remove = async_track_state_change_event(hass, entity_id, changed)
    try:
        async with asyncio.timeout(TIMEOUT):
            return await done
    finally:
        remove()


async def wait_state(hass: HomeAssistant, entity_id: str, value: str) -> State:
    """Return ``entity_id``'s state once it is ``value``."""
    return await wait_for(hass, entity_id, lambda state: state.state == value)
