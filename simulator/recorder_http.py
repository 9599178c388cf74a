"""The recorders' HTTP side: one-time clip downloads, live view, admin.

Served on the hub's own HTTP port next to the WebSocket:

* ``GET /clips/{key}``: a clip prepared by ``clip_download``, streamed from
  disk in chunks, once; the file is deleted afterwards.
* ``GET /cameras/{camera}/live/{key}``: the camera's live view as MPEG-TS
  (what ``camera_stream`` points to). The first :data:`LIVE_BURST` seconds
  are sent at once, like a camera's GOP cache, so a player or a snapshot
  need not wait out ffmpeg's probing; the rest comes in real time.
* ``POST /admin/recorders/{recorder}`` ``{online, slow_limit, disk_full}``
  and ``POST /admin/cameras/{camera}`` ``{online}``: faults for demos.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from datetime import datetime
import os
import secrets
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from . import media
from .panel import Rejection

if TYPE_CHECKING:
    from .recorders import Recorders

CHUNK: Final = 64 * 1024
#: Seconds of live view sent at once when a client connects.
LIVE_BURST: Final = 6


async def _pipe_ffmpeg(response: web.StreamResponse, *args: str) -> None:
    """Run ffmpeg and stream its output into ``response``; kill it on any exit."""
    process = await asyncio.create_subprocess_exec(
        media.FFMPEG,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        while chunk := await process.stdout.read(CHUNK):
            await response.write(chunk)
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await process.wait()


class RecorderHttp:
    """HTTP handlers for one hub's recorders."""

    def __init__(self, recorders: Recorders) -> None:
        """Serve ``recorders``."""
        self.recorders = recorders

    def routes(self) -> list[web.AbstractRouteDef]:
        """Return the routes to add to the hub's HTTP server."""
        return [
            web.get("/clips/{key}", self.clip),
            web.get("/cameras/{camera}/live/{key}", self.live),
            web.post("/admin/recorders/{recorder}", self.admin_recorder),
            web.post("/admin/cameras/{camera}", self.admin_camera),
        ]

    async def clip(self, request: web.Request) -> web.StreamResponse:
        """Send a prepared clip once, streamed in chunks, then delete it."""
        path = self.recorders.take_download(request.match_info["key"])
        if path is None:
            raise web.HTTPNotFound
        loop = asyncio.get_running_loop()
        try:
            file = await loop.run_in_executor(None, path.open, "rb")
            with file:
                size = os.fstat(file.fileno()).st_size
                response = web.StreamResponse(headers={"Content-Type": "video/mp4"})
                response.content_length = size
                await response.prepare(request)
                cut = self.recorders.cut_transfers > 0
                if cut:
                    self.recorders.cut_transfers -= 1
                sent = 0
                while chunk := await loop.run_in_executor(None, file.read, CHUNK):
                    if cut and sent + len(chunk) > size // 2:
                        # Break off half-way, as a dropped link would.
                        assert request.transport is not None
                        request.transport.close()
                        return response
                    await response.write(chunk)
                    sent += len(chunk)
            await response.write_eof()
        finally:
            await loop.run_in_executor(None, path.unlink, True)
        return response

    async def live(self, request: web.Request) -> web.StreamResponse:
        """Stream a camera's live view as MPEG-TS."""
        recorders = self.recorders
        camera = recorders.cameras.get(request.match_info["camera"])
        key = request.match_info["key"]
        if camera is None or not secrets.compare_digest(key, camera.live_key):
            raise web.HTTPNotFound
        if not (camera.online and recorders.recorders[camera.recorder].online):
            raise web.HTTPServiceUnavailable
        store = recorders.store
        source = await store.recording(camera.pattern)
        now = datetime.fromtimestamp(recorders.hub.clock.time(), store.start.tzinfo)
        offset = int(store.offset(now)) % store.settings.seconds
        response = web.StreamResponse(headers={"Content-Type": "video/mp2t"})
        await response.prepare(request)
        # Source timestamps are kept (-copyts), so the two parts join up.
        with contextlib.suppress(ConnectionError):
            for pacing, seek, limit in (
                ((), offset, ("-t", str(LIVE_BURST))),
                (("-re",), offset + LIVE_BURST, ()),
            ):
                await _pipe_ffmpeg(
                    response,
                    *pacing,
                    "-ss",
                    str(seek),
                    *limit,
                    "-copyts",
                    "-i",
                    str(source),
                    "-map",
                    "0:v",
                    "-c",
                    "copy",
                    "-f",
                    "mpegts",
                    "pipe:1",
                )
        return response

    async def admin_recorder(self, request: web.Request) -> web.Response:
        """Change a recorder: ``{online, slow_limit, disk_full}`` (all optional)."""
        body: Mapping[str, Any] = await request.json()
        recorders = self.recorders
        recorder_id = request.match_info["recorder"]
        try:
            if "online" in body:
                recorders.set_recorder_online(recorder_id, bool(body["online"]))
            if "slow_limit" in body:
                limit = body["slow_limit"]
                recorders.set_slow(recorder_id, None if limit is None else int(limit))
            if "disk_full" in body:
                recorders.set_disk_full(recorder_id, bool(body["disk_full"]))
            if "cut_transfers" in body:
                recorders.cut_transfers = int(body["cut_transfers"])
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=404)
        recorder = recorders.recorders[recorder_id]
        return web.json_response(
            {
                **recorder.view(),
                "slow_limit": recorder.slow_limit,
                "disk_full": recorder.disk_full,
            }
        )

    async def admin_camera(self, request: web.Request) -> web.Response:
        """Change a camera: ``{online}``."""
        body: Mapping[str, Any] = await request.json()
        camera_id = request.match_info["camera"]
        try:
            self.recorders.set_camera_online(camera_id, bool(body["online"]))
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=404)
        return web.json_response(self.recorders.cameras[camera_id].view())
