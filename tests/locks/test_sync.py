"""Household locks that are offline, failing, full, or changed while HA was away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.locks.manager import ATTEMPTS

from ..codes_helpers import action, settle
from .conftest import GARAGE, OUTSIDE, PATIO, SIDE
from .stacks import FakeLock

CODE = "583920"
STATUS = "sensor.demo_home_kim_code_status"


def attrs(hass: HomeAssistant) -> dict[str, Any]:
    return dict(hass.states.get(STATUS).attributes)


async def later(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await settle(hass)


async def add_kim(
    hass: HomeAssistant, entry: MockConfigEntry, *locks: str
) -> dict[str, Any]:
    return await action(
        hass, "add_user", entry.entry_id, name="Kim", code=CODE, locks=list(locks)
    )


@pytest.mark.usefixtures("stacks")
async def test_offline_lock_gets_the_code_when_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    side: FakeLock,
    patio: FakeLock,
) -> None:
    """An unavailable lock waits (however long), then gets the code when back."""
    side.go_offline()
    response = await add_kim(hass, init_integration, SIDE, PATIO)
    assert response["locks"] == {SIDE: "pending", PATIO: "in_sync"}
    assert response["lock_errors"] == {SIDE: "unavailable"}
    assert attrs(hass)["locks"]["Side door"] == "pending"
    assert attrs(hass)["lock_errors"] == {"Side door": "unavailable"}
    await later(hass, 86400)
    assert side.codes == OUTSIDE[SIDE]
    side.come_back()
    await settle(hass)
    assert side.codes == {**OUTSIDE[SIDE], 2: CODE}
    assert attrs(hass)["locks"]["Side door"] == "in_sync"
    assert "lock_errors" not in attrs(hass)


@pytest.mark.usefixtures("stacks")
async def test_failing_lock_is_retried_with_backoff(
    hass: HomeAssistant, init_integration: MockConfigEntry, garage: FakeLock
) -> None:
    """A lock that is there but does not take the change: 30 s, 60 s, ..."""
    garage.failures = 2
    response = await add_kim(hass, init_integration, GARAGE)
    assert response["locks"] == {GARAGE: "pending"}
    assert response["lock_errors"] == {GARAGE: "HomeAssistantError"}
    await later(hass, 29)
    assert garage.failures == 1  # not tried again yet
    await later(hass, 31)
    assert garage.failures == 0
    assert attrs(hass)["locks"]["Garage door"] == "pending"
    await later(hass, 31 + 61)
    assert garage.codes[30] == CODE
    assert attrs(hass)["locks"]["Garage door"] == "in_sync"


@pytest.mark.usefixtures("stacks")
async def test_lock_that_keeps_failing_gives_up(
    hass: HomeAssistant, init_integration: MockConfigEntry, side: FakeLock
) -> None:
    """After ATTEMPTS tries the code is failed, with the integration's reason."""
    side.failures = 100
    await add_kim(hass, init_integration, SIDE)
    for _ in range(ATTEMPTS):
        await later(hass, 3600)
    assert side.failures == 100 - ATTEMPTS
    assert attrs(hass)["locks"]["Side door"] == "failed"
    assert attrs(hass)["lock_errors"] == {"Side door": "set_lock_usercode_failed"}


@pytest.mark.usefixtures("stacks")
async def test_full_lock_and_lock_that_refuses_the_length(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    side: FakeLock,
    patio: FakeLock,
) -> None:
    """No free slot: failed, nothing overwritten; a length found out late: failed."""
    side.slots = 1
    patio.go_offline()
    response = await add_kim(hass, init_integration, SIDE, PATIO)
    assert response["locks"] == {SIDE: "failed", PATIO: "pending"}
    assert response["lock_errors"] == {SIDE: "no_free_slot", PATIO: "unavailable"}
    assert side.codes == OUTSIDE[SIDE]
    patio.min_pin = 8  # known only once the lock answers
    patio.come_back()
    await settle(hass)
    assert patio.codes == OUTSIDE[PATIO]
    assert attrs(hass)["lock_errors"] == {
        "Side door": "no_free_slot",
        "Patio door": "code_length",
    }


@pytest.mark.usefixtures("stacks")
async def test_restart_reconciles_with_what_the_locks_report(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    side: FakeLock,
    patio: FakeLock,
    garage: FakeLock,
) -> None:
    """While HA is down a code is cleared at the door and a lock goes offline."""
    await add_kim(hass, init_integration, SIDE, PATIO)
    garage.go_offline()
    await add_kim_to(hass, init_integration, GARAGE)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    del side.codes[2]  # cleared at the lock's keypad
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await settle(hass)
    assert attrs(hass)["locks"] == {
        "Side door": "failed",
        "Patio door": "in_sync",
        "Garage door": "pending",
    }
    assert attrs(hass)["lock_errors"] == {
        "Side door": "not_on_lock",
        "Garage door": "unavailable",
    }
    assert side.codes == OUTSIDE[SIDE]  # not set again behind the user's back
    garage.come_back()
    await settle(hass)
    assert garage.codes[30] == CODE  # the waiting code survived the restart
    assert attrs(hass)["locks"]["Garage door"] == "in_sync"


async def add_kim_to(hass: HomeAssistant, entry: MockConfigEntry, lock: str) -> None:
    await action(
        hass, "add_code_to_locks", entry.entry_id, slot=4, code=CODE, locks=[lock]
    )


@pytest.mark.usefixtures("stacks")
async def test_removal_waits_for_an_offline_lock(
    hass: HomeAssistant, init_integration: MockConfigEntry, side: FakeLock
) -> None:
    """Taking a code off an offline lock happens when it is back."""
    await add_kim(hass, init_integration, SIDE)
    side.go_offline()
    response = await action(
        hass, "remove_code_from_locks", init_integration.entry_id, slot=4, locks=[SIDE]
    )
    assert response["locks"] == {SIDE: "removing"}
    assert side.codes[2] == CODE
    side.come_back()
    await settle(hass)
    assert side.codes == OUTSIDE[SIDE]
    assert "locks" not in attrs(hass)


@pytest.mark.usefixtures("stacks")
async def test_removed_before_it_ever_reached_the_lock(
    hass: HomeAssistant, init_integration: MockConfigEntry, side: FakeLock
) -> None:
    """A code that never reached an offline lock is simply forgotten."""
    side.go_offline()
    await add_kim(hass, init_integration, SIDE)
    response = await action(
        hass, "remove_code_from_locks", init_integration.entry_id, slot=4, locks=[SIDE]
    )
    assert response == {"locks": {SIDE: "removed"}, "lock_errors": {}}
    side.come_back()
    await settle(hass)
    assert side.changes == []


@pytest.mark.usefixtures("stacks")
async def test_cleared_at_the_door_while_offline(
    hass: HomeAssistant, init_integration: MockConfigEntry, side: FakeLock
) -> None:
    """A slot waiting to be cleared that the lock reports empty is done."""
    await add_kim(hass, init_integration, SIDE)
    side.go_offline()
    await action(
        hass, "remove_code_from_locks", init_integration.entry_id, slot=4, locks=[SIDE]
    )
    del side.codes[2]
    side.come_back()
    await settle(hass)
    assert side.changes == [("set", 2)]  # no clear sent: the lock said it was done
    assert "locks" not in attrs(hass)


@pytest.mark.usefixtures("stacks")
async def test_a_new_change_replaces_a_waiting_retry(
    hass: HomeAssistant, init_integration: MockConfigEntry, garage: FakeLock
) -> None:
    """A retry waits; a new code goes now and the old retry never fires."""
    garage.failures = 1
    await add_kim(hass, init_integration, GARAGE)
    await action(hass, "update_user", init_integration.entry_id, slot=4, code="7130468")
    assert garage.codes[30] == "7130468"
    await action(
        hass, "update_user", init_integration.entry_id, slot=4, name="Kimberly"
    )
    await later(hass, 3600)
    assert garage.changes == [("set", 30)]


@pytest.mark.usefixtures("stacks")
async def test_unload_with_a_retry_waiting(
    hass: HomeAssistant, init_integration: MockConfigEntry, garage: FakeLock
) -> None:
    """Unloading stops retrying; the code waits in the store for next time."""
    garage.failures = 1
    await add_kim(hass, init_integration, GARAGE)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await later(hass, 3600)
    assert garage.changes == []
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await settle(hass)
    assert garage.codes[30] == CODE


@pytest.mark.usefixtures("stacks")
async def test_lock_back_but_not_answering_reads(
    hass: HomeAssistant, init_integration: MockConfigEntry, side: FakeLock
) -> None:
    """A lock that shows up again but cannot be read still gets what waits."""
    side.go_offline()
    await add_kim(hass, init_integration, SIDE)
    real = side.zwave_js
    reads = 0

    def first_read_fails(service: str, data: dict[str, Any]) -> Any:
        nonlocal reads
        if service == "get_lock_usercode" and (reads := reads + 1) == 1:
            raise HomeAssistantError("Node did not respond")
        return real(service, data)

    side.zwave_js = first_read_fails  # type: ignore[method-assign]
    side.come_back()
    await settle(hass)
    assert side.codes[2] == CODE
    assert attrs(hass)["locks"]["Side door"] == "in_sync"
