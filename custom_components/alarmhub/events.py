"""What a hub event says on the Home Assistant bus (``alarmhub_<name>``).

The hub names objects by their hub ids; automations want entity ids and
names. This adds, where the hub's data allows:

* ``entity_id`` of the alarm panel for events about a partition
  (``arm_refused``, ``alarm``) and of the scene for ``scene_result``;
* ``partition_name``;
* for ``arm_refused``: ``zones`` as a list of zone names (and ``zone_ids``).

Nothing else is changed, and the hub never puts a code in an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import AlarmHubCoordinator
    from .panels.base import Event

#: Event data key -> (entity platform, unique id kind) of the entity it names.
ENTITY_KEYS: Mapping[str, tuple[Platform, str]] = {
    "partition": (Platform.ALARM_CONTROL_PANEL, "partition"),
    "scene": (Platform.SCENE, "scene"),
}


def bus_event_data(coordinator: AlarmHubCoordinator, event: Event) -> dict[str, Any]:
    """Return the data of the bus event for a hub event."""
    data: dict[str, Any] = {
        "config_entry_id": coordinator.config_entry.entry_id,
        **event.data,
    }
    registry = er.async_get(coordinator.hass)
    serial = coordinator.info.serial
    for key, (platform, kind) in ENTITY_KEYS.items():
        if not isinstance(object_id := data.get(key), str):
            continue
        entity_id = registry.async_get_entity_id(
            platform, DOMAIN, f"{serial}_{kind}_{object_id}"
        )
        if entity_id is not None:
            data.setdefault("entity_id", entity_id)
    state = coordinator.data
    if (
        state is not None
        and isinstance(pid := data.get("partition"), str)
        and (partition := state.partitions.get(pid)) is not None
    ):
        data.setdefault("partition_name", partition.name)
    if event.event == "arm_refused" and isinstance(zones := data.get("zones"), list):
        items = [z for z in zones if isinstance(z, Mapping)]
        data["zones"] = [str(z.get("name", z.get("id", "?"))) for z in items]
        data["zone_ids"] = [str(z.get("id")) for z in items]
    return data
