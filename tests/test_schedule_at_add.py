"""A scheduled user is added with their schedule, in one step (issue 14).

Adding a user and then setting their schedule by a second request left a
moment in which the code worked at all times. The add-user flow now sends
the schedule in the hub's ``add_user`` request (the ``schedules``
capability); a hub from before that would ignore the field, so it gets the
two requests of old, and a refused second one deletes the user again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.hub import Hub

from .codes_helpers import settle, wait_for

LUNCH = {
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "window_from": "12:00:00",
    "window_to": "13:00:00",
}


def _record(hub: Hub, *commands: str) -> list[tuple[str, dict[str, Any]]]:
    """Record the requests the hub gets for ``commands`` (codes left out)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    for cmd in commands:
        handler = hub.commands[cmd]

        def wrap(
            handler: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]], cmd: str
        ) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
            async def run(args: dict[str, Any]) -> dict[str, Any]:
                seen.append((cmd, {k: v for k, v in args.items() if k != "code"}))
                return await handler(args)

            return run

        hub.commands[cmd] = wrap(handler, cmd)
    return seen


async def _add_walker(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Dog walker", "code_length": 6, "schedule": LUNCH},
    )
    await settle(hass)
    return dict(result)


async def test_the_schedule_comes_with_the_user(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """One add_user request carries the schedule; the user never lacks it."""
    seen = _record(hub, "add_user", "set_schedule")
    first_views: list[Any] = []
    hub.listen(
        lambda evt: (
            first_views.append(evt.data.get("schedule"))
            if evt.event == "user" and evt.data.get("slot") == 4
            else None
        )
    )
    result = await _add_walker(hass, init_integration)
    assert result["step_id"] == "done"
    assert [cmd for cmd, _ in seen] == ["add_user"]
    assert seen[0][1]["schedule"]["windows"] == [
        {"days": LUNCH["days"], "from": "12:00", "to": "13:00"}
    ]
    assert first_views
    assert None not in first_views
    assert hub.panel.users[4].schedule is not None


async def test_an_older_hub_gets_two_requests(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A hub without the capability: add_user, then set_schedule."""
    hub.schedules_at_add = False
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settle(hass)
    seen = _record(hub, "add_user", "set_schedule")
    result = await _add_walker(hass, init_integration)
    assert result["step_id"] == "done"
    assert [cmd for cmd, _ in seen] == ["add_user", "set_schedule"]
    assert "schedule" not in seen[0][1]
    assert seen[1][1]["change_id"] == f"{seen[0][1]['change_id']}-schedule"
    assert hub.panel.users[4].schedule is not None


async def test_an_older_hub_refusing_the_schedule_keeps_no_user(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A hub that knows no schedules at all: the user is deleted again."""
    hub.schedules_at_add = False
    del hub.commands["set_schedule"]
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settle(hass)
    result = await _add_walker(hass, init_integration)
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "hub_rejected"}
    assert 4 not in hub.panel.users
    await wait_for(
        hass,
        lambda: "4" not in {s.unique_id for s in init_integration.subentries.values()},
    )


async def test_an_older_hub_answering_without_a_slot(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """An add_user answer that names no slot is an error, not a guess."""
    hub.schedules_at_add = False
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settle(hass)

    async def add_user(args: dict[str, Any]) -> dict[str, Any]:
        return {"user": {"name": args["name"]}}

    hub.commands["add_user"] = add_user
    seen = _record(hub, "set_schedule")
    result = await _add_walker(hass, init_integration)
    assert result["step_id"] == "user"
    assert result["errors"] is not None
    assert seen == []
