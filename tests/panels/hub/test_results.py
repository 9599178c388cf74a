"""Scene and phone-swap results: parsed strictly, summarised plainly."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alarmhub.panels.exceptions import ProtocolError
from custom_components.alarmhub.panels.hub.results import (
    AccountChange,
    PhoneSwapResult,
    SceneResult,
)

ARM = {
    "action": "arm",
    "target": "1",
    "target_name": "House",
    "ok": False,
    "mode": "stay",
    "code": "zones_open",
    "reason": "open: Kitchen window",
}
LOCK = {"action": "lock", "target": "1", "target_name": "Front door lock", "ok": True}


def test_scene_result() -> None:
    """Each action's outcome, the failed ones, and a summary without details."""
    result = SceneResult.from_dict(
        {"scene": "1", "name": "Goodnight", "results": [ARM, LOCK]}
    )
    assert [r.target_name for r in result.failed] == ["House"]
    assert [r.as_dict() for r in result.results] == [
        {
            "action": "arm",
            "target": "House",
            "ok": False,
            "mode": "stay",
            "error": "zones_open",
            "reason": "open: Kitchen window",
        },
        {"action": "lock", "target": "Front door lock", "ok": True},
    ]


def test_phone_swap_result() -> None:
    """Planned, done and not done changes; steps and reasons in the summary."""
    change = {
        "kind": "contact",
        "target_id": "1",
        "target_name": "Alex",
        "description": "Alex's phone: ...23 -> ...99",
        "steps": ["remove ...23", "add ...99"],
        "reason": "the account refused",
    }
    result = PhoneSwapResult.from_dict(
        {"dry_run": False, "done": [], "not_done": [change]}
    )
    assert result.partial
    assert result.not_done[0].as_dict() == {
        "kind": "contact",
        "target": "Alex",
        "description": "Alex's phone: ...23 -> ...99",
        "steps": ["remove ...23", "add ...99"],
        "reason": "the account refused",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"scene": "1", "name": "Goodnight", "results": ["not an object"]},
        {"scene": "1", "name": "Goodnight", "results": [{**LOCK, "ok": "yes"}]},
    ],
)
def test_malformed_scene_result(bad: dict[str, Any]) -> None:
    """A hub answer that breaks the protocol raises ProtocolError, nothing else."""
    with pytest.raises(ProtocolError):
        SceneResult.from_dict(bad)


def test_malformed_change() -> None:
    """Steps must be strings."""
    with pytest.raises(ProtocolError):
        AccountChange.from_dict(
            {
                "kind": "contact",
                "target_id": "1",
                "target_name": "Alex",
                "description": "x",
                "steps": [1],
            }
        )
