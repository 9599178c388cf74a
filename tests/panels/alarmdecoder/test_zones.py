"""Zones and the partition from keypad, expander, RF and LRR lines."""

from __future__ import annotations

from custom_components.alarmhub.panels.alarmdecoder import AlarmDecoderPanel
from custom_components.alarmhub.panels.alarmdecoder.tracker import EXPIRE
from custom_components.alarmhub.panels.models import (
    ArmMode,
    Partition,
    PartitionState,
    Zone,
    ZoneType,
)

from . import lines as L
from .conftest import Clock, replay_lines
from .fake_ad2 import FakeAD2


def open_zones(panel: AlarmDecoderPanel) -> set[str]:
    return {z.id for z in panel.state.zones.values() if z.open}


async def replay(ad2: FakeAD2, panel: AlarmDecoderPanel, *lines: str) -> None:
    """Send lines and wait until the panel has read them all."""
    await replay_lines(ad2, panel, *lines)


async def test_fault_cycle_opens_and_restores(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    """The library's own capture: 3, 4, 5, 4 means zone 3 closed."""
    await replay(ad2, panel, L.FAULT_03, L.FAULT_04, L.FAULT_05)
    assert open_zones(panel) == {"3", "4", "5"}
    assert panel.state.zones["4"].name == "Zone 04"
    assert panel.state.zones["4"].type is ZoneType.OTHER
    assert panel.state.zones["3"].name == "Back Door"
    await replay(ad2, panel, L.FAULT_04)
    assert open_zones(panel) == {"4", "5"}
    assert panel.state.partition.open_zones == ("4", "5")
    # Shown twice in a row: the only fault left.
    await replay(ad2, panel, L.FAULT_05, L.FAULT_05)
    assert open_zones(panel) == {"5"}
    await replay(ad2, panel, L.READY)
    assert open_zones(panel) == set()
    assert panel.state.partition.ready


async def test_system_lines_keep_faults_and_old_faults_expire(
    panel: AlarmDecoderPanel, ad2: FakeAD2, clock: Clock
) -> None:
    await replay(ad2, panel, L.FAULT_02, L.with_bits(L.LO_BAT, ready="1"))
    assert open_zones(panel) == {"2"}
    clock.now += EXPIRE + 1
    await replay(ad2, panel, L.HIT_STAR)
    assert open_zones(panel) == set()


async def test_expander_rf_and_ecp_zones(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    await replay(ad2, panel, L.EXP_07_01_ON, L.RFX, L.REL, L.CHECK_ECP)
    assert open_zones(panel) == {"9", "20", "1"}
    await replay(ad2, panel, L.EXP_07_01_OFF, "!RFX:0180036,02", "!RFX:9999999,80")
    assert open_zones(panel) == {"1"}
    assert panel.state.zones["20"].low_battery


async def test_partition_follows_the_keypad(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    events = panel.events  # type: ignore[attr-defined]
    await replay(ad2, panel, L.EXIT_STAY)
    assert panel.state.partition.state is PartitionState.ARMING
    await replay(ad2, panel, L.LO_BAT.replace("[000", "[001", 1))
    assert panel.state.partition.state is PartitionState.ARMING  # held
    await replay(ad2, panel, L.ARMED_STAY)
    part = panel.state.partition
    assert (part.state, part.arm_mode) == (PartitionState.ARMED_STAY, ArmMode.STAY)
    await replay(ad2, panel, L.NIGHT, L.with_text(L.ARMED_STAY, "SYSTEM LO BAT"))
    assert panel.state.partition.state is PartitionState.ARMED_NIGHT
    await replay(ad2, panel, L.ARMED_AWAY, L.ENTRY_DELAY)
    assert panel.state.partition.state is PartitionState.PENDING
    await replay(ad2, panel, L.ALARM_05)
    assert panel.state.partition.state is PartitionState.TRIGGERED
    alarms = [e for e in events if e.event == "alarm"]
    assert alarms[-1].data["zone"] == "5" and alarms[-1].data["partition"] == "1"
    await replay(ad2, panel, L.with_bits(L.READY, alarm="1"))
    assert panel.state.partition.state is PartitionState.TRIGGERED
    await replay(ad2, panel, L.with_bits(L.READY, fire="1", ac="0", battery="0"))
    part = panel.state.partition
    assert part.state is PartitionState.DISARMED
    assert part.fire and part.ac_power is False and part.low_battery is False
    # Every state change was pushed in from_dict form.
    for event in events:
        if event.event == "partition":
            Partition.from_dict(event.data)
        elif event.event == "zone":
            Zone.from_dict(event.data)


async def test_changed_by_from_lrr_user_numbers(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    await replay(ad2, panel, "!LRR:003,1,CID_1401,ff")
    assert panel.state.partition.changed_by == "Alice"
    await replay(ad2, panel, L.LRR_V1)
    assert panel.state.partition.changed_by == "User 12"
    await replay(ad2, panel, "!LRR:005,1,CID_1130,ff", "!LRR:abc,1,ARM_AWAY")
    assert panel.state.partition.changed_by == "User 12"


async def test_configure_zones_pushes_zone_events(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    from custom_components.alarmhub.panels.alarmdecoder import ZoneConfig

    await replay(ad2, panel, L.FAULT_05)
    panel.configure_zones(
        {5: ZoneConfig(number=5, name="Kitchen", type=ZoneType.WINDOW)}
    )
    zone = panel.state.zones["5"]
    assert (zone.name, zone.type, zone.open) == ("Kitchen", ZoneType.WINDOW, True)
    names = [e.data["name"] for e in panel.events if e.event == "zone"]  # type: ignore[attr-defined]
    assert names[-1] == "Kitchen"
    state = await panel.get_state()
    assert state.seq == panel.events[-1].seq  # type: ignore[attr-defined]
    assert state.zones["5"].name == "Kitchen" and "3" in state.users
