"""The alarmhub.arm action: arming options, refusals, events and bypasses."""

from __future__ import annotations

from typing import Any

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.const import ATTR_CODE, ATTR_ENTITY_ID, SERVICE_ALARM_DISARM
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.alarmhub.const import DOMAIN
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import attribute, settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"
WINDOW_BYPASS = "switch.demo_home_house_living_room_window_bypass"
GOOD_CODE = "4826"  # Alex, in the demo site


async def arm(
    hass: HomeAssistant, entity_id: str = HOUSE, **data: Any
) -> ServiceResponse:
    """Call alarmhub.arm and let the pushed events arrive."""
    response = await hass.services.async_call(
        DOMAIN,
        "arm",
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        return_response=True,
    )
    await settle(hass)
    return response


@pytest.mark.usefixtures("init_integration")
async def test_window_open_refused_then_force_bypass(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Refused naming the window, event fired; force bypass arms; disarm clears."""
    refused = async_capture_events(hass, f"{DOMAIN}_arm_refused")
    hub.panel.set_zone("3", True)
    await settle(hass)
    assert attribute(hass, HOUSE, "ready") is False
    assert attribute(hass, HOUSE, "open_zones") == ["Living room window"]

    with pytest.raises(ServiceValidationError) as err:
        await arm(hass, mode="away")
    assert err.value.translation_key == "zones_open"
    assert err.value.translation_placeholders["zones"] == "Living room window"
    assert "Living room window" in str(err.value)
    assert state_of(hass, HOUSE).state == "disarmed"
    assert len(refused) == 1
    data = refused[0].data
    assert data["reason"] == "zones_open"
    assert data["zones"] == ["Living room window"]
    assert data["zone_ids"] == ["3"]
    assert data["mode"] == "away"
    assert data["entity_id"] == HOUSE
    assert data["partition_name"] == "House"
    assert (
        data["config_entry_id"] == hass.config_entries.async_entries(DOMAIN)[0].entry_id
    )

    response = await arm(hass, mode="away", options=["force_bypass"])
    assert response == {HOUSE: {"bypassed_zones": ["Living room window"]}}
    assert state_of(hass, HOUSE).state == "arming"
    assert attribute(hass, HOUSE, "bypassed_zones") == ["Living room window"]
    assert state_of(hass, WINDOW_BYPASS).state == "on"
    clock.advance(60)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "armed_away"
    assert len(refused) == 1

    await hass.services.async_call(
        PANEL_DOMAIN,
        SERVICE_ALARM_DISARM,
        {ATTR_ENTITY_ID: HOUSE, ATTR_CODE: GOOD_CODE},
        blocking=True,
    )
    await settle(hass)
    assert state_of(hass, HOUSE).state == "disarmed"
    assert attribute(hass, HOUSE, "bypassed_zones") == []
    assert state_of(hass, WINDOW_BYPASS).state == "off"
    assert not hub.panel.zones["3"].bypassed


@pytest.mark.usefixtures("init_integration")
async def test_no_entry_delay_triggers_at_once(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Armed away without entry delay: the front door triggers immediately."""
    response = await arm(hass, mode="away", options=["no_entry_delay"], code=GOOD_CODE)
    assert response == {HOUSE: {"bypassed_zones": []}}
    clock.advance(60)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "armed_away"
    assert attribute(hass, HOUSE, "changed_by") == "Alex"
    hub.panel.set_zone("1", True)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "triggered"


@pytest.mark.usefixtures("init_integration")
async def test_unsupported_option_is_named(hass: HomeAssistant, hub: Hub) -> None:
    """The garage has no silent arming: refused naming it, and nothing changes."""
    seq = hub.seq
    with pytest.raises(ServiceValidationError) as err:
        await arm(hass, GARAGE, mode="night", options=["silent", "force_bypass"])
    assert err.value.translation_key == "not_supported"
    assert err.value.translation_placeholders["partition"] == "Garage"
    assert err.value.translation_placeholders["options"] == "silent"
    assert str(err.value) == "Garage does not support these arming options: silent"
    assert state_of(hass, GARAGE).state == "disarmed"
    assert hub.seq == seq


@pytest.mark.usefixtures("init_integration")
async def test_bad_input_changes_nothing(hass: HomeAssistant, hub: Hub) -> None:
    """Unknown modes and options never reach the hub."""
    seq = hub.seq
    with pytest.raises(Exception, match="mode"):
        await arm(hass, mode="vacation")
    with pytest.raises(Exception, match="options"):
        await arm(hass, mode="away", options=["fast"])
    assert hub.seq == seq
    assert state_of(hass, HOUSE).state == "disarmed"


@pytest.mark.usefixtures("init_integration")
async def test_wrong_code_is_refused(hass: HomeAssistant) -> None:
    """A wrong code given to arm is the user's mistake; the panel stays disarmed."""
    with pytest.raises(ServiceValidationError) as err:
        await arm(hass, mode="stay", code="0000")
    assert err.value.translation_key == "invalid_code_attempts"
    assert state_of(hass, HOUSE).state == "disarmed"
