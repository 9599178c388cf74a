"""Zone sensors: device classes, pushed changes, zones added and removed."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ZoneType
from simulator.hub import Hub
from simulator.panel import SimZone

FRONT_DOOR = "binary_sensor.demo_home_house_front_door"


async def settle(hass: HomeAssistant) -> None:
    for _ in range(5):
        await asyncio.sleep(0.01)
        await hass.async_block_till_done()


async def test_zone_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One sensor per zone, with its device class, on its partition's device."""
    entries = [
        e
        for e in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if e.domain == Platform.BINARY_SENSOR
    ]
    # Per zone: the zone, its battery and its tamper sensor (disabled).
    assert len(entries) == 32  # and a duress sensor per partition
    assert sum(e.disabled_by is not None for e in entries) == 10
    for entry in sorted(entries, key=lambda e: e.entity_id):
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The hub is a device; each partition is a part of it; the rest hang off it."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    hub = device_registry.async_get_device_by_identifier(
        (DOMAIN, "AH1000001"), init_integration.entry_id
    )
    assert hub is not None
    assert hub == snapshot(name="hub")
    # Every other device (locks, recorders) is reached through the hub.
    assert all(d.via_device_id == hub.id for d in devices if d.id != hub.id)
    partitions = [
        device_registry.async_get_child_device_by_identifier(
            (DOMAIN, f"AH1000001_partition_{key}"), init_integration.entry_id
        )
        for key in ("1", "2")
    ]
    assert [(p.name, p.parent_device_id) for p in partitions if p] == [
        ("House", hub.id),
        ("Garage", hub.id),
    ]


@pytest.mark.usefixtures("init_integration")
async def test_zone_opens_and_closes(hass: HomeAssistant, hub: Hub) -> None:
    """Open and close at the hub show in HA as on and off."""
    hub.panel.set_zone("1", True)
    await settle(hass)
    assert hass.states.get(FRONT_DOOR).state == "on"
    hub.panel.set_zone("1", False)
    await settle(hass)
    assert hass.states.get(FRONT_DOOR).state == "off"


@pytest.mark.usefixtures("init_integration")
async def test_zone_added_and_removed_at_the_hub(
    hass: HomeAssistant, hub: Hub, entity_registry: er.EntityRegistry
) -> None:
    """A zone the installer adds appears at once; a removed one goes away."""
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
    attic = "binary_sensor.demo_home_house_attic_window"
    state = hass.states.get(attic)
    assert state is not None
    assert state.attributes["device_class"] == "window"
    hub.panel.remove_zone("11")
    await settle(hass)
    assert hass.states.get(attic) is None
    assert entity_registry.async_get(attic) is None


@pytest.mark.usefixtures("init_integration")
async def test_no_state_write_when_nothing_changed(
    hass: HomeAssistant, hub: Hub
) -> None:
    """A refresh that changes nothing writes no state."""
    writes: list[str] = []

    @callback
    def record(event: Event) -> None:
        writes.append(event.data["entity_id"])

    @callback
    def everything(_: Any) -> bool:
        return True

    hass.bus.async_listen("state_changed", record)
    hass.bus.async_listen("state_reported", record, event_filter=everything)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await entry.runtime_data.async_refresh()
    await settle(hass)
    assert writes == []
    hub.panel.set_zone("3", True)
    await settle(hass)
    assert sorted(set(writes)) == [
        "alarm_control_panel.demo_home_house",
        "binary_sensor.demo_home_house_living_room_window",
    ]


@pytest.mark.usefixtures("init_integration")
async def test_zone_troubles(
    hass: HomeAssistant, hub: Hub, entity_registry: er.EntityRegistry
) -> None:
    """Low battery and tamper show on diagnostic sensors; tamper starts disabled."""
    battery = "binary_sensor.demo_home_house_kitchen_window_battery"
    tamper = "binary_sensor.demo_home_house_kitchen_window_tamper"
    assert hass.states.get(battery).state == "off"
    assert hass.states.get(tamper) is None  # disabled by default
    registered = entity_registry.async_get(tamper)
    assert registered is not None
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registered.entity_category == "diagnostic"
    hub.panel.set_zone_trouble("4", low_battery=True)
    await settle(hass)
    assert hass.states.get(battery).state == "on"
    assert hass.states.get(battery).attributes["device_class"] == "battery"
    hub.panel.set_zone_trouble("4", low_battery=False)
    await settle(hass)
    assert hass.states.get(battery).state == "off"


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_zone_tamper(hass: HomeAssistant, hub: Hub) -> None:
    """An opened sensor cover turns the (enabled) tamper sensor on."""
    tamper = "binary_sensor.demo_home_house_front_door_tamper"
    assert hass.states.get(tamper).state == "off"
    hub.panel.set_zone_trouble("1", tamper=True)
    await settle(hass)
    assert hass.states.get(tamper).state == "on"
    assert hass.states.get(FRONT_DOOR).state == "off"  # the door did not open
