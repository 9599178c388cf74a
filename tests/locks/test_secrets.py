"""Codes on household locks are secrets too: in no log, state, event or store.

The only places one may be are the action responses, the lock (stand-in) and
the ``call_service`` events of the actions that carry it (Home Assistant fires
those with any caller's data, for AlarmHub's actions and for the stacks' lock
actions AlarmHub calls alike), and the store while a code waits for a lock.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.diagnostics import async_get_config_entry_diagnostics
from custom_components.alarmhub.locks.manager import Assignment, SyncState

from ..codes_helpers import action, settle
from .conftest import GARAGE, PATIO, SIDE
from .stacks import FakeLock

SENTINEL = "73914682"
TEST_LOGGERS = ("pytest_homeassistant_custom_component.common",)


@pytest.mark.usefixtures("stacks", "debug_everywhere")
async def test_no_household_code_anywhere(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    side: FakeLock,
    garage: FakeLock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    garage.failures = 1
    side.go_offline()
    await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=SENTINEL,
        locks=[SIDE, GARAGE, PATIO],
    )
    stored = json.dumps(hass_storage, default=str)
    assert SENTINEL in stored  # waiting for the side door, in the private store
    side.come_back()
    await settle(hass)
    assert side.codes[2] == SENTINEL
    household = init_integration.runtime_data.household
    assert SENTINEL not in repr(household.users)
    assert repr(Assignment(SyncState.PENDING, code=SENTINEL)) == (
        "Assignment(pending, slot=None, reason=None)"
    )
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    await action(hass, "delete_user", init_integration.entry_id, slot=4)

    logs = "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(TEST_LOGGERS)
    )
    assert "alarmhub" in logs
    assert SENTINEL not in logs
    assert SENTINEL not in json.dumps([s.as_dict() for s in hass.states.async_all()])
    assert SENTINEL not in json.dumps(diagnostics, default=str)
    assert SENTINEL not in json.dumps(hass_storage, default=str)
    holders = {
        (e.event_type, e.data.get("domain"), e.data.get("service"))
        for e in events
        if SENTINEL in json.dumps(e.data, default=str)
    }
    assert holders == {
        (EVENT_CALL_SERVICE, "alarmhub", "add_user"),
        (EVENT_CALL_SERVICE, "zwave_js", "set_lock_usercode"),
        (EVENT_CALL_SERVICE, "zha", "set_lock_user_code"),
        (EVENT_CALL_SERVICE, "matter", "set_lock_credential"),
    }
