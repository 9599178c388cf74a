"""Household locks follow a user's schedule: off outside it, back inside it.

The hub enforces the dog walker's weekday lunchtime window itself; the
household locks get the code taken off at each closing edge (ZHA: disabled,
Z-Wave JS and Matter: cleared) and back at each opening edge, with the house
armed away, and across a Home Assistant restart. Time is the hub simulator's
ManualClock (Monday 7 December 2026, 10:00 in Berlin at the start).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.panels.hub import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub

from ..codes_helpers import action, settle
from ..operations import HOUSE
from ..test_schedules import LUNCH, _move, berlin, clock  # noqa: F401 (fixtures)
from .conftest import GARAGE, OUTSIDE, PATIO, SIDE
from .stacks import FakeLock, Stacks

WALKER = "250913"
STATUS = "sensor.demo_home_dog_walker_code_status"
KIM = "sensor.demo_home_kim_code_status"
WINDOW = {"days": LUNCH["days"], "window_from": "12:00:00", "window_to": "13:00:00"}


def _lock_states(hass: HomeAssistant, entity_id: str) -> dict[str, str]:
    return dict(hass.states.get(entity_id).attributes["locks"])


def _zha_calls(stacks: Stacks, since: int = 0) -> list[str]:
    return [s for d, s, _ in stacks.calls[since:] if d == "zha"]


async def _add_walker(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    locks: tuple[str, ...] = (SIDE, GARAGE, PATIO),
) -> None:
    await action(hass, "delete_user", entry.entry_id, slot=3)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Dog walker",
            "code": WALKER,
            "code_length": 6,
            "locks": list(locks),
            "schedule": WINDOW,
        },
    )
    assert result["step_id"] == "share"
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    await settle(hass)


@pytest.mark.usefixtures("berlin", "debug_everywhere")
async def test_household_locks_follow_the_window_while_armed(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,  # noqa: F811
    stacks: Stacks,
    side: FakeLock,
    garage: FakeLock,
    patio: FakeLock,
) -> None:
    caplog.set_level(logging.DEBUG)
    await _add_walker(hass, init_integration)
    # 10:00: outside the window, no lock has the code yet.
    assert side.codes == OUTSIDE[SIDE]
    assert garage.codes == OUTSIDE[GARAGE]
    assert patio.codes == OUTSIDE[PATIO]
    assert _lock_states(hass, STATUS) == {
        "Side door": "scheduled_off",
        "Garage door": "scheduled_off",
        "Patio door": "scheduled_off",
    }
    hub.panel.arm("1", ArmMode.AWAY)
    await _move(hass, clock, 0.5)
    assert hass.states.get(HOUSE).state == "armed_away"

    await _move(hass, clock, 1.6)  # 12:06, the house armed away
    assert side.codes == {**OUTSIDE[SIDE], 2: WALKER}
    assert patio.codes == {**OUTSIDE[PATIO], 2: WALKER}
    assert garage.codes == {**OUTSIDE[GARAGE], 30: WALKER}
    assert garage.enabled == {30}
    assert set(_lock_states(hass, STATUS).values()) == {"in_sync"}

    before = len(stacks.calls)
    await _move(hass, clock, 1)  # 13:06: closed
    assert hass.states.get(HOUSE).state == "armed_away"
    assert side.codes == OUTSIDE[SIDE]
    assert patio.codes == OUTSIDE[PATIO]
    # Zigbee keeps the code in its slot, disabled.
    assert garage.codes[30] == WALKER
    assert garage.enabled == set()
    assert _zha_calls(stacks, before) == ["disable_lock_user_code"]
    assert set(_lock_states(hass, STATUS).values()) == {"scheduled_off"}
    # The code for the cleared locks is kept in the private store only.
    assert [k for k, v in hass_storage.items() if WALKER in json.dumps(v)] == [
        f"alarmhub.{init_integration.entry_id}.household_locks"
    ]
    assert WALKER not in json.dumps([s.as_dict() for s in hass.states.async_all()])

    before = len(stacks.calls)
    await _move(hass, clock, 23)  # Tuesday 12:06: open again
    assert side.codes[2] == patio.codes[2] == WALKER
    assert garage.enabled == {30}
    assert _zha_calls(stacks, before) == ["enable_lock_user_code"]
    assert set(_lock_states(hass, STATUS).values()) == {"in_sync"}
    ours = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("custom_components.alarmhub")
    ]
    assert any("(schedule)" in message for message in ours)
    assert not any(WALKER in message for message in ours)


@pytest.mark.usefixtures("berlin")
async def test_a_restart_follows_the_schedule_as_it_is_now(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    clock: ManualClock,  # noqa: F811
    side: FakeLock,
    garage: FakeLock,
    patio: FakeLock,
) -> None:
    """Home Assistant is down across an edge: the locks catch up at setup."""
    entry_id = init_integration.entry_id
    await _add_walker(hass, init_integration)
    await _move(hass, clock, 2.1)  # 12:06
    assert side.codes[2] == WALKER
    assert await hass.config_entries.async_unload(entry_id)
    clock.advance(3600)  # 13:06: closed while Home Assistant is down
    assert await hass.config_entries.async_setup(entry_id)
    await settle(hass)
    assert side.codes == OUTSIDE[SIDE]
    assert patio.codes == OUTSIDE[PATIO]
    assert garage.enabled == set()
    assert set(_lock_states(hass, STATUS).values()) == {"scheduled_off"}
    assert await hass.config_entries.async_unload(entry_id)
    clock.advance(23 * 3600)  # Tuesday 12:06: open while down
    assert await hass.config_entries.async_setup(entry_id)
    await settle(hass)
    assert side.codes[2] == patio.codes[2] == WALKER
    assert garage.enabled == {30}
    assert set(_lock_states(hass, STATUS).values()) == {"in_sync"}


async def _reconfigure_schedule(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any]
) -> None:
    (subentry_id,) = [
        s.subentry_id for s in entry.subentries.values() if s.title == "Kim"
    ]
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Kim", "code_length": 6, "locks": [SIDE, PATIO]} | data,
    )
    await settle(hass)
    if result.get("step_id") == "share":
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {}
        )
        await settle(hass)
    assert result["reason"] == "reconfigure_successful"


@pytest.mark.usefixtures("berlin")
async def test_a_schedule_given_later(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    clock: ManualClock,  # noqa: F811
    side: FakeLock,
    patio: FakeLock,
) -> None:
    """Codes put on before the schedule: Z-Wave JS reads its back before
    clearing it; a Matter lock never reads a PIN back, so it is cleared all
    the same and says at the opening edge that it needs a new code."""
    code = "583920"
    await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=code,
        locks=[SIDE, PATIO],
    )
    assert side.codes[2] == patio.codes[2] == code
    await _reconfigure_schedule(hass, init_integration, {"schedule": WINDOW})
    assert side.codes == OUTSIDE[SIDE]  # 10:00: off at once
    assert patio.codes == OUTSIDE[PATIO]
    await _move(hass, clock, 2.1)  # 12:06
    assert side.codes[2] == code
    assert patio.codes == OUTSIDE[PATIO]
    status = hass.states.get(KIM)
    assert status.attributes["locks"]["Patio door"] == "failed"
    assert status.attributes["lock_errors"] == {"Patio door": "code_unknown"}
    await _move(hass, clock, 1)  # 13:06: the side door's code, read back, goes
    assert side.codes == OUTSIDE[SIDE]
    assert _lock_states(hass, KIM) == {
        "Side door": "scheduled_off",
        "Patio door": "failed",
    }
    await _move(hass, clock, 23)  # Tuesday 12:06
    assert side.codes[2] == code
    # A new code inside the window reaches both locks, and is kept for the
    # next closing edge.
    await _reconfigure_schedule(
        hass, init_integration, {"code": "7130468", "schedule": WINDOW}
    )
    assert side.codes[2] == patio.codes[2] == "7130468"
    await _move(hass, clock, 1)  # 13:06
    assert side.codes == OUTSIDE[SIDE]
    assert patio.codes == OUTSIDE[PATIO]
    # The schedule taken away while outside it: the code is back at once.
    await _reconfigure_schedule(hass, init_integration, {"schedule": {}})
    assert side.codes[2] == patio.codes[2] == "7130468"
    assert set(_lock_states(hass, KIM).values()) == {"in_sync"}
    household = init_integration.runtime_data.household
    assert all(a.code is None for a in household.users[4].values())


@pytest.mark.usefixtures("berlin", "stacks")
async def test_a_code_added_outside_the_window_waits(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    clock: ManualClock,  # noqa: F811
    side: FakeLock,
) -> None:
    """``add_code_to_locks`` outside the window: nothing sent yet (after a
    restart too, before any household lock followed the user)."""
    await _add_walker(hass, init_integration, locks=())
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settle(hass)
    response = await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=3,
        code=WALKER,
        locks=[SIDE],
    )
    assert response["locks"] == {SIDE: "scheduled_off"}
    assert side.codes == OUTSIDE[SIDE]
    await _move(hass, clock, 2.1)
    assert side.codes[2] == WALKER


@pytest.mark.usefixtures("berlin", "stacks")
async def test_a_lock_offline_across_the_closing_edge(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    clock: ManualClock,  # noqa: F811
    side: FakeLock,
) -> None:
    """The side door is offline from before 13:00 to after the next 12:00: it
    kept the code all along, and says so."""
    code = "583920"
    await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code=code, locks=[SIDE]
    )
    await _move(hass, clock, 2.1)  # 12:06
    await _reconfigure_schedule(
        hass, init_integration, {"schedule": WINDOW, "locks": [SIDE]}
    )
    assert side.codes[2] == code  # inside the window: nothing to do
    side.go_offline()
    await _move(hass, clock, 1)  # 13:06
    assert _lock_states(hass, KIM) == {"Side door": "suspending"}
    await _move(hass, clock, 23)  # Tuesday 12:06
    side.come_back()
    await settle(hass)
    assert side.codes[2] == code
    assert _lock_states(hass, KIM) == {"Side door": "in_sync"}


@pytest.mark.usefixtures("berlin", "stacks")
async def test_an_expired_guest_leaves_the_household_locks(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,  # noqa: F811
    side: FakeLock,
    garage: FakeLock,
) -> None:
    """A guest until 12:00, deleted when expired: the code leaves every lock
    (the Zigbee slot is cleared, not left disabled) and the store."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Guest",
            "code": WALKER,
            "code_length": 6,
            "locks": [SIDE, GARAGE],
            "schedule": {
                "valid_until": "2026-12-07 12:00:00",
                "remove_when_expired": True,
            },
        },
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    await settle(hass)
    assert side.codes[2] == garage.codes[30] == WALKER
    await _move(hass, clock, 2.1)  # 12:06: expired, and deleted (disarmed)
    assert 4 not in hub.panel.users
    assert side.codes == OUTSIDE[SIDE]
    assert garage.codes == OUTSIDE[GARAGE]
    assert WALKER not in json.dumps(hass_storage)
