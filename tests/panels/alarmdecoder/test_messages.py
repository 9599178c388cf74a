"""The typed adapter: every AD2 line kind, and junk, through parse_line."""

from __future__ import annotations

import pytest

from custom_components.alarmhub.panels.alarmdecoder.messages import (
    AUIReport,
    BootReport,
    ConfigReport,
    ExpanderReport,
    KeypadMessage,
    LRRReport,
    RFReport,
    SendingReport,
    VersionReport,
    parse_line,
)

from . import lines as L


def test_keypad_lines_are_typed() -> None:
    ready = parse_line(L.READY)
    assert isinstance(ready, KeypadMessage)
    assert ready.ready and ready.ac_power and ready.battery_low and not ready.armed
    assert ready.text == "****DISARMED****  Ready to Arm"
    assert ready.numeric_code == "008" and not ready.dsc
    fault = parse_line(L.FAULT_02)
    assert isinstance(fault, KeypadMessage) and fault.zone == 2 and not fault.ready
    away = parse_line(L.ARMED_AWAY)
    assert isinstance(away, KeypadMessage) and away.armed_away and away.armed
    chime = parse_line(L.CHIME_READY)
    assert isinstance(chime, KeypadMessage) and chime.chime
    assert parse_line("!KPM:" + L.ARMED_STAY) == parse_line(L.ARMED_STAY)


def test_ecp_zone_is_read_from_the_text() -> None:
    check = parse_line(L.CHECK_ECP)
    assert isinstance(check, KeypadMessage)
    assert check.numeric_code == "0bf" and check.zone == 1 and check.check_zone
    blank = parse_line(L.with_text(L.CHECK_ECP, "", "0bf"))
    assert isinstance(blank, KeypadMessage) and blank.zone is None


def test_reports_are_typed() -> None:
    assert parse_line(L.EXP_07_01_ON) == ExpanderReport(
        address=7, channel=1, value=1, relay=False
    )
    relay = parse_line(L.REL)
    assert isinstance(relay, ExpanderReport) and relay.relay
    rf = parse_line(L.RFX)
    assert rf == RFReport(
        serial="0180036",
        value=0x80,
        battery_low=False,
        supervision=False,
        loops=(True, False, False, False),
    )
    v2 = parse_line(L.LRR_V2)
    assert isinstance(v2, LRRReport)
    assert (v2.event_data, v2.event_code, v2.event_status, v2.data_type) == (
        "001",
        0x401,
        3,
        "U",
    )
    v1 = parse_line(L.LRR_V1)
    assert isinstance(v1, LRRReport) and v1.event_code is None
    assert v1.event_type == "ARM_STAY"
    assert parse_line("!AUI:0123") == AUIReport(value="0123")
    version = parse_line(L.VER)
    assert isinstance(version, VersionReport)
    assert (version.serial, version.firmware) == ("ffffffff", "V2.2a.8.2")
    assert "RF" in version.flags
    config = parse_line(L.CONFIG)
    assert isinstance(config, ConfigReport)
    assert config.address == 18 and config.dsc is False
    assert ConfigReport(settings={"MODE": "D", "ADDRESS": "x"}).dsc is True
    assert ConfigReport(settings={"ADDRESS": "x"}).address is None
    assert ConfigReport(settings={}).dsc is None
    assert parse_line(L.SENDING_OK) == SendingReport(ok=True)
    assert parse_line(L.SENDING_RETRIED) == SendingReport(ok=False)
    assert parse_line(L.BOOT) == BootReport()
    assert parse_line("!VER:ffffffff") is None
    assert parse_line("!VER:abc,V1") == VersionReport(
        serial="abc", firmware="V1", flags=()
    )


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "\0\0",
        "garbage",
        L.READY[:40],  # truncated mid-line
        L.READY[10:],  # joined mid-line
        "!EXP:07,01",
        "!EXP:x,y,z",
        "!RFX:0180036",
        "!LRR:",
        "!LRR:001,1,CID_x401,ff",
        "!CONFIG>",
        "!Sending",
        "!FOO:bar",
        "!Sending......",
        "[" + "0" * 600,
    ],
)
def test_junk_is_none(junk: str) -> None:
    assert parse_line(junk) is None
