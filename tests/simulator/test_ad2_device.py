"""The AD2 board itself: !VER, !CONFIG, RF and expander zones, a bad line,
the admin surface, ``ctl`` and the command line."""

from __future__ import annotations

import asyncio
from pathlib import Path
import sys

from aiohttp import ClientSession
from alarmdecoder.messages import ExpanderMessage, LRRMessage, RFMessage
import pytest

from simulator.__main__ import main as simulator_main
from simulator.ad2 import AD2Device, AD2Server, Line, load_vista_site
from simulator.ad2.cli import VERBS, request_for
from simulator.ad2.site import parse_site
from simulator.clock import ManualClock

from ..ad2_helpers import TIMEOUT, AD2Client, pty_client, tcp_client

ROOT = Path(__file__).resolve().parents[2]
SITE = "simulator/sites/vista.yaml"


async def test_version_and_config(client: AD2Client) -> None:
    """V and C are answered; C with settings changes them."""
    client.send("V\r")
    version = await client.text("!VER:")
    assert client.decoder.serial_number == "0001a2f3"
    assert client.decoder.version_number == "V2.2a.8.9b-306"
    assert version.count(",") == 2
    client.send("C\r")
    await client.text("!CONFIG>")
    assert client.decoder.address == 18 and client.decoder.mode == 0
    assert client.decoder.emulate_lrr
    client.send("CADDRESS=21&MASK=ffffffff\r")
    await client.text("!CONFIG>")
    assert client.decoder.address == 21


async def test_rf_zone_messages(client: AD2Client, ad2: AD2Server) -> None:
    """A 5800 transmitter: !RFX with loop 1, battery and supervision bits."""
    ad2.panel.set_zone(28, True)
    rf = await client.expect(RFMessage)
    assert rf.serial_number == "0180036" and rf.loop[0] and not rf.battery
    await client.keypad(lambda m: str(m.text).startswith("FAULT 28 GARAGE DOOR"))
    ad2.panel.set_zone(28, False)
    assert not (await client.expect(RFMessage)).loop[0]
    ad2.panel.set_zone_battery(28, True)
    low = await client.expect(RFMessage)
    assert low.battery and low.supervision
    ad2.panel.set_trouble(28, True)
    lost = await client.expect(LRRMessage)
    assert (lost.event_code, lost.event_data) == (0x381, "028")
    check = await client.keypad(lambda m: m.check_zone)
    assert str(check.text).startswith("CHECK 28") and not check.ready


async def test_expander_zone_and_l_command(client: AD2Client, ad2: AD2Server) -> None:
    """A 4219 zone: !EXP address 07 channel 02; the AD2's L command drives it."""
    ad2.panel.set_zone(10, True)
    exp = await client.expect(ExpanderMessage)
    assert (exp.address, exp.channel, exp.value, exp.type) == (7, 2, 1, 0)
    await client.keypad(lambda m: str(m.text).startswith("FAULT 10 BASEMENT WINDOW"))
    client.send("L100\r")
    assert (await client.expect(ExpanderMessage)).value == 0
    await client.keypad(lambda m: m.ready)
    assert not ad2.panel.zones[10].faulted


async def test_silent_deaf_and_garbage(
    client: AD2Client, ad2: AD2Server, ad2_clock: ManualClock
) -> None:
    """Silent: nothing comes; deaf: acknowledged keys do nothing; garbage arrives."""
    ad2.device.line = Line.DEAF
    client.send("12342")
    await client.text("!Sending.done")
    ad2_clock.advance(4)
    assert not (await client.keypad(lambda _: True)).armed_away
    assert ad2.panel.mode == "disarmed"
    client.send("V\r")  # everything sent so far has arrived after this
    await client.text("!VER:")
    ad2.device.line = Line.SILENT
    count = len(client.lines)
    before = ad2.device.received
    client.send("V\r12342")
    async with asyncio.timeout(TIMEOUT):
        while ad2.device.received < before + 7:
            await asyncio.sleep(0.01)
    ad2_clock.advance(8)
    ad2.device.line = Line.NORMAL
    client.send("V\r")
    await client.text("!VER:")
    assert len(client.lines) == count + 1
    client.check = False
    ad2.device.garbage(5, seed=1)
    async with asyncio.timeout(TIMEOUT):
        while len(client.lines) < count + 6:
            await asyncio.sleep(0.01)
    assert "!XYZ:unknown,message" in client.lines


async def test_admin_surface(ad2: AD2Server, ad2_clock: ManualClock) -> None:
    """The admin endpoints ctl uses: zones, power, keys, line, clock, state."""
    async with tcp_client(ad2) as client, ClientSession() as http:

        async def post(verb: str, argument: str = "") -> int:
            path, body = request_for(verb, argument)
            async with http.post(ad2.url + path, json=body) as response:
                return response.status

        assert await post("fault", "5") == 200
        await client.keypad(lambda m: str(m.text).startswith("FAULT 05"))
        assert await post("restore", "5") == 200
        assert await post("ac-loss") == 200
        await client.keypad(lambda m: not m.ac_power)
        assert await post("battery-low") == 200
        await client.keypad(lambda m: m.battery_low)
        assert await post("keys", "48262") == 200
        await client.expect(LRRMessage, lambda m: m.event_data == "003")
        assert await post("advance", "61") == 200
        assert ad2.panel.exit_until is None
        assert await post("deaf") == 200 and ad2.device.line is Line.DEAF
        assert await post("silent") == 200 and ad2.device.line is Line.SILENT
        assert await post("answer") == 200 and ad2.device.line is Line.NORMAL
        assert await post("garbage", "2") == 200
        assert await post("trouble", "28") == 200 and ad2.panel.zones[28].trouble
        assert await post("fault", "77") == 404
        async with http.post(ad2.url + "/admin/zones/x", json={}) as response:
            assert response.status == 400
        async with http.post(ad2.url + "/admin/line", json={"mode": "x"}) as response:
            assert response.status == 400
        async with http.get(ad2.url + "/admin/state") as response:
            state = await response.json()
        assert state["mode"] == "away" and state["zones"]["5"]["name"] == "Front door"
        assert "4826" not in str(state) and "1234" not in str(state)
        async with http.get(ad2.url + "/admin/lines") as response:
            assert any(
                line.startswith("!LRR") for line in (await response.json())["lines"]
            )
    assert set(VERBS) >= {"fault", "restore", "ac-loss", "advance", "silent", "keys"}


def test_ctl_needs_a_zone_number() -> None:
    """ctl fault without a zone is refused before anything is sent."""
    with pytest.raises(SystemExit):
        request_for("fault", "")


async def test_command_line_serves_tcp_pty_and_ctl(
    socket_enabled: None, tmp_path: Path
) -> None:
    """python -m simulator --ad2-tcp ... --ad2-pty: a client talks, ctl faults."""
    del socket_enabled
    link = tmp_path / "ad2"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--site", str(ROOT / SITE),
        "--ad2-tcp", "127.0.0.1:0", "--ad2-pty", "--pty-link", str(link),
        "--http", "127.0.0.1:0", "--no-zeroconf",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        printed: list[str] = []
        async with asyncio.timeout(30):
            while len(printed) < 3:
                printed.append((await process.stdout.readline()).decode().strip())
        admin = printed[0].split(" on ")[1].removesuffix("/admin/state")
        host, port = printed[1].split(" on ")[1].rsplit(":", 1)
        assert link.is_symlink() and printed[2].split(" on ")[1].startswith("/dev/")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"V\r")
        async with asyncio.timeout(30):
            while not (await reader.readline()).startswith(b"!VER:"):
                pass
            ctl = ["ctl", "fault", "5", "--url", admin]
            await asyncio.to_thread(simulator_main, ctl)  # what the shell runs
            while b"FAULT 05 FRONT DOOR" not in await reader.readline():
                pass
        writer.close()
    finally:
        process.terminate()
        await process.wait()


async def test_kpm_prefix_when_configured(client: AD2Client, ad2: AD2Server) -> None:
    """CONFIGBITS 0x0008 prefixes keypad messages with !KPM: (the library parses it)."""
    client.send("CCONFIGBITS=ff08\r")
    await client.text("!CONFIG>")
    ad2.panel.set_zone(5, True)
    await client.keypad(lambda m: str(m.text).startswith("FAULT 05"))
    assert client.lines[-1].startswith("!KPM:[")


def test_site_files_are_checked() -> None:
    """Bad codes, user numbers and RF serials are refused when the site loads."""
    with pytest.raises(ValueError, match="4 digits"):
        parse_site({"panel": {"master_code": "12345"}})
    with pytest.raises(ValueError, match="03-49"):
        parse_site({"users": [{"number": 2, "code": "1111"}]})
    with pytest.raises(ValueError, match="7-digit"):
        parse_site({"zones": [{"number": 9, "name": "x", "wiring": "rf"}]})
    site = parse_site({})
    assert site.codes == {1: "4112", 2: "1234"} and site.keypad_interval == 4


async def test_paced_pty_takes_wire_time(
    ad2_clock: ManualClock, socket_enabled: None
) -> None:
    """--pace-serial: a keypad line arrives no sooner than 115200 8N1 allows."""
    del socket_enabled
    server = AD2Server(
        AD2Device(load_vista_site(), ad2_clock),
        tcp_port=None,
        pty=True,
        http_port=None,
        pty_pacing=115200,
    )
    await server.start()
    try:
        async with pty_client(server) as client:
            await client.keypad(lambda _: True)  # the power-up screen
            loop = asyncio.get_running_loop()
            start = loop.time()
            server.panel.set_zone(5, True)
            await client.keypad(lambda m: str(m.text).startswith("FAULT 05"))
            elapsed = loop.time() - start
        wire = (len(client.lines[-1]) + 2) * 10 / 115200
        assert elapsed >= wire
    finally:
        await server.stop()


async def test_two_tcp_clients_share_the_ad2(ad2: AD2Server) -> None:
    """Like ser2sock: every client hears every line; any client can type."""
    async with tcp_client(ad2) as first, tcp_client(ad2) as second:
        first.send("V\r")
        second.send("V\r")
        await first.text("!VER:")
        await second.text("!VER:")
        second.send("48262")
        for client in (first, second):
            lrr = await client.expect(LRRMessage)
            assert (lrr.event_data, lrr.event_code) == ("003", 0x401)
            await client.keypad(lambda m: m.armed_away)
