"""The sandbox page's web server (aiohttp): the page, a live event stream, a small JSON API.

The page talks only to this server, on 127.0.0.1. Live updates go out as server-sent
events: a snapshot first, then every change. Actions are JSON POSTs that act through the
sandbox's Python API. Requests must name this server as their host (and origin, for
POSTs) so that another web site open in the same browser cannot drive the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from rostbot.config import ConfigError
from rostbot.sandbox.webchat.chats import ChatDesk, ChatInputError
from rostbot.sandbox.webchat.flow_preview import open_flow, reload_flows
from rostbot.sandbox.webchat.stored_view import export_with_demo_key, stored_tables
from rostbot.store.database import StoreError

log = logging.getLogger(__name__)

DESK: web.AppKey[ChatDesk] = web.AppKey("desk", ChatDesk)
KEEPALIVE_SECONDS = 15.0
MAX_REQUEST_BYTES = 64 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
LANGUAGES = ("sv", "da")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def static_folder() -> Path:
    return Path(str(resources.files("rostbot.sandbox.webchat") / "static"))


def _problem(code: str, status: int = 400) -> web.Response:
    """An error the page shows in the person's language; `code` keys its text."""
    return web.json_response({"error": code}, status=status)


@web.middleware
async def same_origin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse requests made for another host name or from another site's page."""
    here = request.transport.get_extra_info("sockname") if request.transport else None
    port = here[1] if here else None
    allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if request.host not in allowed:
        return _problem("forbidden", 403)
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin is not None and origin.removeprefix("http://") not in allowed:
            return _problem("forbidden", 403)
        if request.content_type != "application/json":
            return _problem("bad-request", 415)
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ChatInputError("bad-request") from None
    if not isinstance(body, dict):
        raise ChatInputError("bad-request")
    return body


def _text_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise ChatInputError("bad-request")
    return value


def _int_field(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ChatInputError("bad-request")
    return value


def _lang(body: dict[str, Any]) -> str:
    lang = body.get("lang")
    if lang not in LANGUAGES:
        raise ChatInputError("unknown-language")
    return str(lang)


@web.middleware
async def input_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bad input gets a short code the page can explain; nothing else is changed."""
    try:
        return await handler(request)
    except ChatInputError as exc:
        return _problem(str(exc))
    except StoreError:
        log.warning("sandbox page: the database could not be read")
        return _problem("store-unreadable", 500)


# ---------------------------------------------------------------------- the page


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(static_folder() / "index.html")


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a snapshot, then every change, until the page goes away."""
    desk = request.app[DESK]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    await response.prepare(request)
    queue = desk.subscribe()
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            data = json.dumps(event, ensure_ascii=False)
            await response.write(f"data: {data}\n\n".encode())
    except ConnectionResetError:
        pass  # the page went away
    finally:
        desk.unsubscribe(queue)
    return response


async def download(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    person = desk.person(request.match_info["person"])
    message_id = request.match_info["message_id"]
    media = desk.file_of(person, int(message_id)) if message_id.isdigit() else None
    if media is None:
        return _problem("no-such-file", 404)
    name = str(media.get("file_name") or "file").replace('"', "")
    return web.Response(
        body=media.get("content") or b"",
        content_type=str(media.get("mime_type") or "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---------------------------------------------------------------------- actions


async def new_respondent(request: web.Request) -> web.StreamResponse:
    body = await _body(request)
    person = await open_flow(request.app[DESK], _text_field(body, "flow"), _lang(body))
    return web.json_response({"person": person.key})


async def coordinator(request: web.Request) -> web.StreamResponse:
    body = await _body(request)
    person = request.app[DESK].coordinator(_lang(body))
    return web.json_response({"person": person.key})


async def send_text(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    person = desk.person(request.match_info["person"])
    await desk.send_text(person, _text_field(await _body(request), "text"))
    return web.json_response({"ok": True})


async def press(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    person = desk.person(request.match_info["person"])
    body = await _body(request)
    await desk.press(
        person, _int_field(body, "message_id"), _int_field(body, "row"), _int_field(body, "column")
    )
    return web.json_response({"ok": True})


async def commands(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    person = desk.person(request.match_info["person"])
    return web.json_response({"commands": desk.commands_of(person)})


async def reset(request: web.Request) -> web.StreamResponse:
    request.app[DESK].reset()
    return web.json_response({"ok": True})


async def reload(request: web.Request) -> web.StreamResponse:
    result = await reload_flows(request.app[DESK])
    return web.json_response(
        {
            "ok": result.ok,
            "problems": result.problems,
            "flows": result.flow_ids,
            "wordings": result.wordings,
        }
    )


async def stored(request: web.Request) -> web.StreamResponse:
    return web.json_response(await stored_tables(request.app[DESK].local))


async def export(request: web.Request) -> web.StreamResponse:
    return web.json_response(await export_with_demo_key(request.app[DESK].local))


def build_page_app(desk: ChatDesk) -> web.Application:
    """The page's aiohttp application, every route in one place."""
    app = web.Application(
        middlewares=[same_origin_only, input_errors], client_max_size=MAX_REQUEST_BYTES
    )
    app[DESK] = desk
    app.router.add_get("/", index)
    app.router.add_static("/static/", static_folder())
    app.router.add_get("/events", events)
    app.router.add_get("/files/{person}/{message_id}", download)
    app.router.add_post("/api/respondents", new_respondent)
    app.router.add_post("/api/coordinator", coordinator)
    app.router.add_post("/api/people/{person}/text", send_text)
    app.router.add_post("/api/people/{person}/press", press)
    app.router.add_get("/api/people/{person}/commands", commands)
    app.router.add_post("/api/reset", reset)
    app.router.add_post("/api/flows/reload", reload)
    app.router.add_get("/api/stored", stored)
    app.router.add_post("/api/export", export)
    return app


class PageServer:
    """The page app bound to 127.0.0.1:`port` (0: any free port) while in use."""

    def __init__(self, desk: ChatDesk, port: int) -> None:
        self.desk = desk
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def __aenter__(self) -> PageServer:
        # handler_cancellation: an event stream whose page closed must stop at once.
        self._runner = web.AppRunner(
            build_page_app(self.desk),
            handler_cancellation=True,
            access_log=None,
            shutdown_timeout=1.0,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ConfigError(
                f"cannot serve the page on 127.0.0.1:{self.port}: {exc.strerror} "
                "(choose another with --port, or --port 0 for any free port)"
            ) from None
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.desk.close()
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await self._runner.cleanup()
