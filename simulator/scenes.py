"""Scenes: one button on the hub that runs several actions across devices.

A site lists its scenes::

    scenes:
      - id: "1"
        name: Goodnight
        actions:
          - {arm: {partition: "1", mode: stay}}      # options: [force_bypass, ...]
          - {disarm: {partition: "2"}}
          - {lock: "1"}
          - {unlock: "2"}

``activate_scene`` (args ``scene``) runs every action in order through the
hub's own commands (``arm``, ``lock``, ``unlock``), so each follows the same
rules as when it is asked for alone and announces its changes with the same
events. An action that fails does not stop the others: the result (and the
``scene_result`` event) lists each action with ``ok`` and, when it failed, the
hub's error ``code``, ``reason`` and ``details``. A scene is the account
owner's own set-up, so its actions run with the hub's authority: a disarm
action needs no user code and is recorded as done by the scene.

Lock actions call the door-lock feature's ``lock``/``unlock`` commands
(``locks.py``), which must be installed before scenes; on a hub without them
a lock action fails with ``not_supported``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.models import ArmMode, ArmOption, PartitionState

from .panel import Rejection

if TYPE_CHECKING:
    from .hub import Hub

ACTIONS = ("arm", "disarm", "lock", "unlock")


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneAction:
    """One action of a scene: what to do and to which object."""

    action: str
    target: str
    mode: ArmMode | None = None
    options: frozenset[ArmOption] = frozenset()

    @classmethod
    def from_site(cls, item: Any) -> SceneAction:
        """Parse ``{arm: {partition, mode, options}}``, ``{lock: id}``, ..."""
        if not isinstance(item, Mapping) or len(item) != 1:
            raise ValueError("a scene action is a mapping with one key")
        ((action, spec),) = item.items()
        if action not in ACTIONS:
            raise ValueError(f"unknown scene action {action!r}")
        if action in ("lock", "unlock"):
            return cls(action=action, target=str(spec))
        if not isinstance(spec, Mapping) or "partition" not in spec:
            raise ValueError(f"{action} needs a partition")
        if action == "disarm":
            return cls(action=action, target=str(spec["partition"]))
        return cls(
            action=action,
            target=str(spec["partition"]),
            mode=ArmMode(spec.get("mode", "away")),
            options=frozenset(ArmOption(o) for o in spec.get("options", [])),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SimScene:
    """A scene as the hub knows it."""

    id: str
    name: str
    actions: tuple[SceneAction, ...]

    def view(self) -> dict[str, Any]:
        """Return the wire form (the actions stay on the hub)."""
        return {"id": self.id, "name": self.name}


class Scenes:
    """The site's scenes and the ``activate_scene`` command."""

    def __init__(self, hub: Hub) -> None:
        """Read the site's scenes."""
        self.hub = hub
        self.scenes: dict[str, SimScene] = {}
        for item in hub.site.get("scenes", []) or []:
            scene = SimScene(
                id=str(item["id"]),
                name=str(item["name"]),
                actions=tuple(
                    SceneAction.from_site(a) for a in item.get("actions", [])
                ),
            )
            self.scenes[scene.id] = scene

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Return the ``scenes`` collection."""
        return {"scenes": [scene.view() for scene in self.scenes.values()]}

    async def activate(self, args: dict[str, Any]) -> dict[str, Any]:
        """Run a scene's actions; report each one's outcome."""
        scene = self.scenes.get(str(args.get("scene")))
        if scene is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such scene")
        lock_names = {
            str(lock["id"]): str(lock["name"])
            for lock in self.hub.state().get("locks", [])
        }
        results = [
            await self._run(scene, action, lock_names) for action in scene.actions
        ]
        result = {
            "scene": scene.id,
            "name": scene.name,
            "results": results,
            "failed": sum(not r["ok"] for r in results),
        }
        self.hub.emit("scene_result", result)
        return result

    async def _run(
        self, scene: SimScene, action: SceneAction, lock_names: dict[str, str]
    ) -> dict[str, Any]:
        if action.action in ("arm", "disarm"):
            partition = self.hub.panel.partitions.get(action.target)
            name = partition.name if partition else action.target
        else:
            name = lock_names.get(action.target, action.target)
        outcome: dict[str, Any] = {
            "action": action.action,
            "target": action.target,
            "target_name": name,
        }
        if action.mode is not None:
            outcome["mode"] = action.mode.value
        try:
            outcome["result"] = await self._execute(scene, action)
        except Rejection as err:
            outcome.update(
                ok=False, code=err.code.value, reason=err.reason, details=err.details
            )
        else:
            outcome["ok"] = True
        return outcome

    async def _execute(self, scene: SimScene, action: SceneAction) -> dict[str, Any]:
        hub = self.hub
        if action.action == "arm":
            assert action.mode is not None
            return hub.panel.arm(action.target, action.mode, options=action.options)
        if action.action == "disarm":
            self._disarm(scene, action.target)
            return {}
        handler = hub.commands.get(action.action)
        if handler is None:
            raise Rejection(ErrorCode.NOT_SUPPORTED, "this hub has no door locks")
        return await handler({"lock": action.target})

    def _disarm(self, scene: SimScene, partition_id: str) -> None:
        """Disarm with the scene's authority (no user code)."""
        panel = self.hub.panel
        partition = panel.partition(partition_id)
        if partition.state is PartitionState.DISARMED:
            return
        panel.disarm_by(partition, f"Scene {scene.name}")


def install(hub: Hub) -> None:
    """Serve the site's scenes."""
    scenes = Scenes(hub)
    hub.commands["activate_scene"] = scenes.activate
    hub.state_sources.append(scenes.state)
