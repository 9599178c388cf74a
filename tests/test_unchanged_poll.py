"""The safety-net poll of a hub where nothing changed: a few bytes, no writes.

The integration keeps its state current with every event, so the poll asks
``get_state`` with ``since_seq``; the hub answers ``unchanged`` and Home
Assistant decodes and writes nothing. Whatever the events missed is still
found: a lost event, a hub that ignores ``since_seq``, a lying answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.coordinator import AlarmHubCoordinator
from simulator.hub import Hub

from .common import settle

FRONT_DOOR = "binary_sensor.demo_home_house_front_door"

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


@pytest.fixture(params=["network", "serial"])
def config_entry(
    request: pytest.FixtureRequest,
    network_entry: MockConfigEntry,
    serial_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Poll over both transports."""
    return serial_entry if request.param == "serial" else network_entry


def _record(hub: Hub) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Record every get_state the hub answers: its args and its answer."""
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    get_state: Handler = hub.commands["get_state"]

    async def recorded(args: dict[str, Any]) -> dict[str, Any]:
        answer = await get_state(args)
        seen.append((dict(args), answer))
        return answer

    hub.commands["get_state"] = recorded
    return seen


def _writes(hass: HomeAssistant) -> list[str]:
    written: list[str] = []

    @callback
    def changed(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return written


async def test_unchanged_poll_is_tiny_and_writes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Two polls of a quiet hub: ~60 bytes each way, no state written."""
    coordinator: AlarmHubCoordinator = init_integration.runtime_data
    seen = _record(hub)
    written = _writes(hass)
    before = coordinator.data
    for _ in range(2):
        await coordinator.async_refresh()
    await settle(hass)
    assert [args for args, _ in seen] == [{"since_seq": hub.seq}] * 2
    for _, answer in seen:
        assert answer == {"seq": hub.seq, "unchanged": True}
        assert len(json.dumps(answer)) < 200
    assert coordinator.data is before
    assert coordinator.last_update_success
    assert written == []


async def test_events_keep_the_poll_small(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A pushed change moves the known seq along: the next poll is still tiny."""
    coordinator: AlarmHubCoordinator = init_integration.runtime_data
    seen = _record(hub)
    hub.panel.set_zone("1", True)
    await settle(hass)
    assert hass.states.get(FRONT_DOOR).state == "on"
    await coordinator.async_refresh()
    assert seen == [({"since_seq": hub.seq}, {"seq": hub.seq, "unchanged": True})]
    assert hass.states.get(FRONT_DOOR).state == "on"


async def test_a_lost_event_is_found_by_the_poll(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A change whose event never arrived: the seq differs, the whole state comes."""
    coordinator: AlarmHubCoordinator = init_integration.runtime_data
    seen = _record(hub)
    # The line drops the event: nobody hears it, the hub's seq moves on.
    listeners = list(hub._listeners)
    hub._listeners.clear()
    hub.panel.set_zone("1", True)
    hub._listeners.extend(listeners)
    await settle(hass)
    assert hass.states.get(FRONT_DOOR).state == "off"
    known = coordinator.data.seq
    await coordinator.async_refresh()
    await settle(hass)
    ((args, answer),) = seen
    assert args == {"since_seq": known} and known != hub.seq
    assert "unchanged" not in answer and answer["seq"] == hub.seq
    assert hass.states.get(FRONT_DOOR).state == "on"


async def test_a_hub_that_ignores_since_seq(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """An older hub always sends everything: the poll works as it always did."""
    coordinator: AlarmHubCoordinator = init_integration.runtime_data
    written = _writes(hass)
    state = hub.state

    async def old_get_state(args: dict[str, Any]) -> dict[str, Any]:
        del args
        return state()

    hub.commands["get_state"] = old_get_state
    before = coordinator.data
    await coordinator.async_refresh()
    await settle(hass)
    assert coordinator.last_update_success
    assert coordinator.data is not before and coordinator.data == before
    assert written == []  # equal state: entities write nothing either


async def test_an_unchanged_answer_for_another_seq_is_not_believed(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A hub claiming 'unchanged' for a seq it was not asked about: resync."""
    coordinator: AlarmHubCoordinator = init_integration.runtime_data
    honest: Handler = hub.commands["get_state"]
    asked: list[dict[str, Any]] = []

    async def lying(args: dict[str, Any]) -> dict[str, Any]:
        asked.append(dict(args))
        if "since_seq" in args:
            return {"seq": hub.seq + 5, "unchanged": True}
        return await honest(args)

    hub.commands["get_state"] = lying
    await coordinator.async_refresh()
    await settle(hass)
    assert not coordinator.last_update_success
    assert hass.states.get(FRONT_DOOR).state == STATE_UNAVAILABLE
    await coordinator.async_refresh()  # out of sync: asks for everything
    await settle(hass)
    assert asked == [{"since_seq": hub.seq}, {}]
    assert coordinator.last_update_success
    assert hass.states.get(FRONT_DOOR).state == "off"
