"""Scheduled and temporary codes: the hub enforces them; HA shows the edges.

The dog walker gets a weekday lunchtime code (Monday to Friday 12:00-13:00,
Home Assistant's time zone, Europe/Berlin) from the add-user flow. Home
Assistant's schedule tracker reads the hub's clock (ManualClock); its timers
are fired with ``async_fire_time_changed`` as that clock moves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub import user_schedules
from custom_components.alarmhub.panels.exceptions import ProtocolError
from custom_components.alarmhub.panels.hub import ArmMode
from custom_components.alarmhub.panels.hub.schedules import Schedule
from custom_components.alarmhub.user_schedules import SIGNAL_SCHEDULE_EDGE
from simulator.clock import ManualClock, utc
from simulator.hub import Hub

from .codes_helpers import action, settle, wait_for
from .operations import HOUSE

#: Monday 7 December 2026, 10:00 in Berlin (09:00 UTC).
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WALKER = "250913"
LUNCH = {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "12:00", "to": "13:00"}
NEXT = "sensor.demo_home_dog_walker_next_code_change"


def test_lunchtime_across_daylight_saving() -> None:
    """12:00-13:00 stays local: 11:00 UTC in winter, 10:00 UTC in summer."""
    schedule = Schedule.from_dict({"time_zone": "Europe/Berlin", "windows": [LUNCH]})
    friday = datetime(2027, 3, 26, 11, 30, tzinfo=UTC)  # 12:30 CET
    monday = datetime(2027, 3, 29, 10, 30, tzinfo=UTC)  # 12:30 CEST
    assert schedule.is_open(friday)
    assert schedule.is_open(monday)
    assert not schedule.is_open(monday + timedelta(hours=1))
    # After Friday's window, the next edge is Monday 12:00 CEST (10:00 UTC),
    # across the weekend's switch to summer time.
    assert schedule.next_edge(friday) == datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    assert schedule.next_edge(friday + timedelta(hours=1)) == datetime(
        2027, 3, 29, 10, 0, tzinfo=UTC
    )


def test_a_guest_between_two_dates() -> None:
    schedule = Schedule.from_dict(
        {
            "time_zone": "Europe/Berlin",
            "start": "2026-12-24T15:00:00",
            "end": "2026-12-27T11:00",
        }
    )
    assert not schedule.is_open(datetime(2026, 12, 24, 13, 59, tzinfo=UTC))
    assert schedule.is_open(datetime(2026, 12, 24, 14, 0, tzinfo=UTC))
    after = datetime(2026, 12, 25, tzinfo=UTC)
    assert schedule.next_edge(after) == datetime(2026, 12, 27, 10, 0, tzinfo=UTC)
    assert not schedule.expired(after)
    assert schedule.expired(datetime(2026, 12, 27, 10, 0, tzinfo=UTC))
    assert schedule.next_edge(datetime(2026, 12, 28, tzinfo=UTC)) is None
    assert Schedule.from_dict(schedule.to_dict()) == schedule


@pytest.mark.parametrize(
    "raw",
    [
        [],
        {"time_zone": "Mars/Olympus", "windows": [LUNCH]},
        {"time_zone": 1, "windows": [LUNCH]},
        {"time_zone": "UTC"},
        {"time_zone": "UTC", "start": "soon"},
        {"time_zone": "UTC", "start": "2026-12-02T10:00", "end": "2026-12-01T10:00"},
        {"time_zone": "UTC", "windows": "lunch"},
        {"time_zone": "UTC", "windows": ["lunch"]},
        {"time_zone": "UTC", "windows": [{**LUNCH, "days": ["someday"]}]},
        {"time_zone": "UTC", "windows": [{**LUNCH, "from": "noon"}]},
        {"time_zone": "UTC", "windows": [{**LUNCH, "to": "11:00"}]},
        {"time_zone": "UTC", "windows": [LUNCH] * 15},
    ],
)
def test_malformed_schedules_are_refused(raw: Any) -> None:
    with pytest.raises(ProtocolError):
        Schedule.from_dict(raw)


@pytest.fixture
def clock() -> ManualClock:
    """The hub's clock, at the test's start."""
    return ManualClock(START)


@pytest.fixture
async def berlin(
    hass: HomeAssistant, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home Assistant in Berlin; its schedules read the hub's clock."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    monkeypatch.setattr(user_schedules, "NOW", lambda: utc(clock))


async def _move(hass: HomeAssistant, clock: ManualClock, hours: float) -> None:
    """Move the hub's clock, and fire HA's timers due meanwhile."""
    clock.advance(hours * 3600)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=hours))
    await settle(hass)


async def _disarm(hass: HomeAssistant, code: str) -> None:
    await hass.services.async_call(
        "alarm_control_panel",
        "alarm_disarm",
        {"entity_id": HOUSE, "code": code},
        blocking=True,
    )
    await settle(hass)


@pytest.mark.usefixtures("berlin")
async def test_dog_walker_at_lunchtime_with_the_house_armed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """The code opens only at lunchtime, armed or not; the edges are shown."""
    edges: list[tuple[int, str, bool]] = []
    async_dispatcher_connect(
        hass,
        SIGNAL_SCHEDULE_EDGE.format(init_integration.entry_id),
        lambda *args: edges.append(args),
    )
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"), context={"source": SOURCE_USER}
    )
    await action(hass, "delete_user", init_integration.entry_id, slot=3)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Dog walker",
            "code": WALKER,
            "code_length": 6,
            "schedule": {
                "days": LUNCH["days"],
                "window_from": "12:00:00",
                "window_to": "13:00:00",
            },
        },
    )
    assert result["step_id"] == "share"
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    await settle(hass)
    user = hub.panel.users[3]
    assert user.schedule is not None
    assert user.schedule.time_zone == "Europe/Berlin"
    state = hass.states.get(NEXT)
    assert state.state == "2026-12-07T11:00:00+00:00"  # 12:00 in Berlin
    assert state.attributes["valid_now"] is False

    await _move(hass, clock, 0.5)  # past the activation lag
    hub.panel.arm("1", ArmMode.AWAY)
    await _move(hass, clock, 0.1)
    with pytest.raises(ServiceValidationError) as err:
        await _disarm(hass, WALKER)  # 10:36: too early
    assert err.value.translation_key == "code_outside_schedule"
    assert WALKER not in str(err.value)

    await _move(hass, clock, 1.5)  # 12:06 in Berlin
    assert hass.states.get(NEXT).state == "2026-12-07T12:00:00+00:00"
    assert hass.states.get(NEXT).attributes["valid_now"] is True
    assert edges == [(3, "3-1", True)]
    await _disarm(hass, WALKER)
    assert hass.states.get(HOUSE).state == "disarmed"

    await _move(hass, clock, 1)  # 13:06: closed again
    assert edges[-1] == (3, "3-1", False)
    # Friday's window is followed by Monday's.
    assert hass.states.get(NEXT).state == "2026-12-08T11:00:00+00:00"


@pytest.mark.usefixtures("berlin")
async def test_a_guest_is_removed_when_expired(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """A temporary user asked to go is deleted after the end, once disarmed."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Guest",
            "code_length": 6,
            "schedule": {
                "valid_until": "2026-12-07 12:00:00",
                "remove_when_expired": True,
            },
        },
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    await settle(hass)
    assert hub.panel.users[4].name == "Guest"
    hub.panel.arm("2", ArmMode.AWAY)
    await _move(hass, clock, 0.5)  # armed (the exit delay passed)
    # The end passes while the garage is armed: the user stays until it is
    # disarmed (a refused deletion is tried again at the next update).
    await _move(hass, clock, 2.5)
    assert 4 in hub.panel.users
    hub.panel.disarm_by(hub.panel.partitions["2"], "Alex")
    await wait_for(hass, lambda: 4 not in hub.panel.users)
    assert "4" not in {s.unique_id for s in init_integration.subentries.values()}


@pytest.mark.usefixtures("berlin")
async def test_a_bad_schedule_is_an_error_on_the_form(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Kim",
            "code_length": 6,
            "schedule": {"days": ["mon"], "window_from": "13:00:00"},
        },
    )
    assert result["errors"] == {"base": "schedule_invalid"}
    assert result["description_placeholders"] == {
        "reason": "a window's from and to are times"
    }
    assert 4 not in hub.panel.users


@pytest.mark.usefixtures("berlin")
async def test_reconfigure_the_schedule(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """The form shows the schedule; changing it changes the hub's; so does clearing."""
    (subentry_id,) = [
        s.subentry_id
        for s in init_integration.subentries.values()
        if s.unique_id == "3"
    ]

    async def reconfigure(schedule: dict[str, Any]) -> dict[str, Any]:
        result = await hass.config_entries.subentries.async_init(
            (init_integration.entry_id, "user"),
            context={"source": "reconfigure", "subentry_id": subentry_id},
        )
        shown = result["data_schema"]({"name": "Dog walker", "code_length": 6})
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            {"name": "Dog walker", "code_length": 6, "schedule": schedule},
        )
        await settle(hass)
        assert result["reason"] == "reconfigure_successful"
        return dict(shown)

    await reconfigure(
        {"days": ["sat"], "window_from": "09:00:00", "window_to": "10:00:00"}
    )
    schedule = hub.panel.users[3].schedule
    assert schedule is not None
    assert schedule.to_dict()["windows"] == [
        {"days": ["sat"], "from": "09:00", "to": "10:00"}
    ]
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    section = result["data_schema"].schema["schedule"].schema
    suggested = {
        str(key): key.description.get("suggested_value")
        for key in section.schema
        if key.description
    }
    assert suggested["days"] == ["sat"]
    assert suggested["window_from"] == "09:00"
    await reconfigure({"valid_until": "2026-12-31 18:00:00"})
    assert hub.panel.users[3].schedule.to_dict() == {
        "time_zone": "Europe/Berlin",
        "end": "2026-12-31T18:00:00",
    }
    await reconfigure({})
    assert hub.panel.users[3].schedule is None
    assert hass.states.get(NEXT) is None
