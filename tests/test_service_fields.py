"""Untrusted input from callers: wrong-typed action fields change nothing.

Every field of every AlarmHub action, and the code of the panel and lock
actions, is given values of the wrong type (objects, nested lists, ...).
Each call must be refused as a validation error (HA's schema error or a
translated ``ServiceValidationError``), send nothing to the hub and change
nothing. Hostile names from the hub cannot steer where a clip is written.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub

from .clip_helpers import at, export, media_dir, recorders
from .common import settle
from .operations import FRONT_LOCK, HOUSE

__all__ = ["media_dir"]  # fixture used here

CAMERA = "camera.stream_video_recorder_driveway"
#: A valid call of each action; each field in turn gets a wrong value.
CALLS: dict[tuple[str, str], dict[str, Any]] = {
    (DOMAIN, "arm"): {"entity_id": HOUSE, "mode": "away", "code": "4826"},
    (DOMAIN, "phone_swap"): {
        "config_entry_id": "",
        "old_number": "+15555550123",
        "new_number": "+15555550999",
        "dry_run": True,
    },
    (DOMAIN, "add_user"): {"config_entry_id": "", "name": "Kim", "code": "583920"},
    (DOMAIN, "update_user"): {"config_entry_id": "", "slot": 2, "name": "Samuel"},
    (DOMAIN, "delete_user"): {"config_entry_id": "", "slot": 3},
    (DOMAIN, "add_code_to_locks"): {
        "config_entry_id": "",
        "slot": 2,
        "code": "7391",
        "locks": [FRONT_LOCK],
    },
    (DOMAIN, "remove_code_from_locks"): {
        "config_entry_id": "",
        "slot": 2,
        "locks": [FRONT_LOCK],
    },
    (DOMAIN, "share_code"): {
        "config_entry_id": "",
        "slot": 2,
        "code": "7391",
        "notify_service": "notify.nobody",
    },
    (DOMAIN, "export_clip"): {"camera": CAMERA, "start": "", "length": "30"},
    ("alarm_control_panel", "alarm_disarm"): {"entity_id": HOUSE, "code": "4826"},
    ("alarm_control_panel", "alarm_arm_away"): {"entity_id": HOUSE, "code": "4826"},
    ("lock", "unlock"): {"entity_id": FRONT_LOCK, "code": "4826"},
}
#: Values no field of these actions takes: objects, nested and mixed lists.
WRONG = [{}, {"a": {"b": [1]}}, [[]], [{"x": 1}], [None]]
#: Extra wrong values for fields that are not lists (a list is not a name).
NOT_LISTS = [[], ["4826"]]


def _cases() -> list[tuple[tuple[str, str], str, Any]]:
    cases = []
    for service, data in CALLS.items():
        for field in data:
            if field == "entity_id":
                continue
            values = WRONG if field in ("locks",) else [*WRONG, *NOT_LISTS]
            cases.extend((service, field, value) for value in values)
    return cases


CASES = _cases()
#: Accepted, and done as nothing: HA's ``cv.entity_ids`` reads ``{}`` as "no
#: entities", so these lock-code actions get an empty list of locks.
#: (Requiring at least one lock in their schemas would make them refusals.)
KNOWN_NO_OPS: list[tuple[str, str, str]] = [
    ("add_code_to_locks", "locks", "{}"),
    ("remove_code_from_locks", "locks", "{}"),
]


async def test_wrong_types_change_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Every wrong-typed field: a validation error, nothing sent, nothing changed."""
    sent: list[str] = []
    for name, handler in list(hub.commands.items()):

        async def counted(
            args: dict[str, Any], name: str = name, handler: Any = handler
        ) -> Any:
            sent.append(name)
            return await handler(args)

        hub.commands[name] = counted
    hub_before = hub.state()
    states_before = {s.entity_id: s.state for s in hass.states.async_all()}
    refused: dict[str, int] = {}
    accepted: list[tuple[str, str, str]] = []
    for (domain, service), field, value in CASES:
        data = dict(CALLS[(domain, service)])
        if "config_entry_id" in data:
            data["config_entry_id"] = init_integration.entry_id
        if "start" in data:
            data["start"] = at(hub, 0).isoformat()
        data[field] = value
        try:
            await hass.services.async_call(
                domain, service, data, blocking=True, return_response=domain == DOMAIN
            )
        except (vol.Invalid, ServiceValidationError) as err:
            kind = type(err).__name__
            refused[kind] = refused.get(kind, 0) + 1
        else:
            accepted.append((service, field, repr(value)))
    await settle(hass)
    assert sent == []
    assert hub.state() == hub_before
    assert {s.entity_id: s.state for s in hass.states.async_all()} == states_before
    assert accepted == KNOWN_NO_OPS
    assert sum(refused.values()) == len(CASES) - len(KNOWN_NO_OPS) > 150


def _all_inside(root: Path, clip: Path) -> bool:
    """Return True when the clip and every file there resolve below ``root``."""
    paths = [clip, *root.rglob("*")]
    return all(path.resolve().is_relative_to(root.resolve()) for path in paths)


@pytest.fixture
def site(site: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """Name the cameras and recorders as the test says (before the hub starts)."""
    if (name := getattr(request, "param", None)) is not None:
        for item in [*site["cameras"], *site["recorders"]]:
            item["name"] = name
    return site


@pytest.mark.parametrize(
    "site", ["../../../../tmp/evil", "..", "a\x00b/C:\\x"], indirect=True
)
async def test_hostile_names_cannot_steer_clip_paths(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    media_dir: Path,
    site: dict[str, Any],
) -> None:
    """A camera the hub names like a path still gets its clip in the media dir."""
    assert {c.name for c in recorders(hub).cameras.values()} == {
        site["cameras"][0]["name"]
    }
    cameras = hass.states.async_entity_ids("camera")
    assert cameras
    result = await export(hass, cameras[0], at(hub, 0) + timedelta(seconds=30), 30)
    assert _all_inside(media_dir, Path(result["path"]))
