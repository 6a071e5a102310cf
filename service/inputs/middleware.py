"""Screens every request before routing: the path and query string, and JSON and URL-encoded form
bodies (read whole: they are small, the body limit of the ops middleware applies while reading).
Multipart and raw upload bodies, and anything sent to an upload path, stream past untouched; their
metadata is screened where it is parsed (service/inputs/models.py).

Pure ASGI, so streamed uploads are not buffered."""

from __future__ import annotations

from email.message import Message as MimeHeader
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.errors import PROBLEM_JSON, KhoError
from service.inputs.jsontext import decode_text, loads
from service.inputs.text import ControlCharacters, control_character
from service.ops.guards import is_upload


def install(app: FastAPI) -> None:
    app.add_middleware(InputScreen)


def _is_json(content_type: str) -> bool:
    header = MimeHeader()
    header["content-type"] = content_type
    subtype = header.get_content_subtype()
    return header.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def screen_parameters(scope: Scope) -> None:
    """Path and query parameters are single values: no control characters at all except in a query
    value, which may hold text (tab and line breaks allowed)."""
    path: str = scope["path"]
    if (char := control_character(path, multiline=False)) is not None:
        raise ControlCharacters(("path",), char)
    query = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if (char := control_character(key, multiline=False)) is not None:
            raise ControlCharacters(("query",), char)
        if (char := control_character(value)) is not None:
            raise ControlCharacters(("query", key), char)


def screen_form(body: bytes) -> None:
    text = decode_text(body, "form")
    for key, value in parse_qsl(text, keep_blank_values=True, errors="strict"):
        if (char := control_character(key, multiline=False) or control_character(value)) is not None:
            raise ControlCharacters(("body", key), char)


class InputScreen:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = Headers(scope=scope).get("content-type", "")
        # Upload paths stream files of gigabytes whatever they are labelled: never read them whole here.
        is_json = _is_json(content_type) and not is_upload(scope["path"])
        is_form = content_type.startswith("application/x-www-form-urlencoded") and not is_upload(scope["path"])
        try:
            screen_parameters(scope)
            if is_json or is_form:
                body = await _read(receive)
                if body and is_json:
                    loads(body)
                elif body:
                    screen_form(body)
                receive = _replay(body, receive)
        except (KhoError, UnicodeDecodeError) as exc:
            problem = exc if isinstance(exc, KhoError) else KhoError("invalid_encoding", status=400)
            response = JSONResponse(problem.to_problem(instance=scope["path"]), status_code=problem.status,
                                    media_type=PROBLEM_JSON)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _read(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return bytes(body)
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
