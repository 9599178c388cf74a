"""The shared models: what a hub says is parsed strictly, and written back alike."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alarmhub.panels.exceptions import ProtocolError
from custom_components.alarmhub.panels.models import (
    COLLECTIONS,
    HubState,
    Partition,
    User,
    to_dict,
)
from simulator.hub import Hub, load_site

PARTITION = {"id": "1", "name": "House", "state": "disarmed"}
USER = {"slot": 4, "name": "Kim", "status": "active"}


@pytest.fixture
def state() -> HubState:
    """The demo site's whole state as the simulated hub reports it."""
    return HubState.from_dict(Hub(load_site()).state())


def test_every_model_reads_back_what_to_dict_writes(state: HubState) -> None:
    """to_dict gives each object in the form its from_dict reads."""
    seen = 0
    for collection, parse in COLLECTIONS.values():
        for item in getattr(state, collection).values():
            assert parse(to_dict(item)) == item
            seen += 1
    assert seen > 20
    user = User.from_dict({**USER, "last_changed": "2026-09-21T14:00:00+00:00"})
    assert User.from_dict(to_dict(user)) == user
    assert to_dict(user)["last_changed"] == "2026-09-21T14:00:00+00:00"
    partition = Partition.from_dict(
        {**PARTITION, "supported_options": ["silent", "force_bypass"]}
    )
    assert to_dict(partition)["supported_options"] == ["force_bypass", "silent"]


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (Partition, {**PARTITION, "exit_delay": 2**70}, "out of range"),
        (Partition, {**PARTITION, "exit_delay": True}, "must be int"),
        (Partition, {**PARTITION, "state": "exploded"}, "unknown state"),
        (Partition, {**PARTITION, "open_zones": [5]}, "list of strings"),
        (Partition, {"id": "1", "name": "House"}, "missing field 'state'"),
        (User, {**USER, "last_changed": "yesterday"}, "ISO 8601"),
        (User, {**USER, "locks": {"1": "half"}}, "unknown lock sync state"),
    ],
)
def test_malformed_objects_are_refused(
    model: Any, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ProtocolError, match=message):
        model.from_dict(data)


def test_removal_events(state: HubState) -> None:
    """A removal names its object by id (a user by its slot number)."""
    slot = next(iter(state.users))
    assert state.apply("user_removed", {"id": int(slot)})
    assert slot not in state.users
    assert not state.apply("user_removed", {"id": int(slot)})
    with pytest.raises(ProtocolError, match="'id'"):
        state.apply("zone_removed", {"id": 1.5})
    assert not state.apply("keypad_beep", {})
