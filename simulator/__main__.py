"""Run the hub simulator, or poke a running one.

python -m simulator --http 127.0.0.1:8900 [--serial-pty] [--site FILE]
python -m simulator ctl open 1        # open zone 1 (close 1, motion 5)
python -m simulator --site simulator/sites/vista.yaml --ad2-tcp 127.0.0.1:10000
python -m simulator ctl fault 5       # AD2: fault zone 5 (docs/ad2-emulator.md)
python -m simulator ctl recorder-slow svr1 60   # fault switches (see FAULTS)
python -m simulator --clock-speed 10  # delays 10 times faster, to try them by hand
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path
import sys
import urllib.request

from .ad2 import cli as ad2_cli
from .clock import ScaledClock
from .hub import DEMO_SITE, Hub, load_site
from .server import SimulatorServer
from .tls import ensure_certificate, fingerprint, server_context
from .zeroconf import advertise

_LOGGER = logging.getLogger("simulator")

#: The hub's fault switches, by ``ctl`` verb: the admin path (the recorder or
#: camera id fills it in) and the JSON body. ``recorder-slow`` takes seconds
#: (the longest clip it still serves in one piece; ``off`` for none).
FAULTS: dict[str, tuple[str, dict[str, object]]] = {
    "recorder-slow": ("/admin/recorders/{id}", {}),
    "disk-full": ("/admin/recorders/{id}", {"disk_full": True}),
    "disk-ok": ("/admin/recorders/{id}", {"disk_full": False}),
    "recorder-offline": ("/admin/recorders/{id}", {"online": False}),
    "recorder-online": ("/admin/recorders/{id}", {"online": True}),
    "cut-transfers": ("/admin/recorders/{id}", {}),
    "camera-offline": ("/admin/cameras/{id}", {"online": False}),
    "camera-online": ("/admin/cameras/{id}", {"online": True}),
}


def fault_request(
    verb: str, target: str, value: str = ""
) -> tuple[str, dict[str, object]]:
    """Return the admin path and body for a hub fault switch."""
    path, body = FAULTS[verb]
    if not target:
        raise SystemExit(f"ctl {verb} needs a recorder or camera id")
    body = dict(body)
    if verb == "recorder-slow":
        if value != "off" and not value.isdigit():
            raise SystemExit("ctl recorder-slow needs seconds, or off")
        body["slow_limit"] = None if value == "off" else int(value)
    elif verb == "cut-transfers":  # the next N clip transfers break off half-way
        if not value.isdigit():
            raise SystemExit("ctl cut-transfers needs a count")
        body["cut_transfers"] = int(value)
    return path.format(id=target), body


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def _link(link: Path, target: str) -> None:
    """Point a stable name at the pty (its /dev/pts number changes)."""
    link.unlink(missing_ok=True)
    link.symlink_to(target)


async def _serve(args: argparse.Namespace) -> None:
    clock = ScaledClock(args.clock_speed) if args.clock_speed != 1 else None
    hub = Hub(load_site(args.site), token=args.token, pairing=args.pairing, clock=clock)
    host, port = args.http
    server = SimulatorServer(
        hub,
        host=host,
        port=port,
        serial_pty=args.serial_pty,
        serial_pacing=115200 if args.pace_serial else None,
        ssl_context=args.ssl_context,
    )
    await server.start()
    scheme = "wss" if args.tls else "ws"
    print(
        f"AlarmHub simulator {hub.serial} on {scheme}://{host}:{server.port}/ws",
        flush=True,
    )
    if args.tls:
        print(f"certificate SHA-256 fingerprint {args.fingerprint}", flush=True)
    if server.pty_path:
        print(f"serial line on {server.pty_path} (115200 8N1)", flush=True)
    if args.pty_link and server.pty_path:
        _link(Path(args.pty_link), server.pty_path)
    stop_advertising = None
    if args.zeroconf:
        stop_advertising = await advertise(hub, host, server.port, tls=args.tls)
    try:
        await asyncio.Event().wait()
    finally:
        if stop_advertising is not None:
            await stop_advertising()
        await server.stop()


def _ctl(args: argparse.Namespace) -> None:
    base = args.url.rstrip("/")
    if args.action in FAULTS:
        path, body = fault_request(args.action, args.zone, args.value)
    elif args.action in ad2_cli.VERBS:
        path, body = ad2_cli.request_for(args.action, args.zone)
    elif args.action in ("open", "close"):
        path, body = f"/admin/zones/{args.zone}", {"open": args.action == "open"}
    elif args.action == "motion":
        path, body = f"/admin/zones/{args.zone}/motion", {}
    else:
        path, body = "/admin/pairing", {"open": args.action == "pair"}
    if not base.startswith(("http://", "https://")):
        raise SystemExit("--url must be an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        print(response.read().decode())


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="python -m simulator")
    sub = parser.add_subparsers(dest="command")
    ctl = sub.add_parser("ctl", help="control a running simulator")
    ctl.add_argument(
        "action",
        choices=["open", "close", "motion", "pair", "unpair", *FAULTS, *ad2_cli.VERBS],
    )
    ctl.add_argument(
        "zone", nargs="?", default="", help="zone, recorder/camera id, keys, seconds"
    )
    ctl.add_argument("value", nargs="?", default="", help="recorder-slow: seconds|off")
    ctl.add_argument("--url", default="http://127.0.0.1:8900")
    parser.add_argument("--http", type=_host_port, default=("127.0.0.1", 8900))
    parser.add_argument("--serial-pty", action="store_true")
    parser.add_argument(
        "--pace-serial",
        action="store_true",
        help="deliver pty bytes at 115200 8N1 speed (a pty has no baud rate)",
    )
    parser.add_argument("--pty-link", help="make a symlink to the pty here")
    parser.add_argument(
        "--ad2-tcp",
        metavar="HOST:PORT",
        help="emulate an AD2 on a Vista-20P (--site vista.yaml), served like ser2sock",
    )
    parser.add_argument(
        "--ad2-pty", action="store_true", help="emulate an AD2 on a serial pty"
    )
    parser.add_argument("--site", default=str(DEMO_SITE))
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1.0,
        metavar="N",
        help="run the hub's clock N times faster (exit and entry delays, by hand)",
    )
    parser.add_argument("--token", help="the token clients must present")
    parser.add_argument(
        "--pairing",
        action="store_true",
        help="open the pairing window (one-click set-up)",
    )
    parser.add_argument(
        "--zeroconf",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="advertise _alarmhub._tcp.local.",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve wss:// with a self-signed certificate (made once, kept)",
    )
    parser.add_argument(
        "--tls-dir",
        default="~/.cache/alarmhub-simulator",
        help="where --tls keeps the hub's certificate and key",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    if args.command == "ctl":
        _ctl(args)
        return
    if args.ad2_tcp or args.ad2_pty:
        try:
            asyncio.run(ad2_cli.serve(args))
        except KeyboardInterrupt:
            sys.exit(0)
        return
    args.ssl_context = None
    if args.tls:  # the hub's identity: made once, kept in --tls-dir
        serial = str(load_site(args.site).get("hub", {}).get("serial", "AH0000001"))
        cert, key = ensure_certificate(Path(args.tls_dir).expanduser(), serial)
        args.ssl_context = server_context(cert, key)
        args.fingerprint = fingerprint(cert)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
