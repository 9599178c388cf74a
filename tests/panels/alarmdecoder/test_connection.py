"""The AD2 line: identify, reconnect, silence, junk, and secrets in logs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from custom_components.alarmhub.panels.alarmdecoder import (
    AlarmDecoderPanel,
    PanelType,
    connection,
    create_transport,
)
from custom_components.alarmhub.panels.base import Capability, Panel, UserChange
from custom_components.alarmhub.panels.exceptions import (
    AlarmHubConnectionError,
    AlarmHubTimeoutError,
)
from custom_components.alarmhub.panels.models import ArmMode, PartitionState

from ...common import shows_code
from . import lines as L
from .conftest import MASTER, Clock, MakePanel, replay_lines, wait_for
from .fake_ad2 import FakeAD2


@pytest.mark.parametrize("line_kind", ["tcp", "pty"], indirect=True)
async def test_connect_identifies_the_ad2(make_panel: MakePanel, ad2: FakeAD2) -> None:
    panel = await make_panel(keypad_address=None)
    assert isinstance(panel, Panel)
    info = panel.info
    assert info is not None
    assert (info.model, info.serial, info.firmware, info.name) == (
        "Vista (AD2)",
        "ffffffff",
        "V2.2a.8.2",
        "Alarm",
    )
    assert info.min_code_length == info.max_code_length == 4
    assert panel.keypad_address == 18  # from !CONFIG>
    assert Capability.USER_CODES in panel.capabilities
    assert Capability.LOCKS not in panel.capabilities
    assert not shows_code(MASTER, repr(panel))
    state = await panel.get_state()
    assert set(state.zones) == {"2", "3", "9", "20"}
    assert not any(z.open for z in state.zones.values())
    assert state.partitions["1"].state is PartitionState.DISARMED
    assert state.partitions["1"].name == "Alarm"


async def test_an_ad2_that_does_not_answer(make_panel: MakePanel, ad2: FakeAD2) -> None:
    ad2.answer_version = False
    with pytest.raises(AlarmHubTimeoutError):
        await make_panel(command_timeout=0.2)


async def test_nothing_listening(socket_enabled: None) -> None:
    panel = AlarmDecoderPanel(
        create_transport(host="127.0.0.1", port=1),
        panel_type=PanelType.VISTA,
        master_code=MASTER,
        name="Alarm",
    )
    with pytest.raises(AlarmHubConnectionError):
        await panel.connect()
    with pytest.raises(AlarmHubConnectionError):
        await panel.transport.readline()
    with pytest.raises(AlarmHubConnectionError):
        await panel.transport.send(b"x")
    with pytest.raises(ValueError):
        create_transport()


async def test_reconnects_after_the_line_drops(
    panel: AlarmDecoderPanel, ad2: FakeAD2
) -> None:
    changes: list[bool] = []
    stop = panel.on_connection(changes.append)
    await ad2.drop()
    await wait_for(lambda: changes == [False, True])
    assert panel.connected and ad2.connections == 2
    ad2.when("13572", L.ARMED_AWAY)
    await panel.arm("1", ArmMode.AWAY, code="1357")
    stop()


async def test_a_silent_panel_counts_as_lost(
    panel: AlarmDecoderPanel,
    ad2: FakeAD2,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connection, "WATCHDOG_POLL", 0.01)
    changes: list[bool] = []
    panel.on_connection(changes.append)
    await replay_lines(ad2, panel, L.READY)
    clock.now += connection.SILENCE - 1
    await replay_lines(ad2, panel, L.READY)  # still talking: nothing lost
    clock.now += connection.SILENCE - 1
    await asyncio.sleep(0.05)
    assert changes == []
    clock.now += 2
    await wait_for(lambda: changes[:2] == [False, True])


async def test_junk_lines_are_ignored(
    panel: AlarmDecoderPanel, ad2: FakeAD2, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    junk = [
        "garbage " + MASTER,
        L.READY[:30],
        "!FOO:1",
        "\xff\xfe",
    ]
    ad2.send(b"x" * 10000)  # no newline for far too long: thrown away
    await replay_lines(ad2, panel, *junk, L.FAULT_02)
    assert panel.state.zones["2"].open
    assert panel.connected
    assert MASTER not in caplog.text


async def test_callback_errors_do_not_stop_the_panel(
    panel: AlarmDecoderPanel, ad2: FakeAD2, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    panel.subscribe(broken)
    await replay_lines(ad2, panel, L.FAULT_03)
    assert panel.state.zones["3"].open
    assert "Error in an AlarmDecoder event callback" in caplog.text


@pytest.mark.parametrize("line_kind", ["tcp", "pty"], indirect=True)
async def test_codes_never_in_logs_at_debug(
    panel: AlarmDecoderPanel, ad2: FakeAD2, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("serialx", "asyncio", "custom_components"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored afterwards
    code, new = "8642", "9753"
    ad2.when(code + "3", L.ARMED_STAY)
    await panel.arm("1", ArmMode.STAY, code=code)
    ad2.when(code + "1", L.READY)
    await panel.disarm("1", code)
    ad2.when(MASTER + "805" + new, L.READY_BEEP)
    result = await panel.change_user(
        UserChange.ADD_USER, change_id="s", slot=5, code=new
    )
    events = panel.events  # type: ignore[attr-defined]
    for secret in (code, new, MASTER):
        assert secret not in caplog.text
        assert secret not in repr(events) and secret not in repr(result)
        assert secret not in repr(panel) and secret not in repr(panel.state.partition)


async def test_ad2_hangs_up_while_identifying(
    make_panel: MakePanel, ad2: FakeAD2
) -> None:
    ad2.hang_up_on_version = True
    with pytest.raises(AlarmHubConnectionError):
        await make_panel()


async def test_reconnect_keeps_trying(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    changes: list[bool] = []
    panel.on_connection(changes.append)
    ad2.refuse = True
    await ad2.drop()
    await wait_for(lambda: ad2.connections >= 3)  # two failed tries at least
    assert changes == [False] and not panel.connected
    ad2.refuse = False
    await wait_for(lambda: changes == [False, True])
    await panel.close()
    assert panel.closing and not panel.connected


async def test_a_failing_handler_is_logged_not_fatal(
    panel: AlarmDecoderPanel,
    ad2: FakeAD2,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = panel.state.handle

    def once(message: object) -> None:
        monkeypatch.setattr(panel.state, "handle", original)
        raise RuntimeError("bad state")

    monkeypatch.setattr(panel.state, "handle", once)
    await replay_lines(ad2, panel, L.FAULT_03)
    await replay_lines(ad2, panel, L.FAULT_04)
    assert "Error handling an AD2 message" in caplog.text
    assert panel.state.zones["4"].open
