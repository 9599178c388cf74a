"""Scenes defined on the hub: one activation runs actions across devices.

The hub runs each action (arm, disarm, lock, unlock) and pushes the resulting
partition and lock changes before it answers, so the affected entities are up
to date when activation returns. When an action fails, the others still run
and activation raises a translated error listing the failed actions; the
hub's ``scene_result`` event reaches the bus as ``alarmhub_scene_result``
either way, with each action's outcome.
"""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.scene import Scene
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities
from .helpers import call_hub
from .panels.base import Capability
from .panels.exceptions import ErrorCode
from .panels.hub.results import SceneActionResult

PARALLEL_UPDATES = 0

#: A failed action's error codes that are about the situation at home (an
#: open door, an armed partition), not the hub failing.
SITUATION_ERRORS = frozenset(
    {ErrorCode.ZONES_OPEN, ErrorCode.SYSTEM_ARMED, ErrorCode.NOT_SUPPORTED}
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a scene entity for every scene the hub has, now and when added."""
    coordinator = entry.runtime_data
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: state.scenes,
        lambda key: [AlarmHubScene(coordinator, key)],
        kinds=frozenset({"scene"}),
    )


def describe_failure(result: SceneActionResult) -> str:
    """Return one failed action in words: what, on what, and why."""
    what = f"{result.action} {result.target_name}"
    if result.mode:
        what += f" ({result.mode})"
    zones = result.details.get("zones")
    if result.code == ErrorCode.ZONES_OPEN and isinstance(zones, list):
        names = ", ".join(str(z.get("name", "?")) for z in zones if isinstance(z, dict))
        return f"{what}: open {names}"
    return f"{what}: {result.reason or result.code}"


class AlarmHubScene(AlarmHubEntity, Scene):
    """A scene on the hub."""

    def __init__(self, coordinator: AlarmHubCoordinator, scene_id: str) -> None:
        """Show one hub scene, on the hub's device."""
        super().__init__(coordinator, f"scene_{scene_id}", topic=("scene", scene_id))
        self.scene_id = scene_id
        self._attr_name = coordinator.data.scenes[scene_id].name

    @override
    def _snapshot(self) -> Any:
        return self.coordinator.data.scenes.get(self.scene_id)

    @override
    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scene on the hub; say which actions failed, if any."""
        result = await call_hub(
            self.coordinator.hub_client(Capability.SCENES).activate_scene(self.scene_id)
        )
        if not (failed := result.failed):
            return
        placeholders = {
            "scene": result.name,
            "failed": "; ".join(describe_failure(r) for r in failed),
            "count": str(len(failed)),
            "total": str(len(result.results)),
        }
        # An open door is the user's to fix; anything else is the hub failing.
        error = (
            ServiceValidationError
            if all(r.code in SITUATION_ERRORS for r in failed)
            else HomeAssistantError
        )
        raise error(
            translation_domain=DOMAIN,
            translation_key="scene_failed",
            translation_placeholders=placeholders,
        )
