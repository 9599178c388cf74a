"""The AD2 emulator's Vista over TCP and a pty: arming, faults, delays, alarms."""

from __future__ import annotations

from alarmdecoder.messages import LRRMessage, Message

from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from ..ad2_helpers import AD2Client

MASTER, ALEX, SAM = "1234", "4826", "7391"


def _text(message: Message) -> str:
    return str(message.text)


async def test_disarmed_ready_then_fault_cycles(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Faulted zones appear in turn (zone field = the zone); closed: ready."""
    ad2_clock.advance(4)
    ready = await client.keypad(lambda m: m.ready)
    assert _text(ready) == "****DISARMED****  Ready to Arm  "
    assert not ready.armed_away and not ready.armed_home and ready.ac_power
    ad2.panel.set_zone(5, True)
    ad2.panel.set_zone(7, True)
    seen = set()
    for _ in range(4):
        ad2_clock.advance(4)
        message = await client.keypad(lambda m: _text(m).startswith("FAULT"))
        assert not message.ready
        seen.add((int(message.numeric_code), _text(message).strip()))
    assert seen == {(5, "FAULT 05 FRONT DOOR"), (7, "FAULT 07 LIVING ROOM WINDOW")}
    ad2.panel.set_zone(5, False)
    ad2.panel.set_zone(7, False)
    await client.keypad(lambda m: m.ready)


async def test_arm_away_exit_delay_and_disarm_by_user(
    client: AD2Client, ad2_clock: ManualClock
) -> None:
    """Code+2: exit delay counting down, LRR close by user 03; code+1 opens."""
    client.send(ALEX + "2")
    await client.text("!Sending.done")
    lrr = await client.expect(LRRMessage)
    assert (lrr.event_data, lrr.event_code, lrr.event_status) == ("003", 0x401, 3)
    armed = await client.keypad(lambda m: m.armed_away)
    assert _text(armed) == "ARMED ***AWAY***May Exit Now  60"
    assert armed.beeps == 1 and not armed.ready
    ad2_clock.advance(1)
    assert _text(await client.keypad(lambda m: m.armed_away)).endswith("59")
    ad2_clock.advance(60)
    secure = await client.keypad(lambda m: "May Exit" not in _text(m))
    assert secure.armed_away and _text(secure) == "ARMED ***AWAY***" + " " * 16
    client.send(SAM + "1")
    lrr = await client.expect(LRRMessage)
    assert (lrr.event_data, lrr.event_code, lrr.event_status) == ("004", 0x401, 1)
    assert (await client.keypad(lambda m: m.ready)).beeps == 1


async def test_stay_night_instant_max_bits(client: AD2Client) -> None:
    """Stay/night/instant are 'home' and perimeter only; instant and max skip entry."""
    client.send(MASTER + "3")
    lrr = await client.expect(LRRMessage)
    assert (lrr.event_code, lrr.event_status, lrr.event_data) == (0x441, 3, "002")
    stay = await client.keypad(lambda m: m.armed_home)
    assert stay.perimeter_only and not stay.entry_delay_off
    assert _text(stay).startswith("ARMED ***STAY***")
    client.send("3")  # 3 again during the exit delay: night-stay
    night = await client.keypad(lambda m: "NIGHT-STAY" in _text(m))
    assert night.armed_home and night.perimeter_only
    client.send(MASTER + "1" + MASTER + "7")
    instant = await client.keypad(lambda m: "INSTANT" in _text(m))
    assert instant.armed_home and instant.entry_delay_off
    client.send(MASTER + "1" + MASTER + "4")
    maximum = await client.keypad(lambda m: "MAXIMUM" in _text(m))
    assert maximum.armed_away and maximum.entry_delay_off and not maximum.armed_home


async def test_arming_refused_while_faulted_then_forced_bypass(
    client: AD2Client, ad2: AD2Server
) -> None:
    """Not ready: error tone, nothing armed; code+6# bypasses, then it arms."""
    ad2.panel.set_zone(7, True)
    await client.keypad(lambda m: _text(m).startswith("FAULT 07"))
    client.send(MASTER + "2")
    refused = await client.keypad(lambda m: m.beeps == 3)
    assert not refused.armed_away and _text(refused).startswith("FAULT 07")
    assert ad2.panel.mode == "disarmed"
    client.send(MASTER + "6#")
    bypass = await client.expect(LRRMessage, lambda m: m.event_code == 0x570)
    assert bypass.event_data == "007"
    ready = await client.keypad(lambda m: m.ready)
    assert ready.zone_bypassed and _text(ready).startswith("DISARMED BYPASS")
    client.send(MASTER + "2")
    armed = await client.keypad(lambda m: m.armed_away)
    assert armed.zone_bypassed
    client.send(MASTER + "1")  # disarming clears bypasses
    await client.keypad(lambda m: not m.zone_bypassed and not m.ready)


async def test_bypass_one_zone_and_refusals(client: AD2Client, ad2: AD2Server) -> None:
    """code+6+ZZ bypasses ZZ; fire zones and unknown zones are refused."""
    ad2.panel.set_zone(8, True)
    client.send(MASTER + "608")
    bypass = await client.keypad(lambda m: m.zone_bypassed)
    assert bypass.ready and bypass.beeps == 1
    client.send(MASTER + "601")  # zone 1 is the smoke loop
    assert (await client.keypad(lambda m: m.beeps != 0)).beeps == 3
    client.send(MASTER + "699")
    assert (await client.keypad(lambda m: m.beeps != 0)).beeps == 3


async def test_entry_delay_then_alarm_then_memory(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Front door while armed away: entry delay, then the alarm; OFF twice clears."""
    client.send(MASTER + "2")
    await client.keypad(lambda m: m.armed_away)
    ad2_clock.advance(61)
    ad2.panel.set_zone(5, True)
    entry = await client.keypad(lambda m: "DISARM SYSTEM" in _text(m))
    assert entry.beeps == 4 and entry.armed_away and not entry.alarm_sounding
    ad2_clock.advance(30)
    burglary = await client.expect(LRRMessage, lambda m: m.event_code == 0x130)
    assert burglary.event_data == "005"
    alarm = await client.keypad(lambda m: m.alarm_sounding)
    assert _text(alarm).startswith("ALARM 05 FRONT DOOR") and alarm.alarm_event_occurred
    client.send(ALEX + "1")
    cancel = await client.expect(LRRMessage, lambda m: m.event_code == 0x406)
    assert cancel.event_data == "003"
    memory = await client.keypad(lambda m: not m.alarm_sounding and not m.armed_away)
    assert memory.alarm_event_occurred
    ad2.panel.set_zone(5, False)
    client.send(ALEX + "1")
    await client.keypad(lambda m: m.ready and not m.alarm_event_occurred)


async def test_instant_alarm_and_interior_in_stay(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Stay ignores the motion detector; instant makes the door alarm at once."""
    client.send(MASTER + "7")
    await client.keypad(lambda m: m.entry_delay_off)
    ad2_clock.advance(61)
    ad2.panel.set_zone(3, True)  # interior: off in stay/instant
    assert not ad2.panel.sounding
    ad2.panel.set_zone(6, True)
    alarm = await client.keypad(lambda m: m.alarm_sounding)
    assert _text(alarm).startswith("ALARM 06 BACK DOOR")


async def test_fire_panic_power_and_chime(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Smoke: fire bit; B key: panic 99; AC and battery; chime toggles."""
    ad2.panel.set_zone(1, True)
    assert (await client.expect(LRRMessage)).event_code == 0x110
    fire = await client.keypad(lambda m: m.fire_alarm)
    assert _text(fire).startswith("FIRE 01 KITCHEN SMOKE")
    ad2.panel.set_zone(1, False)
    client.send(MASTER + "1")
    await client.keypad(lambda m: not m.fire_alarm and not m.alarm_sounding)
    client.send(MASTER + "1")
    client.send("\x02\x02\x02")
    panic = await client.expect(LRRMessage, lambda m: m.event_code == 0x123)
    assert panic.event_data == "099"
    await client.keypad(lambda m: m.alarm_sounding and _text(m).startswith("ALARM 99"))
    client.send(MASTER + "1" + MASTER + "1")
    await client.keypad(lambda m: m.ready)
    client.skip()
    ad2.panel.set_ac(False)
    assert (await client.keypad(lambda m: not m.ac_power)).ready
    ad2_clock.advance(4)  # the keypad cycles through system troubles
    assert not (await client.keypad(lambda m: "AC LOSS" in _text(m))).ac_power
    ad2.panel.set_battery(True)
    ad2_clock.advance(8)
    assert (await client.keypad(lambda m: "LO BAT" in _text(m))).battery_low
    ad2.panel.set_ac(True)
    ad2.panel.set_battery(False)
    client.send(MASTER + "9")
    chime = await client.keypad(lambda m: m.chime_on)
    assert _text(chime).startswith("DISARMED CHIME")
    ad2.panel.set_zone(5, True)
    assert (await client.keypad(lambda m: _text(m).startswith("FAULT 05"))).beeps == 2


async def test_wrong_code_is_ignored_with_the_error_tone(
    client: AD2Client, ad2: AD2Server
) -> None:
    """An unknown code arms nothing; the keypad gives the error tone."""
    client.send("99992")
    await client.text("!Sending.done")
    assert (await client.keypad(lambda m: m.beeps != 0)).beeps == 3
    assert ad2.panel.mode == "disarmed"
    assert not any(isinstance(item, LRRMessage) for item in client.parsed)
    assert all("9999" not in line for line in client.lines)


async def test_a_code_starting_with_3_after_stay_is_a_code(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Night-stay takes a 3 only right after code+3; later a 3 starts a code."""
    client.send(MASTER + "8" + "07" + "3456")
    assert (await client.keypad(lambda m: m.beeps != 0)).beeps == 1
    client.send(MASTER + "3")
    await client.keypad(lambda m: m.armed_home)
    ad2_clock.advance(3)
    client.send("34561")
    disarm = await client.expect(LRRMessage, lambda m: m.event_status == 1)
    assert (disarm.event_data, disarm.event_code) == ("007", 0x401)
    assert ad2.panel.mode == "disarmed"
