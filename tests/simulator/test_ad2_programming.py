"""User codes by keypad programming on the emulated Vista (code + 8 + NN ...)."""

from __future__ import annotations

from alarmdecoder.messages import LRRMessage, Message

from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from ..ad2_helpers import AD2Client

MASTER, INSTALLER, ALEX = "1234", "4112", "4826"


async def _beeps(client: AD2Client) -> int:
    """The beep digit of the next keypad message that carries one."""
    message: Message = await client.keypad(lambda m: m.beeps != 0)
    return int(message.beeps)


async def test_master_adds_changes_and_deletes_a_user(
    client: AD2Client, ad2: AD2Server
) -> None:
    """Add user 05 (one beep), arm/disarm with it (LRR 005), then delete it."""
    client.send(MASTER + "8" + "05" + "5550")
    await client.text("!Sending.done")
    assert await _beeps(client) == 1
    client.send("55502")
    armed = await client.expect(LRRMessage)
    assert (armed.event_data, armed.event_code) == ("005", 0x401)
    client.send("55501")
    assert (await client.expect(LRRMessage)).event_data == "005"
    assert await _beeps(client) == 1  # the disarm's own confirmation
    client.send(MASTER + "8" + "05" + "5551")  # change the code
    assert await _beeps(client) == 1
    client.send("55502")  # the old code no longer works
    assert await _beeps(client) == 3
    client.send(MASTER + "8" + "05" + "#0")  # delete
    assert await _beeps(client) == 1
    client.send("55512")
    assert await _beeps(client) == 3
    assert ad2.panel.mode == "disarmed"
    assert 5 not in ad2.panel.codes


async def test_only_master_or_installer_programs(
    client: AD2Client, ad2: AD2Server
) -> None:
    """A user's code cannot program; the installer can, even the master code."""
    client.send(ALEX + "8" + "06" + "1111")
    assert await _beeps(client) == 3
    assert 6 not in ad2.panel.codes
    client.send(INSTALLER + "8" + "06" + "1111")
    assert await _beeps(client) == 1
    client.send(MASTER + "8" + "02" + "2222")  # the master cannot re-key itself here
    assert await _beeps(client) == 3
    client.send(INSTALLER + "8" + "02" + "2222")
    assert await _beeps(client) == 1
    client.send("22221")
    assert await _beeps(client) == 1


async def test_programming_refusals(client: AD2Client, ad2: AD2Server) -> None:
    """Out-of-range user numbers, duplicate codes and an armed panel are refused."""
    for sequence in (
        MASTER + "8" + "50" + "1111",  # 03-49 only
        MASTER + "8" + "01" + "1111",  # the installer's slot
        MASTER + "8" + "04" + ALEX,  # Alex's code is taken
        MASTER + "8" + "02" + "#0",  # the master cannot be deleted
    ):
        client.send(sequence)
        assert await _beeps(client) == 3, sequence
    client.send(MASTER + "2")
    await client.keypad(lambda m: m.armed_away)
    client.send(MASTER + "8" + "07" + "1111")
    assert await _beeps(client) == 3
    assert 7 not in ad2.panel.codes
    assert ad2.panel.codes[4] == "7391"


async def test_no_code_is_ever_echoed(client: AD2Client, ad2: AD2Server) -> None:
    """The AD2 shows no typed code: only '!Sending.done' and the panel's display."""
    client.send(MASTER + "8" + "09" + "8642")
    assert await _beeps(client) == 1
    client.send("86422" + "86421")
    await client.expect(
        LRRMessage, lambda m: m.event_code == 0x401 and m.event_status == 1
    )
    for line in client.lines:
        for code in ("1234", "8642"):
            assert code not in line, line
    assert "8642" not in str(ad2.state())


async def test_installer_program_mode(client: AD2Client) -> None:
    """Installer code + 800: the programming bit; *99 leaves."""
    client.send(INSTALLER + "800")
    mode = await client.keypad(lambda m: m.programming_mode)
    assert "Program Mode" in str(mode.text) and not mode.ready
    client.send(MASTER + "2")  # keys other than *99 do nothing here
    client.send("*99")
    back = await client.keypad(lambda m: not m.programming_mode)
    assert back.ready and not back.armed_away
    client.send(MASTER + "800")
    assert await _beeps(client) == 3


async def test_half_typed_sequence_is_forgotten(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """A sequence the panel never finishes (the client stopped) is dropped."""
    client.send(MASTER + "8" + "07" + "12")
    await client.text("!Sending.done")
    ad2_clock.advance(11)
    client.send("34")
    await client.text("!Sending.done")
    ad2_clock.advance(11)
    assert 7 not in ad2.panel.codes
