"""A code is sent where it is set: add_user, update_user, share_code (issue 14).

``add_user`` and ``update_user`` given a notify target mail the code they set
or drew and leave it out of their response; ``share_code`` without a code
sets a new random one (not while armed) and mails it. The sentinel test runs
these paths with every logger at DEBUG and looks for the codes everywhere:
only the delivered mails hold the drawn ones, and a chosen code only the
caller's own ``call_service`` event, which Home Assistant fires with any
caller's data.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
import logging
import re
from typing import Any

from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.panels.hub import ArmMode
from simulator.hub import Hub
from simulator.locks import door_locks
from simulator.server import SimulatorServer

from .codes_helpers import FRONT, action, settle, wait_for
from .test_code_secrets import TEST_LOGGERS
from .test_share import Mailbox, mailbox, notify_entity, smtp_entry, text_of

__all__ = ["mailbox", "smtp_entry"]  # fixtures used here

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

CHOSEN = "61938274"


async def _mail(box: Mailbox, count: int) -> str:
    """Return the code in the ``count``-th mail, once it is there."""
    async with asyncio.timeout(10):
        while len(box.messages) < count:
            box.received.clear()
            await box.received.wait()
    match = re.search(r"your alarm code is (\d+)", text_of(box.messages[count - 1]))
    assert match is not None
    return match.group(1)


async def test_codes_sent_where_they_are_set(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
    debug_everywhere: None,
) -> None:
    caplog.set_level(logging.DEBUG)
    box, _ = mailbox
    entry_id = init_integration.entry_id
    kim = notify_entity(hass, smtp_entry)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    responses: list[dict[str, Any]] = []

    # A random code, drawn and mailed by add_user: not in its response.
    added = await action(hass, "add_user", entry_id, name="Kim", notify_entity=kim)
    responses.append(added)
    assert "code" not in added
    assert added["shared"] is True
    slot = added["slot"]
    first = await _mail(box, 1)
    assert hub.panel.users[slot].code == first

    # A chosen code for the front door, mailed by update_user.
    updated = await action(
        hass, "update_user", entry_id, slot=slot, code=CHOSEN, notify_entity=kim
    )
    responses.append(updated)
    assert updated["shared"] is True
    assert await _mail(box, 2) == CHOSEN
    await action(
        hass, "add_code_to_locks", entry_id, slot=slot, code=CHOSEN, locks=[FRONT]
    )

    # "Send a new code": share_code without a code sets one and mails it.
    shared = await action(hass, "share_code", entry_id, slot=slot, notify_entity=kim)
    responses.append(shared)
    assert shared["sent"] is True
    assert shared["new_code"] is True
    assert "code" not in shared
    assert shared["locks"] == {FRONT: "in_sync"}
    third = await _mail(box, 3)
    assert third != CHOSEN
    assert hub.panel.users[slot].code == third
    assert door_locks(hub).locks["1"].accepts(third)
    assert not door_locks(hub).locks["1"].accepts(CHOSEN)
    await settle(hass)
    # The change queue writes what it has confirmed a moment later.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await hass.async_block_till_done()

    logs = "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(TEST_LOGGERS)
    )
    assert "alarmhub" in logs  # DEBUG logging was on
    states = json.dumps([s.as_dict() for s in hass.states.async_all()], default=str)
    for code in (first, CHOSEN, third):
        assert code not in logs, code
        assert code not in states
        assert code not in json.dumps(hass_storage, default=str)
        holders = [e for e in events if code in json.dumps(e.data, default=str)]
        if code == CHOSEN:  # the caller's own action data, as HA records it
            assert {(e.event_type, e.data.get("domain")) for e in holders} == {
                (EVENT_CALL_SERVICE, "alarmhub")
            }
        else:
            assert holders == []
            assert code not in json.dumps(responses)


async def test_send_a_new_code_is_refused_while_armed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
    hub: Hub,
) -> None:
    """Like any code change: nothing is set, nothing is sent."""
    before = hub.panel.users[1].code
    hub.panel.arm("2", ArmMode.AWAY)
    await settle(hass)
    with pytest.raises(ServiceValidationError) as err:
        await action(
            hass,
            "share_code",
            init_integration.entry_id,
            slot=1,
            notify_entity=notify_entity(hass, smtp_entry),
        )
    assert err.value.translation_key == "system_armed"
    assert hub.panel.users[1].code == before
    assert mailbox[0].messages == []


async def test_a_code_that_cannot_be_sent_is_not_returned_either(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """No such notify action: the user is added; the response says why, no code."""
    added = await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Jo",
        notify_service="notify.nowhere",
    )
    assert added["shared"] is False
    assert added["share_error"] == "notify_not_found"
    assert "code" not in added
    assert hub.panel.users[added["slot"]].name == "Jo"


async def test_a_code_for_a_user_still_queued_is_sent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
    hub: Hub,
    simulator: SimulatorServer,
) -> None:
    """The hub is away: the add waits in the queue; the code is sent now."""
    port = simulator.port
    await simulator.stop()
    await wait_for(hass, lambda: not init_integration.runtime_data.client.connected)
    added = await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Jo",
        notify_entity=notify_entity(hass, smtp_entry),
    )
    assert added["status"] == "queued"
    assert added["shared"] is True
    assert "code" not in added
    code = await _mail(mailbox[0], 1)
    assert "Hello Jo" in text_of(mailbox[0].messages[0])
    simulator.port = port
    await simulator.start()
    await wait_for(hass, lambda: not init_integration.runtime_data.changes.changes)
    assert hub.panel.users[4].code == code
