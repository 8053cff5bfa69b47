"""A loopback fake of the Google Calendar v3 HTTP API, driven by the real google-api-python-client.

It implements what Loopbot uses, on the wire as Google answers it:

- `POST /calendar/v3/freeBusy` (at most 50 calendars a query; unknown calendars answer `notFound`),
- `POST /calendar/v3/calendars/{calendarId}/events` (client-chosen ids; an id already used answers
  409 `duplicate`; `conferenceDataVersion=1` turns a `createRequest` into a Meet link; resource
  attendees, i.e. rooms, accept when free and decline when busy),
- `GET`, `PATCH` and `DELETE /calendar/v3/calendars/{calendarId}/events/{eventId}` (deleted events
  stay readable as `cancelled`; deleting again answers 410),
- `POST /batch/calendar/v3`: a `multipart/mixed` body of `application/http` parts, answered part by
  part in a `multipart/mixed` response with `Content-ID: <response-…>`,
- `POST /token`: OAuth tokens for credentials files whose `token_uri` points here.

Every HTTP round trip is recorded in `requests`, every API operation (including each part of a
batch) in `calls`. Tests script failures with `fail()` (429 with `Retry-After`, 5xx, 403
`rateLimitExceeded`, 409, …), for a whole batch or for specific events inside one, make calls hang
with `stall()`, and play the attendees with `set_response()` (e.g. "declined").
"""

from __future__ import annotations

import base64
import email
import hashlib
import itertools
import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from http.client import responses
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.sandbox.loopback import Dropped, LoopbackHandler, LoopbackServer
from scheduling.calendar_protocol import Interval, merge, utc

BATCH_PATH = "/batch/calendar/v3"
TOKEN_PATH = "/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
API_PREFIX = "/calendar/v3/"
FREEBUSY_MAX_CALENDARS = 50
EVENT_ID_CHARS = set("abcdefghijklmnopqrstuv0123456789")
READ_ONLY = ("id", "kind", "htmlLink", "created", "creator", "organizer", "iCalUID", "sequence")

REASONS: dict[int, tuple[str, str, str]] = {
    400: ("global", "invalid", "Invalid Value"),
    401: ("global", "required", "Login Required."),
    403: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    404: ("global", "notFound", "Not Found"),
    409: ("global", "duplicate", "The requested identifier already exists."),
    410: ("global", "deleted", "Resource has been deleted"),
    429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("global", "backendError", "Backend Error"),
    503: ("global", "backendError", "Backend Error"),
}


@dataclass
class GoogleCall:
    """One API operation (or one HTTP round trip when `operation == "batch"`) the fake received."""

    operation: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    in_batch: bool = False
    calendar_id: str | None = None
    event_id: str | None = None
    status: int = 0
    parts: int = 0


@dataclass
class GoogleFault:
    """A scripted failure for the next `times` matching operations."""

    operation: str
    status: int
    reason: str | None = None
    retry_after: int | None = None
    event_id: str | None = None
    times: int = 1


@dataclass
class GoogleStall:
    """A scripted hang for the next `times` matching operations (see `FakeGoogleCalendar.stall`)."""

    operation: str
    seconds: float | None = None
    event_id: str | None = None
    times: int = 1
    applied: bool = False


Scripted = TypeVar("Scripted", GoogleFault, GoogleStall)


def _take(scripted: list[Scripted], operation: str, event_id: str | None) -> Scripted | None:
    """The first scripted fault or stall for `operation` (and `event_id`), used once more."""
    for item in scripted:
        if item.operation == operation and (item.event_id is None or item.event_id == event_id):
            item.times -= 1
            if item.times <= 0:
                scripted.remove(item)
            return item
    return None


@dataclass
class _Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeGoogleCalendar(LoopbackServer):
    """The simulated Google Calendar and its HTTP server (port 0)."""

    def __init__(self, *, owner: str = "loopbot@example.com") -> None:
        self.owner = owner
        self.events: dict[tuple[str, str], dict[str, Any]] = {}
        self.busy: dict[str, list[Interval]] = {}
        self.missing_calendars: set[str] = set()
        self.conference_pending_reads = 0  # Meet links stay "pending" for this many reads of the event
        self.requests: list[GoogleCall] = []
        self.calls: list[GoogleCall] = []
        self.faults: list[GoogleFault] = []
        self.stalls: list[GoogleStall] = []
        self._etag = itertools.count(1)
        self._lock = threading.RLock()
        super().__init__(_make_handler(self), "fake-google")

    @property
    def api_endpoint(self) -> str:
        """What `GOOGLE_API_ENDPOINT` should be (the client's `api_endpoint`)."""
        return self.url + "calendar/v3/"

    @property
    def token_uri(self) -> str:
        """Put this as `token_uri` in a credentials file to get tokens from the fake."""
        return self.url.rstrip("/") + TOKEN_PATH

    @property
    def batch_endpoint(self) -> str:
        """What `GOOGLE_BATCH_ENDPOINT` should be."""
        return self.url.rstrip("/") + BATCH_PATH

    # -- scripting ------------------------------------------------------------------------------
    def fail(
        self,
        operation: str,
        status: int,
        *,
        reason: str | None = None,
        retry_after: int | None = None,
        event_id: str | None = None,
        times: int = 1,
    ) -> None:
        """Fail the next `times` calls of `operation` ("freeBusy", "events.insert", "events.get",
        "events.patch", "events.delete", or "batch" for a whole batch request), optionally only
        those about `event_id` (e.g. one part of a batch)."""
        with self._lock:
            self.faults.append(
                GoogleFault(
                    operation, status, reason, retry_after=retry_after, event_id=event_id, times=times
                )
            )

    def stall(
        self,
        operation: str,
        seconds: float | None = None,
        *,
        event_id: str | None = None,
        times: int = 1,
        applied: bool = False,
    ) -> None:
        """Hang the next `times` calls of `operation` (as `fail()` names them; a stalled part holds
        its whole batch): each is held `seconds`, then answered as usual, or, with `seconds` None,
        held until `release()` or `stop()` and dropped unanswered. By default the operation takes
        effect only after the hold (never, when dropped); `applied=True` carries it out first, so
        only the answer is late or lost (Google did the work; the client never hears of it)."""
        with self._lock:
            self._released.clear()
            self.stalls.append(GoogleStall(operation, seconds, event_id, times, applied))

    def add_busy(self, calendar_id: str, start: datetime, end: datetime) -> None:
        """Busy time on someone's calendar that Loopbot did not book."""
        with self._lock:
            self.busy.setdefault(calendar_id.lower(), []).append(Interval(utc(start), utc(end)))

    def set_response(
        self, event_id: str, email_address: str, status: str, *, calendar_id: str | None = None
    ) -> None:
        """Play an attendee answering the invitation ("accepted", "declined", "tentative")."""
        with self._lock:
            event = self.event(event_id, calendar_id=calendar_id)
            if event is None:
                raise KeyError(event_id)
            for attendee in event.get("attendees", []):
                if attendee.get("email", "").lower() == email_address.lower():
                    attendee["responseStatus"] = status
                    self._touch(event)
                    return
            raise KeyError(email_address)

    def event(self, event_id: str, *, calendar_id: str | None = None) -> dict[str, Any] | None:
        """The stored event (any calendar unless `calendar_id` is given)."""
        with self._lock:
            if calendar_id is not None:
                return self.events.get((self._calendar(calendar_id), event_id))
            return next((e for (_, eid), e in self.events.items() if eid == event_id), None)

    def live_events(self) -> list[dict[str, Any]]:
        """Events that are not cancelled."""
        with self._lock:
            return [e for e in self.events.values() if e.get("status") != "cancelled"]

    # -- reading what happened ----------------------------------------------------------------
    def calls_to(self, operation: str, *, in_batch: bool | None = None) -> list[GoogleCall]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.operation == operation and (in_batch is None or c.in_batch == in_batch)
            ]

    def round_trips(self, operation: str | None = None) -> list[GoogleCall]:
        """HTTP requests received (a batch counts once)."""
        with self._lock:
            return [r for r in self.requests if operation is None or r.operation == operation]

    def reset_calls(self) -> None:
        with self._lock:
            self.requests.clear()
            self.calls.clear()

    # -- HTTP -----------------------------------------------------------------------------------
    def handle_http(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> _Reply:
        """One HTTP request from the client."""
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query))
        if path == BATCH_PATH and method == "POST":
            return self._batch(headers, raw, query)
        if path == TOKEN_PATH and method == "POST":
            return self._token(headers, raw)
        body = _json_body(raw)
        if not headers.get("authorization", "").startswith("Bearer "):
            with self._lock:
                self.requests.append(
                    GoogleCall("unauthorized", method, path, query, body, headers, status=401)
                )
            return _error(401)
        reply, _ = self._operation(method, path, query, body, headers, in_batch=False)
        return reply

    def _token(self, headers: dict[str, str], raw: bytes) -> _Reply:
        """OAuth token endpoint: a refresh-token grant or a service account's signed JWT assertion
        (its claims, e.g. the delegated `sub`, are recorded unverified in the call's body)."""
        form = dict(parse_qsl(raw.decode("utf-8")))
        claims: dict[str, Any] = {}
        if form.get("assertion"):
            payload = form["assertion"].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        call = GoogleCall(
            "token", "POST", TOKEN_PATH, {}, {"form": form, "claims": claims}, headers, status=200
        )
        with self._lock:
            self.requests.append(call)
            self.calls.append(call)
            token = f"fake-access-token-{next(self._etag)}"
        if form.get("grant_type") not in ("refresh_token", JWT_GRANT):
            call.status = 400
            return _Reply(400, {"error": "unsupported_grant_type"})
        return _Reply(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _batch(self, headers: dict[str, str], raw: bytes, query: dict[str, str]) -> _Reply:
        call = GoogleCall("batch", "POST", BATCH_PATH, query, None, headers)
        with self._lock:
            self.requests.append(call)
            self.calls.append(call)
            fault = _take(self.faults, "batch", None)
            stall = _take(self.stalls, "batch", None)
        if stall is not None and not stall.applied:
            self._hold(stall)
        if fault is not None:
            call.status = fault.status
            return _fault_reply(fault)
        if not headers.get("authorization", "").startswith("Bearer "):
            call.status = 401
            return _error(401)
        content_type = headers.get("content-type", "")
        if "multipart/mixed" not in content_type:
            call.status = 400
            return _error(400, message="Batch requests must be multipart/mixed")
        message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        boundary = "batch_" + secrets.token_hex(12)
        out: list[str] = []
        parts: list[Message] = message.get_payload()  # type: ignore[assignment]
        for part in parts:
            content_id = part.get("Content-ID", "")
            method, target, part_headers, part_body = _parse_http_part(part.get_payload())
            split = urlsplit(target)
            reply, _ = self._operation(
                method,
                split.path,
                dict(parse_qsl(split.query)),
                _json_body(part_body.encode()),
                part_headers,
                in_batch=True,
            )
            out.append(_render_part(boundary, _response_id(content_id), reply))
            call.parts += 1
        call.status = 200
        if stall is not None and stall.applied:
            self._hold(stall)
        text = "".join(out) + f"--{boundary}--\r\n"
        return _Reply(200, text.encode(), {"Content-Type": f"multipart/mixed; boundary={boundary}"})

    def _operation(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        headers: dict[str, str],
        *,
        in_batch: bool,
    ) -> tuple[_Reply, GoogleCall]:
        operation, calendar_id, event_id = _route(method, path)
        if operation == "events.insert" and isinstance(body, dict):
            event_id = body.get("id")
        call = GoogleCall(
            operation or "unknown",
            method,
            path,
            query,
            body,
            {k.lower(): v for k, v in headers.items()},
            in_batch=in_batch,
            calendar_id=calendar_id,
            event_id=event_id,
        )
        with self._lock:
            self.calls.append(call)
            if not in_batch:
                self.requests.append(call)
            stall = _take(self.stalls, call.operation, event_id)
        if stall is not None and not stall.applied:
            self._hold(stall)
        with self._lock:
            fault = _take(self.faults, call.operation, event_id)
            if fault is not None:
                reply = _fault_reply(fault)
            elif operation is None:
                reply = _error(404, message=f"No such path: {method} {path}")
            else:
                handler = getattr(self, "_op_" + operation.replace(".", "_"))
                reply = handler(calendar_id, event_id, query, body)
        call.status = reply.status
        if stall is not None and stall.applied:
            self._hold(stall)
        return reply, call

    def _hold(self, stall: GoogleStall) -> None:
        """Hold a request for the stall's seconds (None: until released); `Dropped` when released."""
        if self._released.wait(stall.seconds):
            raise Dropped(stall.operation)

    # -- the API operations (called with the lock held) -----------------------------------------
    def _calendar(self, calendar_id: str | None) -> str:
        if calendar_id is None or calendar_id == "primary":
            return self.owner.lower()
        return calendar_id.lower()

    def _op_freeBusy(self, _c: Any, _e: Any, query: dict[str, str], body: Any) -> _Reply:
        if not isinstance(body, dict) or "timeMin" not in body or "timeMax" not in body:
            return _error(400, message="Missing timeMin or timeMax")
        items = body.get("items") or []
        if len(items) > FREEBUSY_MAX_CALENDARS:
            return _error(400, reason="tooManyCalendarsRequested", message="Too many calendars requested")
        lo, hi = _parse_time(body["timeMin"]), _parse_time(body["timeMax"])
        if hi <= lo:
            return _error(400, reason="timeRangeEmpty", message="The specified time range is empty.")
        calendars: dict[str, Any] = {}
        for item in items:
            cid = str(item.get("id", ""))
            if cid.lower() in self.missing_calendars:
                calendars[cid] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
                continue
            busy = merge(self._busy_of(self._calendar(cid)), lo, hi)  # clipped, sorted, merged
            calendars[cid] = {"busy": [{"start": _fmt(s), "end": _fmt(e)} for s, e in busy]}
        return _Reply(
            200,
            {"kind": "calendar#freeBusy", "timeMin": _fmt(lo), "timeMax": _fmt(hi), "calendars": calendars},
        )

    def _busy_of(self, calendar: str) -> list[Interval]:
        spans = list(self.busy.get(calendar, []))
        for (owner_calendar, _), event in self.events.items():
            if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
                continue
            start, end = _event_time(event["start"]), _event_time(event["end"])
            if owner_calendar == calendar:
                spans.append(Interval(start, end))
                continue
            for attendee in event.get("attendees", []):
                if (
                    attendee.get("email", "").lower() == calendar
                    and attendee.get("responseStatus") != "declined"
                ):
                    spans.append(Interval(start, end))
        return spans

    def _op_events_insert(self, calendar_id: str, _e: Any, query: dict[str, str], body: Any) -> _Reply:
        if not isinstance(body, dict):
            return _error(400, reason="required", message="Missing event body")
        cal = self._calendar(calendar_id)
        event_id = body.get("id") or uuid.uuid4().hex
        if len(event_id) < 5 or len(event_id) > 1024 or not set(event_id) <= EVENT_ID_CHARS:
            return _error(400, message="Invalid resource id value.")
        if (cal, event_id) in self.events:
            return _error(409)
        problem = _check_times(body)
        if problem:
            return problem
        now = _fmt(datetime.now(UTC))
        event: dict[str, Any] = {
            "kind": "calendar#event",
            "id": event_id,
            "status": body.get("status", "confirmed"),
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "created": now,
            "summary": body.get("summary", ""),
            "description": body.get("description", ""),
            "location": body.get("location", ""),
            "creator": {"email": self.owner},
            "organizer": {"email": cal, "self": cal == self.owner.lower()},
            "start": body["start"],
            "end": body["end"],
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            "reminders": body.get("reminders", {"useDefault": True}),
        }
        for key in ("extendedProperties", "transparency", "visibility", "guestsCanModify"):
            if key in body:
                event[key] = body[key]
        event["attendees"] = self._attendees(body.get("attendees", []), [], event)
        if int(query.get("conferenceDataVersion", "0")) >= 1 and body.get("conferenceData"):
            self._add_conference(event, body["conferenceData"])
        event["sendUpdates"] = query.get("sendUpdates", "false")
        self._touch(event)
        self.events[(cal, event_id)] = event
        return _Reply(200, _public(event))

    def _attendees(
        self, wanted: list[dict[str, Any]], previous: list[dict[str, Any]], event: dict[str, Any]
    ) -> list[dict[str, Any]]:
        known = {a.get("email", "").lower(): a for a in previous}
        result = []
        for attendee in wanted:
            email_address = str(attendee.get("email", "")).lower()
            entry = dict(attendee)
            entry["email"] = email_address
            if email_address == self.owner.lower():
                entry.update(organizer=True, self=True)
            if "responseStatus" not in attendee:
                before = known.get(email_address)
                if attendee.get("resource"):
                    entry["responseStatus"] = self._room_answer(email_address, event)
                elif before is not None:
                    entry["responseStatus"] = before.get("responseStatus", "needsAction")
                else:
                    entry["responseStatus"] = "accepted" if entry.get("organizer") else "needsAction"
            result.append(entry)
        return result

    def _room_answer(self, room: str, event: dict[str, Any]) -> str:
        """Rooms auto-accept when free, decline when something else holds them."""
        start, end = _event_time(event["start"]), _event_time(event["end"])
        for (_, other_id), other in self.events.items():
            if other_id == event["id"] or other.get("status") == "cancelled":
                continue
            holds = any(
                a.get("email") == room and a.get("responseStatus") == "accepted"
                for a in other.get("attendees", [])
            )
            if holds and _event_time(other["start"]) < end and _event_time(other["end"]) > start:
                return "declined"
        if any(b.start < end and b.end > start for b in self.busy.get(room, [])):
            return "declined"
        return "accepted"

    def _add_conference(self, event: dict[str, Any], conference: dict[str, Any]) -> None:
        request = conference.get("createRequest")
        if not request:
            event["conferenceData"] = conference
            return
        if self.conference_pending_reads > 0:  # Google may answer "pending" and finish later
            event["_pending_reads"] = self.conference_pending_reads
            event["conferenceData"] = {"createRequest": {**request, "status": {"statusCode": "pending"}}}
            return
        _finish_conference(event, request)

    def _op_events_get(self, calendar_id: str, event_id: str, query: dict[str, str], body: Any) -> _Reply:
        event = self.events.get((self._calendar(calendar_id), event_id))
        if event is None:
            return _error(404)
        if event.get("_pending_reads"):
            event["_pending_reads"] -= 1
            if event["_pending_reads"] == 0:
                _finish_conference(event, event["conferenceData"]["createRequest"])
                self._touch(event)
        return _Reply(200, _public(event))

    def _op_events_patch(self, calendar_id: str, event_id: str, query: dict[str, str], body: Any) -> _Reply:
        event = self.events.get((self._calendar(calendar_id), event_id))
        if event is None:
            return _error(404)
        if not isinstance(body, dict):
            return _error(400, reason="required", message="Missing event body")
        candidate = json.loads(json.dumps(event))
        moved = False
        for key, value in body.items():
            if key in READ_ONLY or key == "attendees":  # attendees: after the times are checked
                continue
            if key == "conferenceData":
                if int(query.get("conferenceDataVersion", "0")) >= 1 and "hangoutLink" not in candidate:
                    self._add_conference(candidate, value)
                continue
            if key in ("start", "end") and value != candidate.get(key):
                moved = True
            if (
                isinstance(value, dict)
                and isinstance(candidate.get(key), dict)
                and key not in ("start", "end")
            ):
                candidate[key] = _merge(candidate[key], value)
            else:
                candidate[key] = value
        problem = _check_times(candidate)
        if problem:
            return problem
        if "attendees" in body:
            candidate["attendees"] = self._attendees(body["attendees"], event.get("attendees", []), candidate)
        if moved:
            candidate["sequence"] = int(candidate.get("sequence", 0)) + 1
        candidate["sendUpdates"] = query.get("sendUpdates", "false")
        self._touch(candidate)
        event.clear()
        event.update(candidate)
        return _Reply(200, _public(event))

    def _op_events_delete(self, calendar_id: str, event_id: str, query: dict[str, str], body: Any) -> _Reply:
        event = self.events.get((self._calendar(calendar_id), event_id))
        if event is None:
            return _error(404)
        if event.get("status") == "cancelled":
            return _error(410)
        event["status"] = "cancelled"
        event["sendUpdates"] = query.get("sendUpdates", "false")
        event["sequence"] = int(event.get("sequence", 0)) + 1
        self._touch(event)
        return _Reply(204, None)

    def _touch(self, event: dict[str, Any]) -> None:
        event["updated"] = _fmt(datetime.now(UTC))
        event["etag"] = f'"{next(self._etag)}"'


# -- wire format helpers ------------------------------------------------------------------------


def _route(method: str, path: str) -> tuple[str | None, str | None, str | None]:
    if not path.startswith(API_PREFIX):
        return None, None, None
    rest = path[len(API_PREFIX) :].strip("/").split("/")
    if rest == ["freeBusy"] and method == "POST":
        return "freeBusy", None, None
    if len(rest) >= 3 and rest[0] == "calendars" and rest[2] == "events":
        calendar_id = unquote(rest[1])
        if len(rest) == 3 and method == "POST":
            return "events.insert", calendar_id, None
        if len(rest) == 4:
            event_id = unquote(rest[3])
            operation = {"GET": "events.get", "PATCH": "events.patch", "DELETE": "events.delete"}.get(method)
            return operation, calendar_id, event_id
    return None, None, None


def _json_body(raw: bytes) -> Any:
    if not raw or not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def _parse_http_part(payload: Any) -> tuple[str, str, dict[str, str], str]:
    """An `application/http` part: request line, headers, blank line, body."""
    text = payload if isinstance(payload, str) else payload.decode("utf-8")
    request_line, _, rest = text.lstrip("\r\n").partition("\n")
    method, target = request_line.strip().split(" ")[:2]
    inner = email.message_from_string(rest)
    headers = {k.lower(): v for k, v in inner.items()}
    body = inner.get_payload()
    return method, target, headers, body if isinstance(body, str) else ""


def _response_id(content_id: str) -> str:
    inner = re.sub(r"\r?\n(?=[ \t])", "", content_id).strip()  # unfold a folded header
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return f"<response-{inner}>"


def _render_part(boundary: str, content_id: str, reply: _Reply) -> str:
    body = "" if reply.body is None else json.dumps(reply.body)
    lines = [f"HTTP/1.1 {reply.status} {responses.get(reply.status, 'Unknown')}"]
    if reply.body is not None:
        lines.append("Content-Type: application/json; charset=UTF-8")
    lines.extend(f"{k}: {v}" for k, v in reply.headers.items())
    lines.append(f"Content-Length: {len(body.encode())}")
    inner = "\r\n".join(lines) + "\r\n\r\n" + body
    return f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {content_id}\r\n\r\n{inner}\r\n"


def _error(status: int, *, reason: str | None = None, message: str | None = None) -> _Reply:
    domain, default_reason, default_message = REASONS.get(status, ("global", "unknown", "Error"))
    reason = reason or default_reason
    message = message or default_message
    body = {
        "error": {
            "errors": [{"domain": domain, "reason": reason, "message": message}],
            "code": status,
            "message": message,
        }
    }
    return _Reply(status, body)


def _fault_reply(fault: GoogleFault) -> _Reply:
    reply = _error(fault.status, reason=fault.reason)
    if fault.retry_after is not None:
        reply.headers["Retry-After"] = str(fault.retry_after)
    return reply


def _check_times(body: dict[str, Any]) -> _Reply | None:
    try:
        start, end = _event_time(body["start"]), _event_time(body["end"])
    except (KeyError, TypeError, ValueError):
        return _error(400, reason="required", message="Missing or invalid start or end time.")
    if end <= start:
        return _error(400, reason="timeRangeEmpty", message="The specified time range is empty.")
    return None


def _event_time(value: dict[str, Any]) -> datetime:
    return _parse_time(value["dateTime"])


def _parse_time(value: str) -> datetime:
    return utc(datetime.fromisoformat(value))


def _fmt(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _public(event: dict[str, Any]) -> dict[str, Any]:
    """The event as the API returns it (without the fake's bookkeeping)."""
    return {k: v for k, v in event.items() if k != "sendUpdates" and not k.startswith("_")}


def _finish_conference(event: dict[str, Any], request: dict[str, Any]) -> None:
    """A Meet conference, with a link derived from the event id."""
    digest = hashlib.sha256(event["id"].encode()).hexdigest()
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in digest[:10])
    code = f"{letters[:3]}-{letters[3:7]}-{letters[7:10]}"
    link = f"https://meet.google.com/{code}"
    event["hangoutLink"] = link
    event["conferenceData"] = {
        "createRequest": {**request, "status": {"statusCode": "success"}},
        "entryPoints": [{"entryPointType": "video", "uri": link, "label": link[8:]}],
        "conferenceSolution": {
            "key": {"type": request.get("conferenceSolutionKey", {}).get("type", "hangoutsMeet")},
            "name": "Google Meet",
        },
        "conferenceId": code,
    }


def _make_handler(fake: FakeGoogleCalendar) -> type[LoopbackHandler]:
    class Handler(LoopbackHandler):
        def _serve(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = fake.handle_http(self.command, self.path, headers, self.read_body())
            except Dropped:
                self.close_connection = True  # no answer: the client sees its read time out
                return
            if isinstance(reply.body, bytes):
                payload = reply.body
            else:
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            sent = {"Content-Type": "application/json; charset=UTF-8", **reply.headers}
            if not payload:
                del sent["Content-Type"]
            self.answer(reply.status, payload, sent)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler
