"""The simulator's scenes: actions across devices, each reported."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alarmhub.panels.hub.protocol import ErrorCode, Event
from custom_components.alarmhub.panels.models import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.panel import Rejection
from simulator.scenes import SceneAction


@pytest.fixture
def hub() -> Hub:
    """Return the demo hub with a manual clock."""
    return Hub(load_site(), clock=ManualClock())


def record(hub: Hub) -> list[Event]:
    """Collect the hub's events."""
    events: list[Event] = []
    hub.listen(events.append)
    return events


def locks(hub: Hub) -> dict[str, str]:
    """Return lock id -> state as get_state reports it."""
    return {lock["id"]: lock["state"] for lock in hub.state()["locks"]}


async def test_scenes_are_in_the_state(hub: Hub) -> None:
    """get_state lists the scenes by id and name, never their actions."""
    assert hub.state()["scenes"] == [
        {"id": "1", "name": "Goodnight"},
        {"id": "2", "name": "Leaving home"},
    ]
    assert "scenes" in hub.capabilities()


async def test_goodnight_arms_stay_and_locks_both(hub: Hub) -> None:
    """Goodnight: arm stay and lock both locks, each announced by an event."""
    await hub.handle("unlock", {"lock": "1"})
    await hub.handle("unlock", {"lock": "2"})
    events = record(hub)
    result = await hub.handle("activate_scene", {"scene": "1"})
    assert result["failed"] == 0
    assert [(r["action"], r["target_name"], r["ok"]) for r in result["results"]] == [
        ("arm", "House", True),
        ("lock", "Front door lock", True),
        ("lock", "Back door lock", True),
    ]
    assert hub.panel.partitions["1"].state.value == "arming"
    assert hub.panel.partitions["1"].arm_mode is not None
    assert hub.panel.partitions["1"].arm_mode.value == "stay"
    assert locks(hub) == {"1": "locked", "2": "locked"}
    kinds = [e.event for e in events]
    assert kinds.count("lock") == 2
    assert "partition" in kinds
    assert kinds[-1] == "scene_result"
    assert events[-1].data == result


async def test_failed_action_is_reported_and_the_rest_still_run(hub: Hub) -> None:
    """A door open: the arm fails with the zone named; the locks still lock."""
    await hub.handle("unlock", {"lock": "1"})
    hub.panel.set_zone("1", True)
    events = record(hub)
    result = await hub.handle("activate_scene", {"scene": "2"})
    assert result["failed"] == 1
    arm_house, arm_garage, *lock_results = result["results"]
    assert arm_house["ok"] is False
    assert arm_house["code"] == ErrorCode.ZONES_OPEN
    assert arm_house["details"]["zones"] == [{"id": "1", "name": "Front door"}]
    assert arm_garage["ok"] is True
    assert all(r["ok"] for r in lock_results)
    assert locks(hub) == {"1": "locked", "2": "locked"}
    assert hub.panel.partitions["1"].state.value == "disarmed"
    assert [e.event for e in events].count("arm_refused") == 1
    assert events[-1].event == "scene_result"


async def test_disarm_action_runs_with_the_scenes_authority(hub: Hub) -> None:
    """A disarm action needs no code; the scene is recorded as the one who did it."""
    hub.site["scenes"].append(
        {"id": "3", "name": "Welcome", "actions": [{"disarm": {"partition": "1"}}]}
    )
    hub = Hub(hub.site, clock=ManualClock())
    hub.panel.arm("1", ArmMode.AWAY)
    hub.panel.set_zone("3", True)  # no matter: disarming is always allowed
    result = await hub.handle("activate_scene", {"scene": "3"})
    assert result["failed"] == 0
    partition = hub.panel.partitions["1"]
    assert partition.state.value == "disarmed"
    assert partition.changed_by == "Scene Welcome"


async def test_unknown_scene(hub: Hub) -> None:
    """An unknown scene is not_found, and nothing runs."""
    events = record(hub)
    with pytest.raises(Rejection) as err:
        await hub.handle("activate_scene", {"scene": "99"})
    assert err.value.code is ErrorCode.NOT_FOUND
    assert events == []


async def test_lock_action_without_door_locks(hub: Hub) -> None:
    """A hub without the door-lock feature: lock actions fail, the arm runs."""
    del hub.commands["lock"]
    result = await hub.handle("activate_scene", {"scene": "1"})
    assert [(r["action"], r["ok"]) for r in result["results"]] == [
        ("arm", True),
        ("lock", False),
        ("lock", False),
    ]
    assert result["results"][1]["code"] == ErrorCode.NOT_SUPPORTED
    assert result["failed"] == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"fly": "1"}, "unknown scene action"),
        ({"arm": {"mode": "away"}}, "needs a partition"),
        ("lock", "one key"),
    ],
)
def test_bad_actions(item: Any, message: str) -> None:
    """A malformed site action is refused when the site is read."""
    with pytest.raises(ValueError, match=message):
        SceneAction.from_site(item)
