"""Users as config subentries: add, share, reconfigure, delete, stay in step."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.alarmhub.config_flow import AlarmHubConfigFlow
from custom_components.alarmhub.const import CONF_PANEL, PANEL_ALARMDECODER
from custom_components.alarmhub.panels.hub import ArmMode
from custom_components.alarmhub.vista_user_flow import VistaUserSubentryFlow
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.locks import door_locks
from simulator.server import SimulatorServer

from .codes_helpers import BACK, FRONT, action, settle, wait_for
from .test_share import (  # noqa: F401  (fixtures)
    Mailbox,
    mailbox,
    notify_entity,
    smtp_entry,
    text_of,
)

CODE = "583920"
SECRET = "73914682"


def subentries(entry: MockConfigEntry) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return the entry's user subentries: uid -> (title, data)."""
    return {
        str(s.unique_id): (s.title, dict(s.data))
        for s in entry.subentries.values()
        if s.subentry_type == "user"
    }


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"), context={"source": SOURCE_USER}
    )
    return dict(result)


async def configure(
    hass: HomeAssistant, flow_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_configure(flow_id, data)
    await settle(hass)
    return dict(result)


async def test_panel_users_have_subentries(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Users on the panel before HA get a subentry each, without a code."""
    assert subentries(init_integration) == {
        "1": ("Alex", {"slot": 1, "uid": "1"}),
        "2": ("Sam", {"slot": 2, "uid": "2"}),
        "3": ("Dog walker", {"slot": 3, "uid": "3"}),
    }


async def test_add_user_with_a_random_code_shared_by_email(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    smtp_entry: MockConfigEntry,  # noqa: F811
    mailbox: tuple[Mailbox, int],  # noqa: F811
    clock: ManualClock,
) -> None:
    """No code typed: a random one, shown once on the last step, mailed there."""
    result = await start(hass, init_integration)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code_length": 6, "locks": [FRONT]},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "done"
    assert result["last_step"] is True
    code = result["description_placeholders"]["code"]
    assert hub.panel.users[4].code == code
    assert len(code) == 6
    await wait_for(hass, lambda: door_locks(hub).locks["1"].accepts(code))
    result = await configure(
        hass,
        result["flow_id"],
        {"notify_entity": notify_entity(hass, smtp_entry)},
    )
    assert result["type"] in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT)
    box, _ = mailbox
    async with asyncio.timeout(10):
        await box.received.wait()
    assert text_of(box.messages[0]).strip() == (
        f"Hello Kim, your alarm code is {code}. It also opens: Front door lock."
    )
    assert subentries(init_integration)["4"] == ("Kim", {"slot": 4, "uid": "4"})
    assert code not in str(init_integration.as_dict())
    assert hass.states.get("sensor.demo_home_kim_code_status").state == "pending"
    clock.advance(180)
    await settle(hass)
    assert hass.states.get("sensor.demo_home_kim_code_status").state == "active"


async def test_add_user_with_a_chosen_code(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A chosen code is not shown again; sharing is offered, finishing is fine."""
    result = await start(hass, init_integration)
    result = await configure(
        hass, result["flow_id"], {"name": "Kim", "code": CODE, "code_length": 6}
    )
    assert result["step_id"] == "share"
    assert CODE not in str(result)
    result = await configure(hass, result["flow_id"], {})
    assert result["type"] in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT)
    assert hub.panel.users[4].code == CODE
    assert subentries(init_integration)["4"][0] == "Kim"


@pytest.mark.parametrize(
    ("data", "error", "placeholders"),
    [
        (
            {"name": "Kim", "code": "1234", "code_length": 6},
            "code_rejected",
            {"reason": "the code is too common"},
        ),
        (
            {"name": "Kim", "code_length": 6, "locks": ["lock.nowhere"]},
            "unknown_lock",
            {"entity_id": "lock.nowhere"},
        ),
    ],
)
async def test_refusals_change_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    data: dict[str, Any],
    error: str,
    placeholders: dict[str, str],
) -> None:
    result = await start(hass, init_integration)
    result = await configure(hass, result["flow_id"], data)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"] == placeholders
    assert "1234" not in str(result)
    assert sorted(hub.panel.users) == [1, 2, 3]


async def test_refused_while_armed_naming_the_partition(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    hub.panel.arm("2", ArmMode.AWAY)
    await settle(hass)
    result = await start(hass, init_integration)
    result = await configure(
        hass, result["flow_id"], {"name": "Kim", "code": CODE, "code_length": 6}
    )
    assert result["errors"] == {"base": "system_armed"}
    assert result["description_placeholders"] == {"partition": "Garage"}
    assert sorted(hub.panel.users) == [1, 2, 3]
    assert "4" not in subentries(init_integration)


async def test_actions_and_keypad_stay_in_step(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Users added, renamed or deleted elsewhere: their subentries follow."""
    entry_id = init_integration.entry_id
    await action(hass, "add_user", entry_id, name="Kim", code=CODE)
    assert subentries(init_integration)["4"][0] == "Kim"
    await action(hass, "update_user", entry_id, slot=4, name="Kimberly")
    assert subentries(init_integration)["4"][0] == "Kimberly"
    await action(hass, "delete_user", entry_id, slot=4)
    assert "4" not in subentries(init_integration)
    await action(hass, "add_user", entry_id, name="Lee", code=CODE)
    assert subentries(init_integration)["4-1"] == (
        "Lee",
        {"slot": 4, "uid": "4-1"},
    )


async def test_deleting_the_subentry_deletes_the_user(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    entry_id = init_integration.entry_id
    await action(hass, "add_user", entry_id, name="Kim", code=CODE, locks=[FRONT, BACK])
    await wait_for(hass, lambda: door_locks(hub).locks["2"].accepts(CODE))
    (subentry_id,) = [
        s.subentry_id for s in init_integration.subentries.values() if s.title == "Kim"
    ]
    assert hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await wait_for(hass, lambda: 4 not in hub.panel.users)
    await settle(hass)
    assert not door_locks(hub).locks["1"].accepts(CODE)
    assert not door_locks(hub).locks["2"].accepts(CODE)
    assert "4" not in subentries(init_integration)


async def test_deleting_while_armed_keeps_the_user(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub.panel.arm("1", ArmMode.STAY)
    await settle(hass)
    (subentry_id,) = [
        s.subentry_id
        for s in init_integration.subentries.values()
        if s.unique_id == "3"
    ]
    hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await settle(hass)
    assert 3 in hub.panel.users
    assert subentries(init_integration)["3"][0] == "Dog walker"  # back again
    assert "House is armed" in caplog.text


async def _reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, uid: str
) -> dict[str, Any]:
    (subentry_id,) = [
        s.subentry_id for s in entry.subentries.values() if s.unique_id == uid
    ]
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    return dict(result)


async def test_reconfigure_name_code_and_locks(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    result = await _reconfigure(hass, init_integration, "3")
    assert result["step_id"] == "reconfigure"
    flow_id = result["flow_id"]
    # A lock without a new code: refused (the hub never gives the code back).
    result = await configure(
        hass, flow_id, {"name": "Walker", "code_length": 6, "locks": [FRONT]}
    )
    assert result["errors"] == {"base": "code_for_new_locks"}
    assert hub.panel.users[3].name == "Dog walker"
    result = await configure(
        hass,
        flow_id,
        {"name": "Walker", "random_code": True, "code_length": 6, "locks": [FRONT]},
    )
    assert result["step_id"] == "done"
    code = result["description_placeholders"]["code"]
    assert hub.panel.users[3].code == code
    await wait_for(hass, lambda: door_locks(hub).locks["1"].accepts(code))
    result = await configure(hass, flow_id, {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert hub.panel.users[3].name == "Walker"
    assert subentries(init_integration)["3"][0] == "Walker"
    # Take the lock away again, and rename, without a new code.
    result = await _reconfigure(hass, init_integration, "3")
    result = await configure(
        hass, result["flow_id"], {"name": "Walker", "code_length": 6, "locks": []}
    )
    assert result["reason"] == "reconfigure_successful"
    await wait_for(hass, lambda: not door_locks(hub).locks["1"].accepts(code))
    assert hub.panel.users[3].code == code


async def test_reconfigure_refused_while_armed(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    hub.panel.arm("1", ArmMode.STAY)
    await settle(hass)
    result = await _reconfigure(hass, init_integration, "2")
    result = await configure(
        hass, result["flow_id"], {"name": "Samuel", "code_length": 6}
    )
    assert result["errors"] == {"base": "system_armed"}
    assert result["description_placeholders"] == {"partition": "House"}
    assert hub.panel.users[2].name == "Sam"


async def test_sharing_that_fails_can_be_skipped(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A notify action that does not exist: an error on the step, no code in it."""
    result = await start(hass, init_integration)
    result = await configure(hass, result["flow_id"], {"name": "Kim", "code_length": 5})
    code = result["description_placeholders"]["code"]
    result = await configure(
        hass, result["flow_id"], {"notify_service": "notify.nowhere"}
    )
    assert result["step_id"] == "done"
    assert result["errors"] == {"base": "notify_not_found"}
    assert result["description_placeholders"]["service"] == "notify.nowhere"
    result = await configure(
        hass, result["flow_id"], {"notify_entity": "notify.nobody_here"}
    )
    assert result["errors"] == {"base": "notify_not_found"}
    result = await configure(hass, result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_added"
    assert hub.panel.users[4].code == code


async def test_added_while_the_hub_is_away(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    simulator: SimulatorServer,
) -> None:
    """The change waits; the code is shown; the subentry comes with the user."""
    port = simulator.port
    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(FRONT).state == "unavailable")
    result = await start(hass, init_integration)
    result = await configure(hass, result["flow_id"], {"name": "Kim", "code_length": 6})
    assert result["step_id"] == "done"
    code = result["description_placeholders"]["code"]
    result = await configure(
        hass, result["flow_id"], {"notify_service": "notify.anything"}
    )
    assert result["errors"] == {"base": "user_not_yet_on_panel"}
    result = await configure(hass, result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_queued"
    simulator.port = port
    await simulator.start()
    await wait_for(hass, lambda: "4" in subentries(init_integration))
    assert hub.panel.users[4].code == code


async def test_flows_need_a_loaded_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await _reconfigure(hass, init_integration, "1")
    assert result["step_id"] == "reconfigure"
    await hass.config_entries.async_unload(init_integration.entry_id)
    result = await configure(hass, result["flow_id"], {"name": "A", "code_length": 6})
    assert result["reason"] == "not_loaded"
    result = await start(hass, init_integration)
    assert result["reason"] == "not_loaded"


async def test_reconfigure_a_user_who_left_meanwhile(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    result = await _reconfigure(hass, init_integration, "2")
    await action(hass, "delete_user", init_integration.entry_id, slot=2)
    result = await configure(
        hass, result["flow_id"], {"name": "Samuel", "code_length": 6}
    )
    assert result["reason"] == "user_gone"


async def test_reconfigure_with_a_chosen_code(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    result = await _reconfigure(hass, init_integration, "2")
    flow_id = result["flow_id"]
    result = await configure(
        hass,
        flow_id,
        {"name": "Sam", "code": CODE, "random_code": True, "code_length": 6},
    )
    assert result["errors"] == {"base": "code_and_random_code"}
    assert CODE not in str(result)
    result = await configure(
        hass, flow_id, {"name": "Sam", "code": CODE, "code_length": 6}
    )
    assert result["step_id"] == "share"
    assert CODE not in str(result)
    result = await configure(hass, flow_id, {})
    assert result["reason"] == "reconfigure_successful"
    assert hub.panel.users[2].code == CODE


async def test_no_code_from_the_ui_anywhere(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,  # noqa: F811
    mailbox: tuple[Mailbox, int],  # noqa: F811
    hub: Hub,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    debug_everywhere: None,
) -> None:
    """A typed code and a drawn one: in no log, event, state or stored entry.

    Everything Home Assistant's recorder keeps is an event or a state, and
    ``homeassistant.core`` logs at DEBUG what goes on the bus: with the flow,
    no code travels as action data, so none gets there.
    """
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    result = await start(hass, init_integration)
    result = await configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code": SECRET, "code_length": 6, "locks": [FRONT, BACK]},
    )
    await configure(
        hass, result["flow_id"], {"notify_entity": notify_entity(hass, smtp_entry)}
    )
    result = await start(hass, init_integration)
    result = await configure(
        hass, result["flow_id"], {"name": "Lee", "code_length": 7, "locks": [FRONT]}
    )
    drawn = result["description_placeholders"]["code"]
    await configure(
        hass, result["flow_id"], {"notify_entity": notify_entity(hass, smtp_entry)}
    )
    box, _ = mailbox
    await wait_for(hass, lambda: len(box.messages) == 2)
    await wait_for(hass, lambda: door_locks(hub).locks["2"].accepts(SECRET))
    clock.advance(180)
    lee = "sensor.demo_home_lee_code_status"
    await wait_for(hass, lambda: hass.states.get(lee).state == "active")
    await wait_for(hass, lambda: not init_integration.runtime_data.changes.changes)
    # The test's mail server and the harness's in-memory storage log what
    # they are given (HA's real Store logs only key and path).
    log = "\n".join(
        r.getMessage() + str(r.exc_info)
        for r in caplog.records
        if r.name not in {"mail.log", "pytest_homeassistant_custom_component.common"}
    )
    for code in (SECRET, drawn):
        assert code not in log
        assert code not in str([(e.event_type, e.data) for e in events])
        assert code not in str([s.as_dict() for s in hass.states.async_all()])
        assert code not in json.dumps(init_integration.as_dict(), default=str)
        # The change queue keeps a code only until the hub confirms it (its
        # save after that is delayed by real time, which tests do not wait).
        stored = {k: v for k, v in hass_storage.items() if ".changes." not in k}
        assert code not in json.dumps(stored, default=str)
    assert {text_of(m).split()[6].rstrip(".") for m in box.messages} == {
        SECRET,
        drawn,
    }


async def test_a_vista_has_its_own_user_flow(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A Vista's users are subentries too, with temporary codes only."""
    vista = MockConfigEntry(
        domain="alarmhub", data={CONF_PANEL: PANEL_ALARMDECODER, "panel_type": "vista"}
    )
    assert AlarmHubConfigFlow.async_get_supported_subentry_types(vista) == {
        "user": VistaUserSubentryFlow
    }
    assert list(
        AlarmHubConfigFlow.async_get_supported_subentry_types(init_integration)
    ) == ["user"]
