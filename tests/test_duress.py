"""Duress: the duress code disarms as usual and raises a silent alarm in HA."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    mock_restore_cache,
)

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub

from .codes_helpers import settle
from .operations import CODE, HOUSE

DURESS = "8315"  # the demo's duress code
HOUSE_DURESS = "binary_sensor.demo_home_house_duress"
GARAGE_DURESS = "binary_sensor.demo_home_garage_duress"


async def _disarm(hass: HomeAssistant, code: str) -> None:
    await hass.services.async_call(
        "alarm_control_panel",
        "alarm_disarm",
        {"entity_id": HOUSE, "code": code},
        blocking=True,
    )
    await settle(hass)


async def test_duress_disarms_and_raises_a_silent_alarm(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """Disarmed as by a user; an event and a problem sensor, nothing else."""
    events = async_capture_events(hass, f"{DOMAIN}_duress")
    alarms = async_capture_events(hass, f"{DOMAIN}_alarm")
    assert hass.states.get(HOUSE_DURESS).state == STATE_OFF
    hub.panel.failed_attempts = 2
    hub.panel.arm("1", ArmMode.AWAY)
    await settle(hass)

    await _disarm(hass, DURESS)

    assert hass.states.get(HOUSE).state == "disarmed"
    assert hub.panel.failed_attempts == 0  # a good code, as far as anyone sees
    assert [e.data for e in events] == [
        {
            "config_entry_id": init_integration.entry_id,
            "partition": "1",
            "partition_name": "House",
            "entity_id": HOUSE,
        }
    ]
    assert alarms == []  # no siren, no audible alarm
    assert hass.states.get(HOUSE_DURESS).state == STATE_ON
    assert hass.states.get(HOUSE_DURESS).attributes["device_class"] == "problem"
    assert hass.states.get(GARAGE_DURESS).state == STATE_OFF
    assert DURESS not in str(events[0].data)

    # Arming again ends it.
    hub.panel.arm("1", ArmMode.STAY)
    clock.advance(60)
    await settle(hass)
    assert hass.states.get(HOUSE).state == "armed_home"
    assert hass.states.get(HOUSE_DURESS).state == STATE_OFF
    await _disarm(hass, CODE)
    assert hass.states.get(HOUSE_DURESS).state == STATE_OFF
    assert len(events) == 1  # a user's code raises nothing


async def test_duress_survives_a_restart(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A duress raised before a restart is still shown after it."""
    mock_restore_cache(hass, [State(HOUSE_DURESS, STATE_ON)])
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await settle(hass)
    assert hass.states.get(HOUSE_DURESS).state == STATE_ON
    assert hass.states.get(GARAGE_DURESS).state == STATE_OFF
    assert await hass.config_entries.async_unload(config_entry.entry_id)
