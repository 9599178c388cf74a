"""Bypass and chime switches, and the panel's trouble sensors, on a Vista."""

from __future__ import annotations

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from .conftest import ALEX, PANEL, PREFIX
from .helpers import wait_state

BYPASS = f"switch.{PREFIX}_front_door_bypass"
CHIME = f"switch.{PREFIX}_chime"


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {"entity_id": entity_id}, blocking=True
    )


async def test_bypass_then_disarm_restores(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Bypass the front door (master + 6 + 05); disarming restores it."""
    assert hass.states.get(BYPASS).state == "off"
    await _switch(hass, "turn_on", BYPASS)
    await wait_state(hass, BYPASS, "on")
    assert ad2.panel.zones[5].bypassed
    # A Vista restores one zone only by disarming: turning off is refused.
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, "turn_off", BYPASS)
    assert err.value.translation_key == "bypass_by_disarm"  # says: disarm to restore
    assert ad2.panel.zones[5].bypassed
    # The open front door no longer keeps the panel from arming.
    ad2.panel.set_zone(5, True)
    await hass.services.async_call(
        "alarm_control_panel",
        "alarm_arm_away",
        {"entity_id": PANEL},
        blocking=True,
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    await hass.services.async_call(
        "alarm_control_panel",
        "alarm_disarm",
        {"entity_id": PANEL, "code": ALEX},
        blocking=True,
    )
    await wait_state(hass, PANEL, "disarmed")
    await wait_state(hass, BYPASS, "off")
    assert not ad2.panel.zones[5].bypassed


async def test_bypass_refused_while_armed(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Armed: no bypass, the error names the partition; nothing keyed."""
    await hass.services.async_call(
        "alarm_control_panel", "alarm_arm_away", {"entity_id": PANEL}, blocking=True
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, "turn_on", BYPASS)
    assert err.value.translation_key == "system_armed"
    assert not ad2.panel.zones[5].bypassed


async def test_smoke_zone_has_no_bypass(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """A smoke zone is always armed: no switch."""
    assert hass.states.get(f"switch.{PREFIX}_kitchen_smoke_bypass") is None
    assert hass.states.get(f"switch.{PREFIX}_hall_motion_bypass") is not None


async def test_chime_on_and_off(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """Master + 9 toggles the chime; the switch follows the keypad."""
    assert hass.states.get(CHIME).state == "off"
    await _switch(hass, "turn_on", CHIME)
    await wait_state(hass, CHIME, "on")
    assert ad2.panel.chime
    await _switch(hass, "turn_on", CHIME)  # already on: nothing keyed
    assert ad2.panel.chime
    await _switch(hass, "turn_off", CHIME)
    await wait_state(hass, CHIME, "off")
    assert not ad2.panel.chime


async def test_ac_loss_and_low_battery(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """The keypad's AC and battery bits become the diagnostic sensors."""
    ac_power = f"binary_sensor.{PREFIX}_ac_power"
    battery = f"binary_sensor.{PREFIX}_battery"
    # Unavailable until the keypad has said.
    assert hass.states.get(ac_power).state == "unavailable"
    ad2_clock.advance(ad2.device.site.keypad_interval)
    await wait_state(hass, ac_power, "on")
    await wait_state(hass, battery, "off")
    ad2.panel.set_ac(False)
    ad2.panel.set_battery(True)
    ad2_clock.advance(ad2.device.site.keypad_interval)
    await wait_state(hass, ac_power, "off")
    await wait_state(hass, battery, "on")
    ad2.panel.set_ac(True)
    ad2.panel.set_battery(False)
    ad2_clock.advance(ad2.device.site.keypad_interval)
    await wait_state(hass, ac_power, "on")
    await wait_state(hass, battery, "off")
