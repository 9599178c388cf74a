"""Arming and disarming a Vista through the AD2, over ser2sock and serial."""

from __future__ import annotations

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.ad2 import AD2Server
from simulator.ad2.modes import Mode
from simulator.clock import ManualClock

from .conftest import ALEX, PANEL, PREFIX
from .helpers import wait_for, wait_state


async def _arm(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(
        PANEL_DOMAIN, service, {"entity_id": PANEL, **data}, blocking=True
    )


async def test_arm_away_exit_delay_then_disarm_names_the_user(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Away: arming during the exit delay, then armed; disarm by Alex's code."""
    await _arm(hass, "alarm_arm_away")
    await wait_state(hass, PANEL, "arming")
    assert ad2.panel.mode is Mode.AWAY
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    await _arm(hass, "alarm_disarm", code=ALEX)
    state = await wait_state(hass, PANEL, "disarmed")
    assert ad2.panel.mode is Mode.DISARMED
    await wait_for(hass, PANEL, lambda s: s.attributes.get("changed_by") == "Alex")
    assert state.attributes["code_format"] == "number"


@pytest.mark.parametrize(
    ("service", "mode", "state"),
    [
        ("alarm_arm_home", Mode.STAY, "armed_home"),
        ("alarm_arm_night", Mode.NIGHT, "armed_night"),
    ],
)
async def test_stay_and_night_stay(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
    service: str,
    mode: Mode,
    state: str,
) -> None:
    """Stay is code+3, night-stay code+33; motion stays unarmed."""
    await _arm(hass, service)
    await wait_state(hass, PANEL, "arming")
    assert ad2.panel.mode is mode
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, state)
    seen: list[str] = []
    remove = async_track_state_change_event(
        hass, PANEL, callback(lambda e: seen.append(e.data["new_state"].state))
    )
    ad2.panel.set_zone(3, True)  # walking past the hall motion sensor
    ad2_clock.advance(4)  # a keypad round: an armed keypad shows no faults
    assert not ad2.panel.sounding
    await _arm(hass, "alarm_disarm", code=ALEX)
    await wait_state(hass, PANEL, "disarmed")
    # Disarmed, the keypad shows the fault again.
    await wait_state(hass, f"binary_sensor.{PREFIX}_hall_motion", "on")
    remove()
    assert "triggered" not in seen
    assert "pending" not in seen


async def test_open_zone_blocks_arming_and_is_named(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """An open front door: refused, naming it, nothing armed."""
    ad2.panel.set_zone(5, True)
    await wait_state(hass, f"binary_sensor.{PREFIX}_front_door", "on")
    with pytest.raises(ServiceValidationError) as err:
        await _arm(hass, "alarm_arm_away")
    assert err.value.translation_key == "zones_open"
    assert "Front door" in str(err.value)
    assert ad2.panel.mode is Mode.DISARMED
    assert hass.states.get(PANEL).state == "disarmed"


async def test_force_bypass_and_max(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """alarmhub.arm: force bypass arms around the open window; MAX (no entry delay)."""
    ad2.panel.set_zone(7, True)
    await wait_state(hass, f"binary_sensor.{PREFIX}_living_room_window", "on")
    result = await hass.services.async_call(
        DOMAIN,
        "arm",
        {
            "entity_id": PANEL,
            "mode": "away",
            "options": ["force_bypass", "no_entry_delay"],
        },
        blocking=True,
        return_response=True,
    )
    assert result[PANEL]["bypassed_zones"] == ["Living room window"]
    assert ad2.panel.mode is Mode.MAX
    await wait_state(hass, f"switch.{PREFIX}_living_room_window_bypass", "on")
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")


async def test_entry_delay_then_alarm(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Armed away, the front door opens: pending, then triggered."""
    await _arm(hass, "alarm_arm_away")
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    ad2.panel.set_zone(5, True)
    await wait_state(hass, PANEL, "pending")
    ad2_clock.advance(31)
    await wait_state(hass, PANEL, "triggered")
    await _arm(hass, "alarm_disarm", code=ALEX)
    await wait_state(hass, PANEL, "disarmed")


async def test_wrong_code_is_refused_alike(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """A wrong code: the one wrong-code error; still armed."""
    await _arm(hass, "alarm_arm_away")
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    with pytest.raises(ServiceValidationError) as err:
        await _arm(hass, "alarm_disarm", code="9999")
    assert err.value.translation_key == "invalid_code"
    assert ad2.panel.mode is Mode.AWAY


async def test_instant_stay_then_the_door_sounds_at_once(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Stay with no entry delay is INSTANT: the front door alarms at once."""
    await hass.services.async_call(
        DOMAIN,
        "arm",
        {"entity_id": PANEL, "mode": "stay", "options": ["no_entry_delay"]},
        blocking=True,
        return_response=True,
    )
    assert ad2.panel.mode is Mode.INSTANT
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_home")
    ad2.panel.set_zone(5, True)
    await wait_state(hass, PANEL, "triggered")
    await _arm(hass, "alarm_disarm", code=ALEX)
    await wait_state(hass, PANEL, "disarmed")


async def test_fire_shows_on_the_fire_sensor(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
) -> None:
    """The kitchen smoke loop trips even disarmed: fire sensor on, triggered."""
    ad2.panel.set_zone(1, True)
    await wait_state(hass, f"binary_sensor.{PREFIX}_fire", "on")
    await wait_state(hass, PANEL, "triggered")
