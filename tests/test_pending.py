"""The change queue (pending.py): retries, replacement, stop, redraws, and
frames to several locks at once.

Through the real path: actions -> queue -> hub client -> simulator, with the
simulated locks told to stay silent. HA's timers are fired by moving HA's
clock (``async_fire_time_changed``), never by waiting.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.pending import (
    EVENT_CHANGE_FAILED,
    LOCK_ATTEMPTS,
    LOCK_RETRY_MAX,
    Kind,
)
from simulator.hub import Hub
from simulator.locks import door_locks

from .codes_helpers import BACK, FRONT, action, settle

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def count_lock_frames(hub: Hub) -> list[bool]:
    """Record, for every frame the hub sends to a lock, whether it answers."""
    seen: list[bool] = []
    carry = hub.commands["lock_zcl"]
    lock = door_locks(hub).locks["2"]

    async def counted(args: dict[str, Any]) -> dict[str, Any]:
        seen.append(lock.responsive)
        return await carry(args)

    hub.commands["lock_zcl"] = counted
    return seen


async def later(hass: HomeAssistant, seconds: float) -> None:
    """Fire HA's timers due ``seconds`` from now."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await settle(hass)


async def silent_back_lock(hass: HomeAssistant, hub: Hub) -> None:
    door_locks(hub).locks["2"].set_responsive(False)
    await settle(hass)


async def put_code_on_back_lock(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    response = await action(
        hass, "add_code_to_locks", entry.entry_id, slot=1, code="4826", locks=[BACK]
    )
    assert response["locks"] == {BACK: "retrying"}


async def test_silent_lock_is_given_up_after_its_attempts(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """After LOCK_ATTEMPTS tries the change is dropped and an event says so."""
    frames = count_lock_frames(hub)
    failed = async_capture_events(hass, EVENT_CHANGE_FAILED)
    await silent_back_lock(hass, hub)
    await put_code_on_back_lock(hass, init_integration)
    queue = init_integration.runtime_data.changes
    for _ in range(LOCK_ATTEMPTS - 1):
        await later(hass, LOCK_RETRY_MAX + 1)
    assert len(frames) == LOCK_ATTEMPTS
    assert queue.changes == []
    (event,) = failed
    assert event.data["config_entry_id"] == init_integration.entry_id
    assert (event.data["action"], event.data["lock"]) == (Kind.SET_PIN, "2")
    assert event.data["attempts"] == LOCK_ATTEMPTS
    assert event.data["error"] == ErrorCode.TIMEOUT
    assert "4826" not in str(event.data)
    await later(hass, LOCK_RETRY_MAX + 1)
    assert len(frames) == LOCK_ATTEMPTS  # no more tries
    assert door_locks(hub).locks["2"].pins == {}


async def test_newer_change_replaces_a_waiting_retry(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Removing the code while its put waits for a retry: only the removal runs."""
    frames = count_lock_frames(hub)
    await silent_back_lock(hass, hub)
    await put_code_on_back_lock(hass, init_integration)
    door_locks(hub).locks["2"].set_responsive(True)
    await settle(hass)
    response = await action(
        hass,
        "remove_code_from_locks",
        init_integration.entry_id,
        slot=1,
        locks=[BACK],
    )
    assert response["locks"] == {BACK: "removed"}
    assert frames == [False, True]
    await later(hass, LOCK_RETRY_MAX + 1)
    assert frames == [False, True]  # the replaced put is not tried again
    assert init_integration.runtime_data.changes.changes == []
    assert door_locks(hub).locks["2"].pins == {}


async def test_unload_keeps_a_waiting_retry_for_next_time(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Unloading cancels the retry timer; the change is sent after a reload."""
    frames = count_lock_frames(hub)
    await silent_back_lock(hass, hub)
    await put_code_on_back_lock(hass, init_integration)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    await later(hass, LOCK_RETRY_MAX + 1)
    assert frames == [False]  # nothing runs while unloaded
    door_locks(hub).locks["2"].set_responsive(True)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    await settle(hass)
    assert frames == [False, True]
    assert door_locks(hub).locks["2"].pins == {0: "4826"}
    assert init_integration.runtime_data.changes.changes == []


async def test_random_code_the_hub_has_is_drawn_again(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """An unlucky draw (another user's code) is replaced by a fresh one."""
    taken = hub.panel.users[2].code
    with patch("custom_components.alarmhub.users.generate_code", return_value=taken):
        response = await action(
            hass, "add_user", init_integration.entry_id, name="Kim", code_length=4
        )
    code = response["code"]
    assert code != taken
    assert len(code) == 4
    assert hub.panel.users[response["slot"]].code == code
    assert hub.panel.users[2].code == taken


async def test_answer_that_makes_no_sense_is_not_retried(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A lock answer that is not ZCL fails the change once; nothing is retried."""
    frames: list[dict[str, Any]] = []

    async def garbled(args: dict[str, Any]) -> dict[str, Any]:
        frames.append(args)
        return {"frame": "not hex"}

    hub.commands["lock_zcl"] = garbled
    with pytest.raises(HomeAssistantError) as err:
        await action(
            hass,
            "add_code_to_locks",
            init_integration.entry_id,
            slot=1,
            code="4826",
            locks=[BACK],
        )
    assert str(err.value) == "The hub sent an unexpected answer"
    assert err.value.translation_domain == "alarmhub"
    await later(hass, LOCK_RETRY_MAX + 1)
    assert len(frames) == 1
    assert init_integration.runtime_data.changes.changes == []
    assert door_locks(hub).locks["2"].pins == {}


def watch_lock_frames(hub: Hub, locks: int) -> dict[str, Any]:
    """Record how many frames are with the locks at once, in all and per lock.

    Each frame is held until frames for ``locks`` different locks are out:
    frames sent one after another would hold the first until its timeout,
    and the test fails (the pass never waits on the clock).
    """
    carry = hub.commands["lock_zcl"]
    seen: dict[str, Any] = {"most": 0, "per_lock": 0, "frames": []}
    out: list[str] = []
    all_out = asyncio.Event()

    async def held(args: dict[str, Any]) -> dict[str, Any]:
        lock = str(args["lock"])
        out.append(lock)
        seen["frames"].append(lock)
        seen["most"] = max(seen["most"], len(out))
        seen["per_lock"] = max(seen["per_lock"], out.count(lock))
        if len(set(out)) == locks:
            all_out.set()
        try:
            async with asyncio.timeout(10):
                await all_out.wait()
            return await carry(args)
        finally:
            out.remove(lock)
            if not out:
                all_out.clear()

    hub.commands["lock_zcl"] = held
    return seen


async def test_codes_go_to_all_locks_at_once(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A code onto two locks is two frames out together, one per lock."""
    seen = watch_lock_frames(hub, locks=2)
    response = await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=1,
        code="4826",
        locks=[FRONT, BACK],
    )
    assert response["locks"] == {FRONT: "in_sync", BACK: "in_sync"}
    assert seen["most"] == 2
    assert seen["per_lock"] == 1
    pins = {lock.id: lock.pins for lock in door_locks(hub).locks.values()}
    assert pins == {"1": {0: "4826"}, "2": {0: "4826"}}  # ZCL user 0


async def test_two_changes_for_one_lock_never_overlap(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Two users' codes onto both locks: each lock takes one frame at a time."""
    seen = watch_lock_frames(hub, locks=2)
    responses = await asyncio.gather(
        *(
            hass.services.async_call(
                DOMAIN,
                "add_code_to_locks",
                {
                    "config_entry_id": init_integration.entry_id,
                    "slot": slot,
                    "code": code,
                    "locks": [FRONT, BACK],
                },
                blocking=True,
                return_response=True,
            )
            for slot, code in ((1, "4826"), (2, "7391"))
        )
    )
    for response in responses:
        assert response is not None
        assert response["locks"] == {FRONT: "in_sync", BACK: "in_sync"}
    assert len(seen["frames"]) == 4
    assert seen["per_lock"] == 1
    assert door_locks(hub).locks["1"].pins == {0: "4826", 1: "7391"}
