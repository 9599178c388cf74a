"""The simulator follows the panel's rules (no Home Assistant involved)."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.models import ArmMode, ArmOption, PartitionState
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.panel import Panel, Rejection

ALEX = "4826"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def events() -> list[tuple[str, dict[str, Any]]]:
    return []


@pytest.fixture
def panel(clock: ManualClock, events: list[tuple[str, dict[str, Any]]]) -> Panel:
    hub = Hub(load_site(), clock=clock)
    hub.listen(lambda e: events.append((e.event, e.data)))
    return hub.panel


def state(panel: Panel, partition: str = "1") -> PartitionState:
    return panel.partitions[partition].state


def test_exit_delay_then_armed(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.AWAY)
    assert state(panel) is PartitionState.ARMING
    clock.advance(59)
    assert state(panel) is PartitionState.ARMING
    clock.advance(1)
    assert state(panel) is PartitionState.ARMED_AWAY


@pytest.mark.parametrize("mode", [ArmMode.STAY, ArmMode.NIGHT, ArmMode.AWAY])
def test_open_contact_refuses_every_mode(panel: Panel, mode: ArmMode) -> None:
    panel.set_zone("3", True)
    with pytest.raises(Rejection) as err:
        panel.arm("1", mode)
    assert err.value.code is ErrorCode.ZONES_OPEN
    assert err.value.details["zones"] == [{"id": "3", "name": "Living room window"}]
    assert state(panel) is PartitionState.DISARMED


def test_active_motion_does_not_block_arming(panel: Panel) -> None:
    panel.set_zone("5", True)
    panel.arm("1", ArmMode.AWAY)
    assert state(panel) is PartitionState.ARMING


def test_force_bypass_and_disarm_clears_it(panel: Panel, clock: ManualClock) -> None:
    panel.set_zone("3", True)
    result = panel.arm("1", ArmMode.AWAY, options=frozenset({ArmOption.FORCE_BYPASS}))
    assert result == {"bypassed": [{"id": "3", "name": "Living room window"}]}
    clock.advance(60)
    panel.set_zone("3", False)
    panel.set_zone("3", True)  # a bypassed zone raises no alarm
    assert state(panel) is PartitionState.ARMED_AWAY
    panel.disarm("1", ALEX)
    assert not panel.zones["3"].bypassed


def test_stay_ignores_motion_away_does_not(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.STAY)
    clock.advance(60)
    panel.walk_past("5")
    assert state(panel) is PartitionState.ARMED_STAY
    panel.disarm("1", ALEX)
    panel.arm("1", ArmMode.AWAY)
    clock.advance(60)
    panel.walk_past("5")
    assert state(panel) is PartitionState.TRIGGERED


def test_faults_during_exit_delay_are_ignored(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.AWAY)
    panel.set_zone("1", True)
    panel.set_zone("1", False)
    clock.advance(60)
    assert state(panel) is PartitionState.ARMED_AWAY


def test_entry_delay_then_trigger(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.AWAY)
    clock.advance(60)
    panel.set_zone("1", True)
    assert state(panel) is PartitionState.PENDING
    panel.walk_past("5")  # walking in during the entry delay follows the door
    assert state(panel) is PartitionState.PENDING
    clock.advance(30)
    assert state(panel) is PartitionState.TRIGGERED


def test_no_entry_delay_triggers_at_once(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.AWAY, options=frozenset({ArmOption.NO_ENTRY_DELAY}))
    clock.advance(60)
    panel.set_zone("1", True)
    assert state(panel) is PartitionState.TRIGGERED


def test_smoke_triggers_even_disarmed(panel: Panel) -> None:
    panel.set_zone("7", True)
    assert state(panel) is PartitionState.TRIGGERED


def test_unsupported_option(panel: Panel) -> None:
    with pytest.raises(Rejection) as err:
        panel.arm("2", ArmMode.AWAY, options=frozenset({ArmOption.SILENT}))
    assert err.value.code is ErrorCode.NOT_SUPPORTED
    assert state(panel, "2") is PartitionState.DISARMED


def test_wrong_codes_lock_out_then_expire(panel: Panel, clock: ManualClock) -> None:
    panel.arm("1", ArmMode.STAY)
    for left in (4, 3, 2, 1):
        with pytest.raises(Rejection) as err:
            panel.disarm("1", "0000")
        assert err.value.details == {"attempts_left": left}
    with pytest.raises(Rejection) as err:
        panel.disarm("1", "0000")
    assert err.value.code is ErrorCode.LOCKED_OUT
    with pytest.raises(Rejection) as err:
        panel.disarm("1", ALEX)
    assert err.value.code is ErrorCode.LOCKED_OUT
    clock.advance(300)
    panel.disarm("1", ALEX)
    assert state(panel) is PartitionState.DISARMED
    assert panel.partitions["1"].changed_by == "Alex"


def test_refusal_event_and_no_code_in_events(
    panel: Panel, events: list[tuple[str, dict[str, Any]]]
) -> None:
    panel.set_zone("1", True)
    with pytest.raises(Rejection):
        panel.arm("1", ArmMode.AWAY, code=ALEX)
    refused = [data for name, data in events if name == "arm_refused"]
    assert refused == [
        {
            "partition": "1",
            "mode": "away",
            "reason": "zones_open",
            "zones": [{"id": "1", "name": "Front door"}],
        }
    ]
    assert ALEX not in repr(events)


def test_arming_an_armed_partition_is_refused(panel: Panel) -> None:
    panel.arm("1", ArmMode.STAY)
    with pytest.raises(Rejection) as err:
        panel.arm("1", ArmMode.AWAY)
    assert err.value.code is ErrorCode.SYSTEM_ARMED
