"""Bypass switches: one per zone, following the panel's bypass rules."""

from __future__ import annotations

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_CODE,
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_DISARM,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ZoneType
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.panel import SimZone

from .common import attribute, settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
FRONT_DOOR = "switch.demo_home_house_front_door_bypass"
GOOD_CODE = "4826"


async def switch(
    hass: HomeAssistant, service: str, entity_id: str = FRONT_DOOR
) -> None:
    """Turn a bypass switch on or off."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    await settle(hass)


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A config switch per bypassable zone, on its partition's device."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    entries = [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry_id)
        if e.domain == SWITCH_DOMAIN
    ]
    # Smoke, CO and water zones are always armed: no switch for the smoke zone.
    assert len(entries) == 9
    assert "switch.demo_home_house_kitchen_smoke_bypass" not in {
        e.entity_id for e in entries
    }
    for entry in sorted(entries, key=lambda e: e.entity_id):
        assert entry.entity_category is EntityCategory.CONFIG
        assert entry.translation_key == "bypass"
        device = device_registry.async_get(entry.device_id or "")
        assert device is not None
        assert device.name in ("House", "Garage")
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


@pytest.mark.usefixtures("init_integration")
async def test_bypass_and_restore(hass: HomeAssistant, hub: Hub) -> None:
    """Bypass a zone, see it on the panel; restore it."""
    await switch(hass, SERVICE_TURN_ON)
    assert hub.panel.zones["1"].bypassed
    assert state_of(hass, FRONT_DOOR).state == "on"
    assert attribute(hass, HOUSE, "bypassed_zones") == ["Front door"]
    await switch(hass, SERVICE_TURN_OFF)
    assert not hub.panel.zones["1"].bypassed
    assert state_of(hass, FRONT_DOOR).state == "off"
    assert attribute(hass, HOUSE, "bypassed_zones") == []


@pytest.mark.usefixtures("init_integration")
async def test_bypassed_zone_lets_arm_and_clears_on_disarm(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """An open, bypassed door does not stop arming; disarm clears the bypass."""
    hub.panel.set_zone("1", True)
    await switch(hass, SERVICE_TURN_ON)
    await hass.services.async_call(
        PANEL_DOMAIN, SERVICE_ALARM_ARM_AWAY, {ATTR_ENTITY_ID: HOUSE}, blocking=True
    )
    clock.advance(60)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "armed_away"

    with pytest.raises(ServiceValidationError) as err:
        await switch(hass, SERVICE_TURN_OFF)
    assert err.value.translation_key == "system_armed"
    assert err.value.translation_placeholders["partition"] == "House"
    assert hub.panel.zones["1"].bypassed

    await hass.services.async_call(
        PANEL_DOMAIN,
        SERVICE_ALARM_DISARM,
        {ATTR_ENTITY_ID: HOUSE, ATTR_CODE: GOOD_CODE},
        blocking=True,
    )
    await settle(hass)
    assert state_of(hass, FRONT_DOOR).state == "off"
    assert attribute(hass, HOUSE, "bypassed_zones") == []


@pytest.mark.usefixtures("init_integration")
async def test_new_zone_gets_a_switch(hass: HomeAssistant, hub: Hub) -> None:
    """A zone the installer adds at the hub gets its bypass switch at once."""
    hub.panel.add_zone(
        SimZone(
            id="11",
            name="Patio door",
            partition="1",
            type=ZoneType.DOOR,
            entry_delay=True,
        )
    )
    await settle(hass)
    assert state_of(hass, "switch.demo_home_house_patio_door_bypass").state == "off"
