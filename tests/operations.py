"""What users ask of the hub through HA, for the fault and load tests.

Each :class:`Operation` is one service call, the hub command it ends in, and
how to see on the hub that it was carried out (an *effect*: one hub event per
application, so a duplicate would be counted). Features add theirs here; the
fault matrix (tests/test_faults.py) and the load test (tests/test_load.py)
pick them up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ArmMode
from custom_components.alarmhub.panels.hub.protocol import Event
from simulator.hub import Hub
from simulator.recorders import recorders_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"
FRONT_LOCK = "lock.front_door_lock"
BACK_LOCK = "lock.back_door_lock"
DRIVEWAY = "camera.stream_video_recorder_driveway"
CODE = "4826"  # Alex, in the demo site


def _partition_becomes(partition: str, state: str) -> Callable[[Event], bool]:
    return lambda e: (
        e.event == "partition"
        and e.data.get("id") == partition
        and e.data.get("state") == state
    )


def _lock_opens(lock: str) -> Callable[[Event], bool]:
    """Count the bolt starting to open (with or without travel time)."""
    opening = {"unlocking", "unlocked"}
    last: list[object] = [None]

    def effect(e: Event) -> bool:
        if e.event != "lock" or e.data.get("id") != lock:
            return False
        was, last[0] = last[0], e.data.get("state")
        return last[0] in opening and was not in opening

    return effect


@dataclass(frozen=True, kw_only=True)
class Operation:
    """One user request (see the module docstring)."""

    name: str
    domain: str
    service: str
    #: Service data, given the config entry id and the hub.
    data: Callable[[str, Hub], dict[str, Any]]
    #: The hub command the request ends in.
    command: str
    #: Makes a fresh predicate, true for each hub event that shows the request
    #: was carried out (once per time it was).
    effect: Callable[[], Callable[[Event], bool]]
    #: Puts the hub where the request makes sense (e.g. armed, to disarm).
    prepare: Callable[[Hub], None] = field(default=lambda hub: None)
    #: Operations with the same group can run at the same time.
    group: str = "panel_locks_clips"
    #: Requests HA persists and replays until the hub answers (code changes):
    #: they land exactly once even when the answer is lost.
    replayed: bool = False

    async def call(
        self, hass: HomeAssistant, entry_id: str, hub: Hub
    ) -> ServiceResponse:
        """Make the request as a user would, waiting for its answer."""
        return await hass.services.async_call(
            self.domain,
            self.service,
            self.data(entry_id, hub),
            blocking=True,
            return_response=self.domain == DOMAIN,
        )


def _garage_armed(hub: Hub) -> None:
    hub.panel.arm("2", ArmMode.AWAY)


#: Operations that can run at the same time (the fault and load tests do):
#: code changes are refused while a partition is armed, so they run apart.
OPERATIONS = [
    Operation(
        name="arm_away",
        domain="alarm_control_panel",
        service="alarm_arm_away",
        data=lambda _, hub: {"entity_id": HOUSE},
        command="arm",
        effect=lambda: _partition_becomes("1", "arming"),
    ),
    Operation(
        name="disarm",
        domain="alarm_control_panel",
        service="alarm_disarm",
        data=lambda _, hub: {"entity_id": GARAGE, "code": CODE},
        command="disarm",
        effect=lambda: _partition_becomes("2", "disarmed"),
        prepare=_garage_armed,
    ),
    Operation(
        name="unlock",
        domain="lock",
        service="unlock",
        data=lambda _, hub: {"entity_id": FRONT_LOCK},
        command="unlock",
        effect=lambda: _lock_opens("1"),
    ),
    Operation(
        name="clip_upload",
        domain=DOMAIN,
        service="export_clip",
        data=lambda _, hub: {
            "camera": DRIVEWAY,
            "start": recorders_of(hub).store.start.isoformat(),
            "length": "30",
            "destination": "upload",
        },
        command="clip_upload",
        effect=lambda: lambda e: e.event == "cloud",
    ),
    Operation(
        name="code_change",
        domain=DOMAIN,
        service="update_user",
        data=lambda entry_id, hub: {
            "config_entry_id": entry_id,
            "slot": 3,
            "code": "905173",
        },
        command="update_user",
        group="codes",
        effect=lambda: lambda e: e.event == "user" and e.data.get("slot") == 3,
        replayed=True,
    ),
]


GROUPS: dict[str, list[Operation]] = {}
for _operation in OPERATIONS:
    GROUPS.setdefault(_operation.group, []).append(_operation)
