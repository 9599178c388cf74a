"""Arming, disarming, bypass and chime as keypresses, confirmed by the keypad."""

from __future__ import annotations

import pytest

from custom_components.alarmhub.panels.alarmdecoder import AlarmDecoderPanel
from custom_components.alarmhub.panels.exceptions import (
    AlarmHubConnectionError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
    ErrorCode,
)
from custom_components.alarmhub.panels.models import (
    ArmMode,
    ArmOption,
    PartitionState,
)

from . import lines as L
from .conftest import MASTER, MakePanel, replay_lines
from .fake_ad2 import FakeAD2

CODE = "1357"


@pytest.mark.parametrize("line_kind", ["tcp", "pty"], indirect=True)
async def test_arm_away_then_disarm(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    ad2.when(CODE + "2", L.with_text(L.ARMED_AWAY, "ARMED ***AWAY***May Exit Now"))
    result = await panel.arm("1", ArmMode.AWAY, code=CODE)
    assert result == {"bypassed": []}
    assert ad2.received.endswith((CODE + "2").encode())
    assert panel.state.partition.state is PartitionState.ARMING
    await replay_lines(ad2, panel, L.ARMED_AWAY, "!LRR:003,1,CID_3401,ff")
    part = panel.state.partition
    assert (part.state, part.changed_by) == (PartitionState.ARMED_AWAY, "Alice")
    ad2.when(CODE + "1", L.READY)
    await panel.disarm("1", CODE)
    assert panel.state.partition.state is PartitionState.DISARMED
    await panel.disarm("1", CODE)  # already disarmed: nothing sent
    assert ad2.received.count(CODE.encode()) == 2


@pytest.mark.parametrize(
    ("mode", "options", "keys", "answer"),
    [
        (ArmMode.STAY, frozenset(), "3", L.ARMED_STAY),
        (ArmMode.NIGHT, frozenset(), "33", L.NIGHT),
        (ArmMode.STAY, frozenset({ArmOption.NO_ENTRY_DELAY}), "7", L.ARMED_STAY),
        (ArmMode.AWAY, frozenset({ArmOption.NO_ENTRY_DELAY}), "4", L.ARMED_AWAY),
    ],
)
async def test_arming_keys(
    panel: AlarmDecoderPanel,
    ad2: FakeAD2,
    mode: ArmMode,
    options: frozenset[ArmOption],
    keys: str,
    answer: str,
) -> None:
    ad2.when(MASTER + keys, answer)
    await panel.arm("1", mode, options=options)  # no code: the master code
    assert ad2.received.endswith((MASTER + keys).encode())
    assert panel.state.partition.arm_mode is mode


async def test_open_zones_refuse_arming(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    await replay_lines(ad2, panel, L.FAULT_02, L.FAULT_03)
    sent = ad2.received
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm("1", ArmMode.AWAY, code=CODE)
    assert err.value.code == ErrorCode.ZONES_OPEN
    assert err.value.details == {
        "zones": [{"id": "2", "name": "Front Door"}, {"id": "3", "name": "Back Door"}],
        "partition": "Alarm",
    }
    assert ad2.received == sent
    refused = [e for e in panel.events if e.event == "arm_refused"]  # type: ignore[attr-defined]
    assert refused[-1].data["zones"][0] == {"id": "2", "name": "Front Door"}


async def test_force_bypass_then_arm(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    await replay_lines(ad2, panel, L.FAULT_02)
    ad2.when(
        CODE + "6#", L.with_text(L.with_bits(L.LO_BAT, bypassed="1"), "BYPAS 02", "002")
    )
    ad2.when(CODE + "3", L.STAY_BYPASSED)
    result = await panel.arm(
        "1", ArmMode.STAY, code=CODE, options=frozenset({ArmOption.FORCE_BYPASS})
    )
    assert result == {"bypassed": [{"id": "2", "name": "Front Door"}]}
    assert (CODE + "6#" + CODE + "3").encode() in ad2.received
    assert panel.state.zones["2"].bypassed


async def test_refusals_before_any_key(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    sent = ad2.received
    for code in ("12", "12#4", "١٢٣٤"):
        with pytest.raises(AlarmHubRejectedError) as err:
            await panel.arm("1", ArmMode.AWAY, code=code)
        assert err.value.code == ErrorCode.INVALID_CODE
        assert code not in str(err.value)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm("2", ArmMode.AWAY, code=CODE)
    assert err.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm(
            "1", ArmMode.NIGHT, options=frozenset({ArmOption.NO_ENTRY_DELAY})
        )
    assert err.value.code == ErrorCode.NOT_SUPPORTED
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm("1", ArmMode.AWAY, options=frozenset({ArmOption.SILENT}))
    assert err.value.details == {"options": ["silent"]}
    await replay_lines(ad2, panel, L.ARMED_AWAY)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm("1", ArmMode.AWAY, code=CODE)
    assert err.value.code == ErrorCode.SYSTEM_ARMED
    assert err.value.details["partition"] == "Alarm"
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.bypass("2", True)
    assert err.value.code == ErrorCode.SYSTEM_ARMED
    assert ad2.received == sent


async def test_wrong_code_is_the_error_tone(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    ad2.when("99992", L.READY_ERROR)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.arm("1", ArmMode.AWAY, code="9999")
    assert err.value.code == ErrorCode.INVALID_CODE
    assert "9999" not in str(err.value)


async def test_no_confirmation_times_out(make_panel: MakePanel, ad2: FakeAD2) -> None:
    panel = await make_panel(command_timeout=0.3)
    await replay_lines(ad2, panel, L.READY)
    with pytest.raises(AlarmHubTimeoutError, match="arming away"):
        await panel.arm("1", ArmMode.AWAY, code=CODE)


async def test_bypass_one_zone_and_restore_refused(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    ad2.when(
        MASTER + "603",
        L.with_text(L.with_bits(L.LO_BAT, bypassed="1"), "BYPAS 03", "003"),
    )
    await panel.bypass("3", True)
    assert panel.state.zones["3"].bypassed
    assert panel.state.partition.bypassed_zones == ("3",)
    await panel.bypass("3", True)  # already: nothing sent
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.bypass("3", False)
    assert err.value.code == ErrorCode.BYPASS_BY_DISARM
    await panel.bypass("2", False)  # not bypassed: nothing to do
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.bypass("77", True)
    assert err.value.code == ErrorCode.NOT_FOUND
    await replay_lines(ad2, panel, L.READY)  # disarming clears every bypass
    assert not panel.state.zones["3"].bypassed
    assert ad2.received.count((MASTER + "603").encode()) == 1


async def test_chime(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    ad2.when(MASTER + "9", L.CHIME_READY)
    await panel.set_chime("1", True)
    assert panel.state.partition.chime is True
    await panel.set_chime("1", True)
    ad2.when(MASTER + "9", L.READY)
    await panel.set_chime("1", False)
    assert panel.state.partition.chime is False
    assert ad2.received.count((MASTER + "9").encode()) == 2


async def test_commands_need_the_connection(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    await panel.close()
    with pytest.raises(AlarmHubConnectionError):
        await panel.arm("1", ArmMode.AWAY, code=CODE)
    with pytest.raises(AlarmHubConnectionError):
        await panel.get_state()
