"""Codes are secrets: none in logs (DEBUG), states, events, errors, diagnostics.

One test runs every path that handles a code (add with locks, refusals,
random codes, lock sync with a silent lock and its retries, removal, sharing
by email, a change replayed after the hub stopped and HA restarted, the
activation lag, deletion) with every logger at DEBUG, then looks for the codes
everywhere. Only the action responses (a random code) and the delivered mail
may hold one; and the only events that hold one are the caller's own
``call_service`` events for its AlarmHub actions, which Home Assistant fires
with the data any caller passes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
import json
import logging
from typing import Any

from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.diagnostics import async_get_config_entry_diagnostics
from custom_components.alarmhub.panels.hub import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.locks import door_locks
from simulator.server import SimulatorServer

from .codes_helpers import BACK, FRONT, action, lock_sync, settle, state, wait_for
from .test_share import Mailbox, mailbox, notify_entity, smtp_entry, text_of

# The per-lock sync sensors are disabled by default; these tests read them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


__all__ = ["mailbox", "smtp_entry"]  # fixtures used here

SENTINEL = "73914682"
SENTINEL_2 = "52806137"
#: Loggers of the test set-up, not of Home Assistant: the test's mail server
#: (what it shows is the delivered mail) and the harness's in-memory storage,
#: which logs the data it is given (HA's real Store logs only key and path).
TEST_LOGGERS = ("mail.log", "pytest_homeassistant_custom_component.common")


async def test_no_code_anywhere(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
    hub: Hub,
    simulator: SimulatorServer,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    debug_everywhere: None,
) -> None:
    caplog.set_level(logging.DEBUG)
    entry_id = init_integration.entry_id
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    errors: list[BaseException] = []
    responses: list[dict[str, Any]] = []
    codes = [SENTINEL, SENTINEL_2]

    async def run(service: str, **data: Any) -> dict[str, Any]:
        response = await action(hass, service, entry_id, **data)
        responses.append(response)
        return response

    async def refused(service: str, **data: Any) -> None:
        with pytest.raises(HomeAssistantError) as err:
            await action(hass, service, entry_id, **data)
        errors.append(err.value)

    # Add with a chosen code, on both locks; refusals that concern the code.
    added = await run("add_user", name="Kim", code=SENTINEL, locks=[FRONT, BACK])
    slot = added["slot"]
    await refused("add_user", name="Copycat", code=SENTINEL)  # the hub: duplicate
    await refused("add_user", name="Weak", code="13571357")  # policy, here
    hub.panel.arm("2", ArmMode.AWAY)
    await settle(hass)
    await refused("update_user", slot=slot, code=SENTINEL_2)
    hub.panel.disarm("2", "4826")
    await settle(hass)

    # A random code, then the sentinel again; a lock that does not answer.
    codes.append((await run("update_user", slot=slot, random_code=True))["code"])
    await run("update_user", slot=slot, code=SENTINEL)
    lock = door_locks(hub).locks["2"]
    lock.set_responsive(False)
    await run("add_code_to_locks", slot=slot, code=SENTINEL, locks=[BACK])
    lock.set_responsive(True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=16))
    await wait_for(hass, lambda: lock_sync(hass, str(slot), "2")[0] == "in_sync")
    await run("remove_code_from_locks", slot=slot, locks=[BACK])

    # Shared by email.
    await run(
        "share_code",
        slot=slot,
        code=SENTINEL,
        notify_entity=notify_entity(hass, smtp_entry),
    )
    box, _ = mailbox
    async with asyncio.timeout(60):  # a hang guard only
        await box.received.wait()
    assert SENTINEL in text_of(box.messages[0])

    # The hub stops in the middle of a change; HA restarts; both come back.
    port = simulator.port
    update_user = hub.commands["update_user"]

    async def stop_midway(args: dict[str, Any]) -> dict[str, Any]:
        hub.commands["update_user"] = update_user
        await update_user(args)
        asyncio.get_running_loop().create_task(simulator.stop())
        await asyncio.Event().wait()
        raise AssertionError

    hub.commands["update_user"] = stop_midway
    assert (await run("update_user", slot=slot, code=SENTINEL_2))["status"] == "queued"
    assert await hass.config_entries.async_unload(entry_id)
    simulator.port = port
    await simulator.start()
    assert await hass.config_entries.async_setup(entry_id)
    await wait_for(hass, lambda: not init_integration.runtime_data.changes.changes)
    assert door_locks(hub).locks["1"].accepts(SENTINEL_2)
    clock.advance(180)
    await settle(hass)
    assert state(hass, "sensor", f"user_{slot}_code_status") == "active"
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    await run("delete_user", slot=slot)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await hass.async_block_till_done()

    # Now look for the codes.
    logs = "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(TEST_LOGGERS)
    )
    assert "alarmhub" in logs  # DEBUG logging was on
    states = json.dumps([s.as_dict() for s in hass.states.async_all()], default=str)
    texts: list[tuple[str, Callable[[str], bool]]] = []
    for err in errors:
        chain: BaseException | None = err
        while chain is not None:
            texts.append((f"{chain!s} {chain!r} {chain.args!r}", str.__contains__))
            chain = chain.__cause__ or chain.__context__
    for code in codes:
        assert code not in logs, code
        assert code not in states
        assert code not in json.dumps(diagnostics, default=str)
        assert code not in json.dumps(hass_storage, default=str)  # all confirmed
        for text, contains in texts:
            assert not contains(text, code)
        holders = [e for e in events if code in json.dumps(e.data, default=str)]
        assert bool(holders) == (code != codes[2])  # the caller passed it in
        assert {(e.event_type, e.data.get("domain")) for e in holders} <= {
            (EVENT_CALL_SERVICE, "alarmhub")
        }
    assert codes[2] in json.dumps(responses)  # the random one, in its response
