"""UI proof: Home Assistant and the hub simulator, set up without a person.

Starts the simulator (demo site) and Home Assistant on free ports in a fresh
temporary config, completes onboarding through HA's REST API, adds the hub
through the flow zeroconf discovered (or, where multicast does not reach,
the same flow started by hand), exports a clip, puts the demo's entities on
a dashboard, opens it in headless Chromium (Debian's package, driven by
Playwright) and saves screenshots to docs/screenshots/. Exits non-zero when
the page does not show AlarmHub's entities. Run by ``scripts/ui-proof``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import datetime, timedelta
import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
from urllib.parse import quote

import aiohttp
from playwright.async_api import (
    Browser,
    Error as PlaywrightError,
    Page,
    TimeoutError as PlaywrightTimeout,
    async_playwright,
)

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"
#: Alex's code in simulator/sites/demo.yaml (a demo site's, not a secret).
DEMO_CODE = "4826"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "ui-proof-token-7d41"  # the simulator's token (a throwaway hub)
USER = {"name": "Alex", "username": "alex", "password": "ui-proof-password"}
DOMAIN = "alarmhub"
DASHBOARD = "alarmhub-demo"
ON_DASHBOARD = ("alarm_control_panel", "binary_sensor", "camera", "lock", "scene")


class ProofError(Exception):
    """The UI did not show what it should."""


def log(message: str) -> None:
    """Print a progress line with the time since start."""
    print(f"[{time.monotonic() - START:5.1f}s] {message}", flush=True)


START = time.monotonic()


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(config: Path, port: int) -> None:
    """Write HA's configuration (scripts/develop's) for ``port``."""
    template = (ROOT / "scripts" / "develop.d" / "configuration.yaml").read_text()
    # A free port instead of the default 8123 (HA holds YAML http: settings
    # on trial; the proof confirms them once onboarded).
    text = template.replace("__CONFIG__", str(config)) + (
        f"\nhttp:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
    )
    (config / "media").mkdir(parents=True)
    (config / "configuration.yaml").write_text(text)
    (config / "automations.yaml").write_text("[]\n")
    (config / "custom_components").mkdir()
    (config / "custom_components" / DOMAIN).symlink_to(
        ROOT / "custom_components" / DOMAIN
    )
    if (ROOT / "blueprints" / "automation" / DOMAIN).is_dir():
        (config / "blueprints" / "automation").mkdir(parents=True)
        (config / "blueprints" / "automation" / DOMAIN).symlink_to(
            ROOT / "blueprints" / "automation" / DOMAIN
        )


@contextlib.contextmanager
def process(name: str, args: list[str], logfile: Path) -> Any:
    """Run a child process for the block's duration; stop it after."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with logfile.open("wb") as out:
        child = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        log(f"started {name} (pid {child.pid}), log {logfile}")
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


class HomeAssistantApi:
    """HA's REST and WebSocket APIs, as the frontend uses them."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to HA at ``url``."""
        self.session = session
        self.url = url
        self.client_id = f"{url}/"
        self.tokens: dict[str, Any] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._id = 0

    @property
    def headers(self) -> dict[str, str]:
        """Return the authorization header."""
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def wait_until_up(self, seconds: float) -> None:
        """Wait for HA's HTTP server."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with self.session.get(f"{self.url}/api/onboarding") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(1)
        raise ProofError("Home Assistant did not start")

    async def post(self, path: str, body: Any = None, *, auth: bool = True) -> Any:
        """POST JSON; return the JSON answer."""
        async with self.session.post(
            f"{self.url}{path}",
            json=body if body is not None else {},
            headers=self.headers if auth else {},
        ) as resp:
            if resp.status >= 400:
                raise ProofError(f"POST {path}: {resp.status} {await resp.text()}")
            return await resp.json()

    async def get(self, path: str) -> Any:
        """GET JSON."""
        async with self.session.get(f"{self.url}{path}", headers=self.headers) as resp:
            if resp.status >= 400:
                raise ProofError(f"GET {path}: {resp.status} {await resp.text()}")
            return await resp.json()

    async def onboard(self) -> None:
        """Create the owner, log in, and finish every onboarding step."""
        answer = await self.post(
            "/api/onboarding/users",
            {**USER, "client_id": self.client_id, "language": "en"},
            auth=False,
        )
        async with self.session.post(
            f"{self.url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": self.client_id,
            },
        ) as resp:
            self.tokens = await resp.json()
        await self.post("/api/onboarding/core_config")
        await self.post("/api/onboarding/analytics")
        await self.post(
            "/api/onboarding/integration",
            {
                "client_id": self.client_id,
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
        )
        # HA 2026.10 tries configuration.yaml's http: settings as "pending"
        # and reverts them (restarting) unless someone confirms them.
        with contextlib.suppress(ProofError):
            await self.ws({"type": "http/config/promote"})

    async def ws(self, message: dict[str, Any]) -> Any:
        """Send one WebSocket command; return its result."""
        if self._ws is None:
            self._ws = await self.session.ws_connect(f"{self.url}/api/websocket")
            await self._ws.receive_json()  # auth_required
            await self._ws.send_json(
                {"type": "auth", "access_token": self.tokens["access_token"]}
            )
            if (await self._ws.receive_json())["type"] != "auth_ok":
                raise ProofError("WebSocket authentication failed")
        self._id += 1
        await self._ws.send_json({**message, "id": self._id})
        while True:
            answer = await self._ws.receive_json()
            if answer.get("id") == self._id and answer["type"] == "result":
                if not answer["success"]:
                    raise ProofError(f"{message['type']}: {answer['error']}")
                return answer["result"]

    async def close(self) -> None:
        """Close the WebSocket."""
        if self._ws is not None:
            await self._ws.close()


async def _discovered_flow(api: HomeAssistantApi) -> dict[str, Any] | None:
    flows = await api.ws({"type": "config_entries/flow/progress"})
    return next((f for f in flows if f["handler"] == DOMAIN), None)


async def add_hub(api: HomeAssistantApi, sim_port: int, wait: float) -> str:
    """Add the hub as a person would: the discovered flow, one Submit."""
    deadline = time.monotonic() + wait
    flow = await _discovered_flow(api)
    while flow is None and time.monotonic() < deadline:
        await asyncio.sleep(1)
        flow = await _discovered_flow(api)
    result: dict[str, Any] = {}
    if flow is None:
        log("no zeroconf discovery here (no multicast?): the same flow, by hand")
        result = await api.post("/api/config/config_entries/flow", {"handler": DOMAIN})
        result = await api.post(
            f"/api/config/config_entries/flow/{result['flow_id']}",
            {"next_step_id": "network"},
        )
        result = await api.post(
            f"/api/config/config_entries/flow/{result['flow_id']}",
            {"host": "127.0.0.1", "port": sim_port, "token": TOKEN},
        )
        if result.get("reason") == "already_in_progress":  # discovered meanwhile
            flow = await _discovered_flow(api)
    if flow is not None:
        names = flow["context"].get("title_placeholders")
        log(f"zeroconf discovered the hub: {names}")
        result = await api.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}", {}
        )
    if result.get("type") != "create_entry":
        raise ProofError(f"adding the hub failed: {result}")
    log(f"added {result['title']}")
    return str(result["result"]["entry_id"])


async def our_entities(api: HomeAssistantApi, minimum: int) -> list[dict[str, Any]]:
    """Wait for the hub's entities; return their registry entries (with states)."""
    deadline = time.monotonic() + 60
    while True:
        entries = await api.ws({"type": "config/entity_registry/list"})
        ours = [e for e in entries if e["platform"] == DOMAIN and not e["disabled_by"]]
        states = {s["entity_id"] for s in await api.get("/api/states")}
        live = [e for e in ours if e["entity_id"] in states]
        if len(live) >= minimum or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    devices = {
        d["id"]: d for d in await api.ws({"type": "config/device_registry/list"})
    }
    for entry in live:
        device = devices.get(entry["device_id"]) or {}
        entry["device_name"] = device.get("name_by_user") or device.get("name") or ""
    return sorted(live, key=lambda e: e["unique_id"])


def by_domain(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group registry entries by domain, in the hub's order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        grouped.setdefault(entry["entity_id"].split(".")[0], []).append(entry)
    return grouped


async def export_clip(api: HomeAssistantApi, camera: str) -> dict[str, Any]:
    """Export a 30-second clip from a minute ago; return the action's response."""
    start = datetime.now().astimezone() - timedelta(minutes=2)
    answer = await api.post(
        "/api/services/alarmhub/export_clip?return_response",
        {
            "camera": camera,
            "start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "length": "30",
            "destination": "download",
        },
    )
    response: dict[str, Any] = answer["service_response"]
    log(f"exported a clip: {response}")
    return response


async def liven_up(
    session: aiohttp.ClientSession,
    api: HomeAssistantApi,
    sim_port: int,
    entities: dict[str, list[dict[str, Any]]],
) -> None:
    """Make the pictures tell something: a window open, the garage arming."""
    async with session.post(
        f"http://127.0.0.1:{sim_port}/admin/zones/4", json={"open": True}
    ) as resp:
        resp.raise_for_status()  # the demo's kitchen window
    panels = entities["alarm_control_panel"]
    if len(panels) > 1:
        await api.post(
            "/api/services/alarm_control_panel/alarm_arm_away",
            {"entity_id": panels[1]["entity_id"]},
        )


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    """Return an entities-card row named as on its device's page."""
    row: dict[str, Any] = {"entity": entry["entity_id"]}
    if name := entry.get("original_name"):
        row["name"] = name
    return row


def dashboard(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a dashboard of the demo's entities, card by card."""
    entities = by_domain(entries)
    panels = entities.get("alarm_control_panel", [])
    cards: list[dict[str, Any]] = [
        {
            "type": "alarm-panel",
            "entity": panel["entity_id"],
            "states": ["arm_home", "arm_away", "arm_night"],
        }
        for panel in panels[:1]
    ]
    cards += [{"type": "tile", "entity": panel["entity_id"]} for panel in panels[1:]]
    if locks := entities.get("lock"):
        cards.append(
            {"type": "entities", "title": "Locks", "entities": [_row(e) for e in locks]}
        )
    cards += [
        {
            "type": "picture-entity",
            "entity": camera["entity_id"],
            "name": camera.get("original_name") or camera["entity_id"],
            "camera_view": "auto",
        }
        for camera in entities.get("camera", [])
    ]
    zones: dict[str, list[dict[str, Any]]] = {}
    for entry in entities.get("binary_sensor", []):
        if entry.get("entity_category") is None:  # not battery / tamper
            zones.setdefault(entry["device_name"], []).append(_row(entry))
    cards += [
        {"type": "entities", "title": f"{area} sensors", "entities": rows}
        for area, rows in zones.items()
    ]
    if scenes := entities.get("scene"):
        cards.append(
            {
                "type": "entities",
                "title": "Scenes",
                "entities": [_row(e) for e in scenes],
            }
        )
    return {
        "title": "AlarmHub demo",
        "views": [{"title": "Home", "path": "home", "type": "masonry", "cards": cards}],
    }


async def shoot(
    browser: Browser,
    api: HomeAssistantApi,
    entries: list[dict[str, Any]],
    clip: str,
    debug: Path,
) -> list[str]:
    """Open the dashboard and the media browser; save screenshots; check them."""
    tokens = {
        "access_token": api.tokens["access_token"],
        "refresh_token": api.tokens["refresh_token"],
        "token_type": "Bearer",
        "expires_in": api.tokens["expires_in"],
        "expires": int(time.time() * 1000) + api.tokens["expires_in"] * 1000,
        "hassUrl": api.url,
        "clientId": api.client_id,
    }
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, device_scale_factor=1
    )
    await context.add_init_script(
        f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
    )
    page = await context.new_page()
    problems: list[str] = []
    await page.goto(f"{api.url}/{DASHBOARD}/home", wait_until="networkidle")
    try:
        await page.locator("hui-alarm-panel-card").first.wait_for(timeout=60_000)
    except PlaywrightTimeout:
        await page.screenshot(path=debug / "failed.png")
        return [f"no alarm panel card on the dashboard (see {debug}/failed.png)"]
    await _settle(page)
    for name in _expected_names(entries):
        if not await page.get_by_text(name, exact=False).count():
            problems.append(f"the dashboard does not show {name!r}")
    await page.screenshot(path=SHOTS / "dashboard.png", full_page=True)
    await _card(page, "hui-alarm-panel-card", "alarm_panel.png")
    await _card(page, "hui-entities-card:has-text('Locks')", "locks.png")
    cameras = page.locator("hui-picture-entity-card")
    if await cameras.count():
        await _wait_for_images(page)
        await _card_group(page, "hui-picture-entity-card", "cameras.png")
    problems += await _integration_page(page, api)
    problems += await _add_user(page, api, debug)
    if clip:
        problems += await _media_browser(page, api, clip)
    await context.close()
    return problems


def _expected_names(entries: list[dict[str, Any]]) -> list[str]:
    """Return names the dashboard must show: one entity of each kind."""
    names = []
    for domain, entries_of_domain in by_domain(entries).items():
        if domain in ON_DASHBOARD:
            first = entries_of_domain[0]
            names.append(first.get("original_name") or first["device_name"])
    return names


async def _settle(page: Page) -> None:
    """Let cards render and animations end."""
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(1500)


async def _wait_for_images(page: Page) -> None:
    """Wait until the camera cards show a picture (a snapshot via ffmpeg)."""
    images = page.locator("hui-picture-entity-card img")
    for _ in range(90):
        loaded = [
            await image.evaluate("i => i.complete && i.naturalWidth > 0")
            for image in await images.all()
        ]
        if loaded and all(loaded):
            break
        await page.wait_for_timeout(500)
    await page.wait_for_timeout(500)


async def _card(page: Page, selector: str, name: str) -> None:
    card = page.locator(selector).first
    if await card.count():
        await card.scroll_into_view_if_needed()
        await card.screenshot(path=SHOTS / name)
        log(f"saved {name}")


async def _card_group(page: Page, selector: str, name: str) -> None:
    """Screenshot the area that holds every card matching ``selector``."""
    boxes = [
        box
        for card in await page.locator(selector).all()
        if (box := await card.bounding_box())
    ]
    left = min(b["x"] for b in boxes)
    top = min(b["y"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    bottom = max(b["y"] + b["height"] for b in boxes)
    await page.screenshot(
        path=SHOTS / name,
        full_page=True,
        clip={"x": left, "y": top, "width": right - left, "height": bottom - top},
    )
    log(f"saved {name}")


async def _integration_page(page: Page, api: HomeAssistantApi) -> list[str]:
    """The integration's page: our brand icon (served by HA from brand/)."""
    problems = []
    async with api.session.get(
        f"{api.url}/api/brands/integration/{DOMAIN}/icon.png?placeholder=no",
        headers=api.headers,
    ) as resp:
        served = await resp.read()
    brand = ROOT / "custom_components" / DOMAIN / "brand" / "icon.png"
    if served != brand.read_bytes():
        problems.append("HA does not serve brand/icon.png as the integration's icon")
    await page.goto(
        f"{api.url}/config/integrations/integration/{DOMAIN}", wait_until="networkidle"
    )
    await _settle(page)
    if not await page.get_by_text("Demo Home").filter(visible=True).count():
        problems.append("the integration page does not list the hub")
    await page.screenshot(path=SHOTS / "integration.png")
    log("saved integration.png")
    return problems


async def _add_user(page: Page, api: HomeAssistantApi, debug: Path) -> list[str]:
    """Issue 14's proof: the users as subentries, and the add-user flow's last step.

    The user is added the way a person does it: "Add user" on the integration
    page, a name, no code (so a random one), Submit; the last step shows the
    code once and offers to send it.
    """
    await page.goto(
        f"{api.url}/config/integrations/integration/{DOMAIN}", wait_until="networkidle"
    )
    await _settle(page)
    problems = []
    for name in ("Sam", "Dog walker"):  # demo.yaml's users, each a subentry
        if not await page.get_by_text(name, exact=True).filter(visible=True).count():
            problems.append(f"the integration page does not list the user {name!r}")
    await page.screenshot(path=SHOTS / "users.png", full_page=True)
    log("saved users.png")
    # Codes are never changed while a partition is armed (the flow says so):
    # disarm the garage the dashboard pictures left arming.
    for state in await api.get("/api/states"):
        entity_id = state["entity_id"]
        panel = entity_id.startswith("alarm_control_panel.")
        if panel and state["state"] != "disarmed":
            await api.post(
                "/api/services/alarm_control_panel/alarm_disarm",
                {"entity_id": entity_id, "code": DEMO_CODE},
            )
    try:
        await page.get_by_role("button", name="Add user").first.click(timeout=20_000)
        dialog = page.locator("dialog-data-entry-flow")
        await dialog.get_by_text("Add a user").first.wait_for(timeout=20_000)
        await _settle(page)  # the form renders its fields one by one
        # The Name field: the first visible input that is neither the code (a
        # password) nor the length (a number).
        name = dialog.locator(
            "input:not([type=number]):not([type=password]) >> visible=true"
        )
        await name.first.fill("Guest")
        await dialog.get_by_role("button", name="Submit").first.click()
        await dialog.get_by_text("Guest's code").first.wait_for(timeout=30_000)
    except PlaywrightError as err:  # a timeout too
        await page.screenshot(path=debug / "failed-add-user.png")
        reason = str(err).splitlines()[0]
        return [*problems, f"the add-user flow did not run: {reason} (see {debug})"]
    await _settle(page)
    if not await dialog.get_by_text("Send it to").count():
        problems.append("the add-user flow's last step offers no way to share")
    await page.screenshot(path=SHOTS / "user_code.png")
    log("saved user_code.png")
    return problems


async def _media_browser(page: Page, api: HomeAssistantApi, clip: str) -> list[str]:
    """Browse to the clip's folder in the media browser, then play it."""
    folder = clip.rsplit("/", 1)[0]
    root = f"media-source://{DOMAIN}"
    parts = folder.removeprefix(root).strip("/").split("/")
    levels = [root] + [
        f"{root}/" + "/".join(parts[:n]) for n in range(1, len(parts) + 1)
    ]
    path = "browser/" + "/".join(quote(f"video,{level}", safe="") for level in levels)
    await page.goto(f"{api.url}/media-browser/{path}", wait_until="networkidle")
    title = clip.rsplit("/", 1)[1]
    await _settle(page)
    listing = page.locator("ha-media-player-browse")
    if not await listing.count():
        return ["the media browser did not open"]
    await page.screenshot(path=SHOTS / "media_browser.png")
    log("saved media_browser.png")
    time_of_day = title.split("_")[-2].replace("-", ":")
    item = page.get_by_text(time_of_day).filter(visible=True).first
    if not await item.count():
        return [f"the media browser does not list the clip {title}"]
    await item.click()
    video = page.locator("video").first
    try:
        await video.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        return ["the clip did not open in the media browser"]
    for _ in range(40):  # HAVE_CURRENT_DATA: a frame is shown
        if await video.evaluate("v => v.readyState") >= 2:
            break
        await page.wait_for_timeout(500)
    else:
        return ["the clip did not play in the media browser"]
    await page.wait_for_timeout(1500)
    await page.screenshot(path=SHOTS / "media_clip.png")
    log("saved media_clip.png")
    return []


async def run(args: argparse.Namespace) -> int:
    """Bring everything up, shoot, check; return the exit code."""
    tmp = Path(tempfile.mkdtemp(prefix="alarmhub-ui-proof-"))
    config = tmp / "config"
    ha_port, sim_port = free_port(), free_port()
    write_config(config, ha_port)
    SHOTS.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    simulator_args = [
        python, "-m", "simulator", "--http", f"127.0.0.1:{sim_port}",
        "--site", str(ROOT / "simulator" / "sites" / "demo.yaml"),
        "--pairing", "--token", TOKEN,
    ]  # fmt: skip
    ha_args = [python, "-m", "homeassistant", "-c", str(config), "--skip-pip"]
    try:
        with (
            process("hub simulator", simulator_args, tmp / "simulator.log"),
            process("Home Assistant", ha_args, tmp / "home-assistant.log"),
        ):
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, f"http://127.0.0.1:{ha_port}")
                await api.wait_until_up(240)
                log("Home Assistant is up")
                await api.onboard()
                log("onboarding done")
                await add_hub(api, sim_port, args.discovery_wait)
                entries = await our_entities(api, minimum=10)
                entities = by_domain(entries)
                log(f"entities: { {k: len(v) for k, v in entities.items()} }")
                if not entities.get("alarm_control_panel"):
                    raise ProofError("no alarm panel entity")
                clip = ""
                if entities.get("camera"):
                    camera = entities["camera"][0]["entity_id"]
                    response = await export_clip(api, camera)
                    clip = str(response.get("media_source_id", ""))
                await liven_up(session, api, sim_port, entities)
                await api.ws(
                    {
                        "type": "lovelace/dashboards/create",
                        "url_path": DASHBOARD,
                        "title": "AlarmHub",
                        "icon": "mdi:shield-home",
                    }
                )
                await api.ws(
                    {
                        "type": "lovelace/config/save",
                        "url_path": DASHBOARD,
                        "config": dashboard(entries),
                    }
                )
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(
                        executable_path=CHROMIUM, args=CHROMIUM_FLAGS
                    )
                    problems = await shoot(browser, api, entries, clip, tmp)
                    await browser.close()
                await api.close()
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        if problems:
            args.keep = True  # the logs and failed.png tell why
            return 1
        log(f"UI proof passed; screenshots in {SHOTS.relative_to(ROOT)}")
        return 0
    except ProofError as err:
        print(f"FAIL: {err}", file=sys.stderr)
        args.keep = True
        for name in ("home-assistant.log", "simulator.log"):
            with contextlib.suppress(OSError):
                tail = (tmp / name).read_text(errors="replace").splitlines()[-40:]
                print(f"--- last lines of {name}:\n" + "\n".join(tail), file=sys.stderr)
        return 1
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary config")
    parser.add_argument(
        "--discovery-wait",
        type=float,
        default=30,
        help="seconds to wait for zeroconf discovery before adding by hand",
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
