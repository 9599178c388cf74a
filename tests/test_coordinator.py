"""The coordinator's topics: an event about one object calls only its listeners."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.coordinator import AlarmHubCoordinator, Topic
from custom_components.alarmhub.panels.hub import ZoneType
from simulator.hub import Hub
from simulator.panel import SimZone

from .common import settle, state_of

FRONT_DOOR = "binary_sensor.demo_home_house_front_door"
BACK_DOOR = "binary_sensor.demo_home_house_back_door"


class Calls:
    """Listeners that record what they were told, by name."""

    def __init__(self, coordinator: AlarmHubCoordinator) -> None:
        self.coordinator = coordinator
        self.calls: list[tuple[str, frozenset[Topic] | None]] = []
        self.removers = []

    def listen(self, name: str, topic: Topic | None) -> None:
        def listener() -> None:
            self.calls.append((name, self.coordinator.updated_topics))

        self.removers.append(self.coordinator.async_add_listener(listener, topic))

    def names(self) -> list[str]:
        names = sorted(name for name, _ in self.calls)
        self.calls.clear()
        return names


@pytest.fixture
def calls(init_integration: MockConfigEntry) -> Calls:
    """Listen to zone 1, zone 2 and everything."""
    recorder = Calls(init_integration.runtime_data)
    recorder.listen("zone 1", ("zone", "1"))
    recorder.listen("zone 2", ("zone", "2"))
    recorder.listen("all", None)
    return recorder


async def test_event_about_one_object(
    hass: HomeAssistant, hub: Hub, calls: Calls
) -> None:
    """A zone's event reaches its own listeners and the topic-less ones."""
    hub.panel.set_zone("1", True)
    await settle(hass)
    # The zone event, then the partition event (which no zone listens to).
    assert calls.calls == [
        ("all", frozenset({("zone", "1")})),
        ("zone 1", frozenset({("zone", "1")})),
        ("all", frozenset({("partition", "1")})),
    ]
    calls.calls.clear()
    assert state_of(hass, FRONT_DOOR).state == "on"
    assert state_of(hass, BACK_DOOR).state == "off"
    hub.panel.set_zone("2", True)
    await settle(hass)
    assert calls.names() == ["all", "all", "zone 2"]
    assert state_of(hass, BACK_DOOR).state == "on"


async def test_whole_state_and_new_objects_reach_everyone(
    hass: HomeAssistant, hub: Hub, calls: Calls
) -> None:
    """A refresh, a new object or a removed one may concern any listener."""
    coordinator: AlarmHubCoordinator = calls.coordinator
    hub.panel.zones["2"].open = True  # changed behind HA's back: only a poll sees it
    await coordinator.async_refresh()
    assert sorted(calls.calls) == [("all", None), ("zone 1", None), ("zone 2", None)]
    calls.calls.clear()
    assert state_of(hass, BACK_DOOR).state == "on"
    hub.panel.add_zone(
        SimZone(
            id="11",
            name="Attic window",
            partition="1",
            type=ZoneType.WINDOW,
            entry_delay=False,
        )
    )
    await settle(hass)
    assert "zone 2" in calls.names()
    hub.panel.remove_zone("11")
    await settle(hass)
    assert "zone 2" in calls.names()


async def test_removed_listener_is_not_called(
    hass: HomeAssistant, hub: Hub, calls: Calls
) -> None:
    """A listener that stopped listening hears nothing more."""
    for remove in calls.removers:
        remove()
    hub.panel.set_zone("1", True)
    await settle(hass)
    assert calls.calls == []
    assert state_of(hass, FRONT_DOOR).state == "on"
