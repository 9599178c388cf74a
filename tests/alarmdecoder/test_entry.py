"""The Vista's switches, troubles, diagnostics and life cycle through HA."""

from __future__ import annotations

import json

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.diagnostics import async_get_config_entry_diagnostics
from simulator.ad2 import AD2Server
from simulator.ad2.modes import Mode
from simulator.clock import ManualClock

from .conftest import ALEX, MASTER, PANEL, PREFIX
from .helpers import wait_state

BYPASS = f"switch.{PREFIX}_front_door_bypass"
CHIME = f"switch.{PREFIX}_chime"


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        "switch", service, {"entity_id": entity_id}, blocking=True
    )


async def test_bypass_switch_lets_the_open_door_arm(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Bypass the open front door: away arms; disarming clears the bypass."""
    ad2.panel.set_zone(5, True)
    await wait_state(hass, f"binary_sensor.{PREFIX}_front_door", "on")
    await _switch(hass, "turn_on", BYPASS)
    await wait_state(hass, BYPASS, "on")
    assert ad2.panel.zones[5].bypassed
    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_arm_away", {"entity_id": PANEL}, blocking=True
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_disarm", {"entity_id": PANEL, "code": ALEX}, blocking=True
    )
    await wait_state(hass, PANEL, "disarmed")
    await wait_state(hass, BYPASS, "off")
    assert not ad2.panel.zones[5].bypassed
    assert ad2.panel.mode is Mode.DISARMED


async def test_bypass_switch_off_asks_to_disarm(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """A Vista restores bypasses only by disarming: turning one off says so."""
    await _switch(hass, "turn_on", BYPASS)
    await wait_state(hass, BYPASS, "on")
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, "turn_off", BYPASS)
    assert err.value.translation_key == "bypass_by_disarm"
    assert err.value.translation_placeholders["partition"] == "Alarm"
    assert "disarm it" in str(err.value)
    assert ad2.panel.zones[5].bypassed
    assert hass.states.get(BYPASS).state == "on"


async def test_chime_switch(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """The chime switch toggles the panel's chime, and follows the keypad."""
    await _switch(hass, "turn_on", CHIME)
    await wait_state(hass, CHIME, "on")
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
    """Mains lost and the standby battery low show on diagnostic sensors."""
    ac = f"binary_sensor.{PREFIX}_ac_power"
    battery = f"binary_sensor.{PREFIX}_battery"
    ad2_clock.advance(4)  # the next periodic keypad message carries both bits
    await wait_state(hass, ac, "on")
    await wait_state(hass, battery, "off")
    ad2.panel.set_ac(False)
    await wait_state(hass, ac, "off")
    ad2.panel.set_battery(True)
    await wait_state(hass, battery, "on")
    ad2.panel.set_ac(True)
    ad2.panel.set_battery(False)
    await wait_state(hass, ac, "on")
    await wait_state(hass, battery, "off")


async def test_diagnostics_hide_the_master_code(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """Diagnostics name the panel but never its master code or host."""
    diagnostics = await async_get_config_entry_diagnostics(hass, setup_ad2)
    data = diagnostics["entry"]["data"]
    assert data["master_code"] == "**REDACTED**"
    assert data["panel_type"] == "vista"
    text = json.dumps(diagnostics, default=str)
    assert MASTER not in text
    assert ALEX not in text


async def test_reload_and_unload(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """Reloading reconnects to the AD2; unloading lets the line go."""
    assert await hass.config_entries.async_reload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert setup_ad2.state is ConfigEntryState.LOADED
    await wait_state(hass, PANEL, "disarmed")
    assert await hass.config_entries.async_unload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert setup_ad2.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(PANEL).state == "unavailable"


async def test_what_a_vista_cannot_do_is_refused_naming_it(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """A phone swap needs the hub's account: refused, naming the panel."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "alarmhub",
            "phone_swap",
            {
                "config_entry_id": setup_ad2.entry_id,
                "old_number": "+15550100",
                "new_number": "+15550101",
            },
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "not_supported_by_panel"
    assert err.value.translation_placeholders == {
        "panel": "Vista",
        "capability": "account",
    }
    assert hass.states.get(PANEL).state == "disarmed"
