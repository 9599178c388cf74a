"""A Vista's users as subentries, with temporary codes (issue 14).

A Vista keeps no schedules. Its users' flow offers an end instead; Home
Assistant deletes the code on the panel (master code + 8 + NN + #0) at the
first moment the system is disarmed at or after the end. The emulated panel
and Home Assistant's temporary codes read the same manual clock; HA's timers
are fired with ``async_fire_time_changed`` as it moves.

Home Assistant's clock is moved by the test (an offset on its own time, not
the emulator's keypad clock: a jump of hours there would silence the keypad
bus and make the connection's watchdog reconnect).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import InvalidData
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub import temporary_codes
from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.base import Capability
from custom_components.alarmhub.vista_user_flow import subentry_types
from simulator.ad2 import AD2Server
from simulator.ad2.modes import Mode
from simulator.clock import ManualClock

from .conftest import ALEX, PANEL
from .helpers import wait_for, wait_state

KNOWN = {3: "Alex", 4: "Sam"}
pytestmark = pytest.mark.parametrize("known_users", [KNOWN])


#: How far the test has moved Home Assistant's clock.
_SHIFT: list[timedelta] = [timedelta()]


def _now() -> datetime:
    return dt_util.utcnow().replace(microsecond=0) + _SHIFT[0]


@pytest.fixture(autouse=True)
async def berlin(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Home Assistant in Berlin, on a clock the test moves."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    _SHIFT[0] = timedelta()
    monkeypatch.setattr(temporary_codes, "NOW", _now)


def _local(moment: datetime) -> str:
    """Return a time as the form has it (local)."""
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M:%S")


async def _settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done()


async def _move(hass: HomeAssistant, hours: float) -> None:
    """Move Home Assistant's clock and fire its timers due meanwhile."""
    _SHIFT[0] += timedelta(hours=hours)
    async_fire_time_changed(hass, dt_util.utcnow() + _SHIFT[0])
    await hass.async_block_till_done()


def _subentry(entry: MockConfigEntry, uid: str) -> Any:
    return next((s for s in entry.subentries.values() if s.unique_id == uid), None)


def _sensor(hass: HomeAssistant, entry: MockConfigEntry, uid: str) -> str | None:
    serial = entry.runtime_data.info.serial
    return er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{serial}_user_{uid}_next_code_change"
    )


async def _add(hass: HomeAssistant, entry: MockConfigEntry, **form: Any) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "vista"
    return await hass.config_entries.subentries.async_configure(result["flow_id"], form)


async def test_known_users_get_subentries(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """The users HA keeps for the Vista are subentries, like a hub's."""
    assert setup_ad2.runtime_data.client.capabilities >= {Capability.TEMPORARY_CODES}
    assert Capability.SCHEDULES not in setup_ad2.runtime_data.client.capabilities
    titles = {s.unique_id: s.title for s in setup_ad2.subentries.values()}
    assert titles == {"3": "Alex", "4": "Sam"}


async def test_a_guest_until_sunday_the_end_waits_for_a_disarm(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """The code works until the end; armed past it; deleted at the disarm."""
    end = _now() + timedelta(hours=48)
    result = await _add(hass, setup_ad2, name="Guest", valid_until=_local(end))
    assert result["step_id"] == "done"
    code = result["description_placeholders"]["code"]
    assert ad2.panel.user_of(code) == 5
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["reason"] == "user_added"
    subentry = _subentry(setup_ad2, "5")
    assert subentry.title == "Guest"
    assert subentry.data["valid_until"] == end.isoformat()
    assert code not in str(subentry.data)
    await _settle(hass)
    sensor = _sensor(hass, setup_ad2, "5")
    assert sensor is not None
    state = hass.states.get(sensor)
    assert dt_util.parse_datetime(state.state) == end
    assert state.attributes["valid_now"] is True
    assert state.attributes["waiting_for_disarm"] is False

    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_arm_away", {"entity_id": PANEL}, blocking=True
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    await _move(hass, 49)  # past the end, armed
    assert ad2.panel.user_of(code) == 5  # the panel cannot be programmed
    state = await wait_for(
        hass, sensor, lambda s: s.attributes.get("waiting_for_disarm") is True
    )
    assert state.attributes["valid_now"] is True

    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_disarm", {"entity_id": PANEL, "code": ALEX}, blocking=True
    )
    await wait_state(hass, PANEL, "disarmed")
    await hass.async_block_till_done()
    await _wait(hass, lambda: ad2.panel.user_of(code) is None)
    await _wait(hass, lambda: _subentry(setup_ad2, "5") is None)
    assert hass.states.get(sensor) is None
    assert "5" not in setup_ad2.runtime_data.data.users


async def _wait(hass: HomeAssistant, check: Any) -> None:
    """Wait until ``check()`` holds (the panel talks over a real line)."""
    async with asyncio.timeout(30):
        while not check():
            await asyncio.sleep(0.01)
            await hass.async_block_till_done()


async def test_an_end_passing_while_disarmed_deletes_at_once(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Disarmed at the end: the code is deleted then, by the timer."""
    result = await _add(
        hass,
        setup_ad2,
        name="Cleaner",
        code="5821",
        valid_until=_local(_now() + timedelta(hours=3)),
    )
    assert result["step_id"] == "share"
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert ad2.panel.user_of("5821") == 5
    # Home Assistant restarts: the end is in the subentry.
    assert await hass.config_entries.async_reload(setup_ad2.entry_id)
    await _settle(hass)
    sensor = _sensor(hass, setup_ad2, "5")
    assert sensor is not None
    state = hass.states.get(sensor)
    assert dt_util.parse_datetime(state.state) > _now() + timedelta(hours=2.9)
    await _move(hass, 2)
    assert ad2.panel.user_of("5821") == 5
    await _move(hass, 1.5)
    await _wait(hass, lambda: ad2.panel.user_of("5821") is None)
    await _wait(hass, lambda: _subentry(setup_ad2, "5") is None)


async def test_an_end_in_the_past_is_an_error_on_the_form(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    result = await _add(
        hass,
        setup_ad2,
        name="Late",
        code="5821",
        valid_until=_local(_now() - timedelta(hours=1)),
    )
    assert result["errors"] == {"base": "temporary_end_past"}
    assert ad2.panel.user_of("5821") is None
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Late", "valid_until": "not a time"}
        )


async def test_adding_while_armed_names_the_partition(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2_clock: ManualClock
) -> None:
    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_arm_away", {"entity_id": PANEL}, blocking=True
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    result = await _add(hass, setup_ad2, name="Kim", code="5821")
    assert result["errors"] == {"base": "system_armed"}
    assert _subentry(setup_ad2, "5") is None


async def test_reconfigure_the_name_the_code_and_the_end(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """An end is set, shown again, cleared; a new code replaces the old."""
    subentry_id = _subentry(setup_ad2, "4").subentry_id

    async def reconfigure(form: dict[str, Any]) -> Any:
        result = await hass.config_entries.subentries.async_init(
            (setup_ad2.entry_id, "user"),
            context={"source": "reconfigure", "subentry_id": subentry_id},
        )
        assert result["step_id"] == "vista_reconfigure"
        return await hass.config_entries.subentries.async_configure(
            result["flow_id"], form
        )

    until = _local(_now() + timedelta(hours=24))
    result = await reconfigure({"name": "Sam", "valid_until": until})
    assert result["reason"] == "reconfigure_successful"
    assert "valid_until" in _subentry(setup_ad2, "4").data
    await _settle(hass)
    assert _sensor(hass, setup_ad2, "4") is not None

    result = await hass.config_entries.subentries.async_init(
        (setup_ad2.entry_id, "user"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    shown = {
        str(key): key.description.get("suggested_value")
        for key in result["data_schema"].schema
        if key.description
    }
    assert shown["valid_until"] == until

    result = await reconfigure({"name": "Sam B", "random_code": True})
    assert result["step_id"] == "done"
    code = result["description_placeholders"]["code"]
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert ad2.panel.user_of(code) == 4
    subentry = _subentry(setup_ad2, "4")
    assert subentry.title == "Sam B"
    assert "valid_until" not in subentry.data
    await _settle(hass)
    assert hass.states.get(_sensor(hass, setup_ad2, "4") or "sensor.none") is None

    result = await reconfigure({"name": "Sam B", "code": "1111", "random_code": True})
    assert result["errors"] == {"base": "code_and_random_code"}


async def test_deleting_the_subentry_deletes_the_code(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    assert ad2.panel.user_of(ALEX) == 3
    hass.config_entries.async_remove_subentry(
        setup_ad2, _subentry(setup_ad2, "3").subentry_id
    )
    await _wait(hass, lambda: ad2.panel.user_of(ALEX) is None)
    assert "3" not in setup_ad2.runtime_data.data.users
    assert ad2.panel.mode is Mode.DISARMED


async def test_a_dsc_has_no_user_subentries(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    dsc = MockConfigEntry(
        domain=DOMAIN, data={**setup_ad2.data, "panel_type": "dsc"}, title="DSC"
    )
    assert subentry_types(dsc) == {}
    assert "user" in subentry_types(setup_ad2)


async def test_with_the_panel_away(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """Away: an end is refused (a queued add would lose it); a plain add waits."""
    await setup_ad2.runtime_data.client.close()
    result = await _add(
        hass,
        setup_ad2,
        name="Kim",
        code="5821",
        valid_until=_local(_now() + timedelta(hours=3)),
    )
    assert result["errors"] == {"base": "communication_error"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Kim", "code": "5821"}
    )
    assert result["step_id"] == "share"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["reason"] == "user_queued"
    assert ad2.panel.user_of("5821") is None


async def test_a_user_gone_meanwhile(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """The form was open while the user was deleted: the flow says so."""
    result = await hass.config_entries.subentries.async_init(
        (setup_ad2.entry_id, "user"),
        context={
            "source": "reconfigure",
            "subentry_id": _subentry(setup_ad2, "4").subentry_id,
        },
    )
    await hass.services.async_call(
        DOMAIN,
        "delete_user",
        {"config_entry_id": setup_ad2.entry_id, "slot": 4},
        blocking=True,
        return_response=True,
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Sam"}
    )
    assert result["reason"] == "user_gone"


async def test_not_loaded(hass: HomeAssistant, setup_ad2: MockConfigEntry) -> None:
    subentry_id = _subentry(setup_ad2, "4").subentry_id
    await hass.config_entries.async_unload(setup_ad2.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (setup_ad2.entry_id, "user"), context={"source": SOURCE_USER}
    )
    assert result["reason"] == "not_loaded"
    result = await hass.config_entries.subentries.async_init(
        (setup_ad2.entry_id, "user"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    assert result["reason"] == "not_loaded"
