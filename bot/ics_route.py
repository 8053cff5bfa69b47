"""`GET /ics/<token>.ics`: the built-in calendar's invites, at URLs only their recipients know."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from scheduling.builtin_calendar import invite_for_token
from storage.uow import Database

Route = Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]], bytes]]  # a path's WSGI answer

PREFIX = "/ics/"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
NOT_FOUND = ("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")], b"No such invite.\n")


def ics_route(db: Database) -> Route:
    """The `GET /ics/<token>.ics` route of `WebApp`; unknown or malformed tokens get 404."""

    def route(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        path = str(environ.get("PATH_INFO", ""))
        name = path[len(PREFIX) :] if path.startswith(PREFIX) else ""
        if not name.endswith(".ics") or not TOKEN.match(name[: -len(".ics")]):
            return NOT_FOUND
        body = invite_for_token(db, name[: -len(".ics")])
        if body is None:
            return NOT_FOUND
        method = "CANCEL" if b"\r\nMETHOD:CANCEL\r\n" in body else "REQUEST"
        headers = [
            ("Content-Type", f"text/calendar; charset=utf-8; method={method}"),
            ("Content-Disposition", 'inline; filename="interview.ics"'),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
        return "200 OK", headers, body

    return route
