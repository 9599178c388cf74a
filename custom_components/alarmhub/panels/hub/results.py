"""Typed results of the hub's multi-step commands: scenes and phone swaps.

Like :mod:`.models`, everything is parsed strictly: a wrong type raises
:class:`ProtocolError`. Phone numbers arrive masked (``…23``) and stay so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from ..exceptions import ProtocolError
from ..models import _get, _opt


def _objects(obj: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = _get(obj, key, list, [])
    if not all(isinstance(item, dict) for item in items):
        raise ProtocolError(f"{key} must hold objects")
    return items


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneActionResult:
    """How one action of a scene went."""

    action: str
    target: str
    target_name: str
    ok: bool
    mode: str | None = None
    code: str | None = None
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    result: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse one action's outcome."""
        return cls(
            action=_get(obj, "action", str),
            target=_get(obj, "target", str),
            target_name=_get(obj, "target_name", str),
            ok=_get(obj, "ok", bool),
            mode=_opt(obj, "mode", str),
            code=_opt(obj, "code", str),
            reason=_opt(obj, "reason", str),
            details=_get(obj, "details", dict, {}),
            result=_get(obj, "result", dict, {}),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a plain summary (for responses and events)."""
        summary: dict[str, Any] = {
            "action": self.action,
            "target": self.target_name,
            "ok": self.ok,
        }
        if self.mode is not None:
            summary["mode"] = self.mode
        if not self.ok:
            summary["error"] = self.code
            summary["reason"] = self.reason
        return summary


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneResult:
    """What activating a scene did, action by action."""

    scene: str
    name: str
    results: tuple[SceneActionResult, ...]

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse an ``activate_scene`` result (or ``scene_result`` event)."""
        return cls(
            scene=_get(obj, "scene", str),
            name=_get(obj, "name", str),
            results=tuple(
                SceneActionResult.from_dict(item) for item in _objects(obj, "results")
            ),
        )

    @property
    def failed(self) -> tuple[SceneActionResult, ...]:
        """Return the actions that failed."""
        return tuple(result for result in self.results if not result.ok)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountChange:
    """One change of a phone swap (numbers masked)."""

    kind: str
    target_id: str
    target_name: str
    description: str
    steps: tuple[str, ...] = ()
    done: bool = False
    reason: str | None = None

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a change."""
        steps = _get(obj, "steps", list, [])
        if not all(isinstance(step, str) for step in steps):
            raise ProtocolError("steps must be strings")
        return cls(
            kind=_get(obj, "kind", str),
            target_id=_get(obj, "target_id", str),
            target_name=_get(obj, "target_name", str),
            description=_get(obj, "description", str),
            steps=tuple(steps),
            done=_get(obj, "done", bool, False),
            reason=_opt(obj, "reason", str),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a plain summary (for service responses)."""
        summary: dict[str, Any] = {
            "kind": self.kind,
            "target": self.target_name,
            "description": self.description,
        }
        if self.steps:
            summary["steps"] = list(self.steps)
        if self.reason is not None:
            summary["reason"] = self.reason
        return summary


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneSwapResult:
    """A phone swap's plan (dry run) or outcome."""

    dry_run: bool
    planned: tuple[AccountChange, ...] = ()
    done: tuple[AccountChange, ...] = ()
    not_done: tuple[AccountChange, ...] = ()

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self:
        """Parse a ``phone_swap`` result."""

        def changes(key: str) -> tuple[AccountChange, ...]:
            return tuple(AccountChange.from_dict(item) for item in _objects(obj, key))

        return cls(
            dry_run=_get(obj, "dry_run", bool),
            planned=changes("changes"),
            done=changes("done"),
            not_done=changes("not_done"),
        )

    @property
    def partial(self) -> bool:
        """Return True when some change was not done (run again to finish)."""
        return bool(self.not_done)
