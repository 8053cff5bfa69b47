"""Google Calendar behind `CalendarGateway`, over the real google-api-python-client.

Round trips are kept few: free/busy asks 50 calendars a query (Google's limit); a loop's events are
written in one `BatchHttpRequest` (chunks of 50) with ids Loopbot chose, so a retried booking never
duplicates an event (a 409 on insert means "already there"). Single requests are retried on 429,
5xx and rate-limit 403s with backoff (honouring `Retry-After`); a batch has no retries of its own,
so only its failed parts are sent again. A booking that still fails is undone: every event created
by the attempt is cancelled and `BookingError` says what failed.

Every HTTP request is cut at `timeout_seconds` (`GOOGLE_TIMEOUT_SECONDS`). A read or a delete that
timed out is sent again (`timeout_retries` times); an insert or a patch is not (Google may have
carried it out): the booking treats its events as possibly written, removes (or, when moving,
restores) them with the rest, and says Google did not answer.

The client's `BatchHttpRequest` ignores `api_endpoint`, so the batch URI comes from settings.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.http import BatchHttpRequest, HttpRequest

from scheduling.calendar_protocol import (
    AttendeeResponse,
    BookedEvent,
    BookingError,
    CalendarError,
    EventSpec,
    Interval,
    RoomPicker,
    assign_rooms,
    merge,
    needs_room,
    refuse_missing,
    subtract,
    unique_specs,
    utc,
    window,
)

log = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/calendar"]
DEFAULT_BATCH_URI = "https://www.googleapis.com/batch/calendar/v3"
FREEBUSY_MAX_CALENDARS = 50
BATCH_MAX_PARTS = 50
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class CalendarConfigError(CalendarError):
    """The Google calendar settings are missing or unusable."""


class NoAnswer(CalendarError):
    """A request Google did not answer within the timeout (it may still have been carried out)."""


def load_credentials(path: Path, delegated_subject: str | None = None) -> Credentials:
    """Credentials from a service account key (with domain-wide delegation to `delegated_subject`)
    or from an authorized-user file (a user's OAuth refresh token)."""
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalendarConfigError(f"GOOGLE_CREDENTIALS_FILE {path} cannot be read: {exc}") from exc
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "service_account":
        sa = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        if delegated_subject:
            return sa.with_subject(delegated_subject)
        log.warning(
            "GOOGLE_DELEGATED_SUBJECT is not set: events are booked in the service account's own calendar"
        )
        return sa
    if kind == "authorized_user":
        return user_credentials.Credentials.from_authorized_user_info(info, scopes=SCOPES)
    raise CalendarConfigError(
        f"GOOGLE_CREDENTIALS_FILE {path} is neither a service account key nor an authorized-user file"
    )


@dataclass
class _Outcome:
    """What one request of a batch came to, after retries."""

    response: Any = None
    error: Exception | None = None

    @property
    def status(self) -> int | None:
        return _status(self.error) if self.error is not None else None

    @property
    def unanswered(self) -> bool:
        """Failed without an answer from Google: the request may or may not have been carried out."""
        return self.error is not None and self.status is None


class GoogleCalendar(RoomPicker):
    """The Google provider. Thread-safe: each thread gets its own HTTP connection.
    `sleep` and `rng` are injected so tests do not wait."""

    # The calendar Loopbot books into ("primary": the delegated subject's calendar, who is then the
    # organizer), and the retries: at most 5 attempts, backing off from 1 s, doubling, up to 32 s.
    calendar_id = "primary"
    max_attempts = 5
    backoff_seconds = 1.0
    max_backoff_seconds = 32.0

    def __init__(
        self,
        credentials: Credentials,
        *,
        api_endpoint: str | None = None,
        batch_endpoint: str | None = None,
        rooms: Sequence[str] = (),
        timeout_seconds: float = 10.0,
        timeout_retries: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._credentials = credentials
        options = {"api_endpoint": api_endpoint} if api_endpoint else None
        self._service = build(
            "calendar",
            "v3",
            credentials=credentials,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        self.batch_uri = batch_endpoint or DEFAULT_BATCH_URI
        self._rooms = tuple(rooms)
        self.timeout_seconds = timeout_seconds
        self.timeout_retries = timeout_retries
        self._sleep = sleep
        self._rng = rng
        self._local = threading.local()

    # -- free/busy ------------------------------------------------------------------------------
    def free_busy(
        self, team_id: str, calendars: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Interval]]:
        """One `freeBusy` query per 50 calendars; unreadable calendars count as busy all along."""
        lo, hi = utc(start), utc(end)
        wanted = list(dict.fromkeys(calendars))
        result: dict[str, list[Interval]] = {}
        for i in range(0, len(wanted), FREEBUSY_MAX_CALENDARS):
            chunk = wanted[i : i + FREEBUSY_MAX_CALENDARS]
            body = {"timeMin": _rfc3339(lo), "timeMax": _rfc3339(hi), "items": [{"id": c} for c in chunk]}
            try:
                answer = self._execute(self._service.freebusy().query(body=body))
            except Exception as exc:
                raise CalendarError(
                    f"Could not read free/busy from Google Calendar ({_describe(exc)})."
                ) from exc
            by_id = {k.lower(): v for k, v in (answer.get("calendars") or {}).items()}
            for calendar in chunk:
                info = by_id.get(calendar.lower())
                if info is None or info.get("errors"):
                    reasons = (
                        ", ".join(e.get("reason", "?") for e in (info or {}).get("errors", [])) or "missing"
                    )
                    log.warning("free/busy of %s unavailable (%s); treated as busy", calendar, reasons)
                    result[calendar] = [Interval(lo, hi)]
                    continue
                spans = [Interval(_parse(b["start"]), _parse(b["end"])) for b in info.get("busy", [])]
                result[calendar] = merge(spans, lo, hi)
        return result

    # -- booking ----------------------------------------------------------------------------------
    def book(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Insert all events in one batch (conference links, rooms, invitations to everyone)."""
        specs = unique_specs(events)
        if not specs:
            return []
        auto_rooms = {s.event_id for s in needs_room(specs)}
        specs = self._place_in_rooms(team_id, specs)
        inserts = {
            s.event_id: self._service.events().insert(
                calendarId=self.calendar_id,
                body={**self._body(team_id, s), "id": s.event_id},
                conferenceDataVersion=1,
                sendUpdates="all",
            )
            for s in specs
        }
        outcomes = self._batch(inserts)
        resources: dict[str, dict[str, Any]] = {}
        already: list[EventSpec] = []
        failed: dict[str, str] = {}
        for spec in specs:
            outcome = outcomes[spec.event_id]
            if outcome.error is None:
                resources[spec.event_id] = outcome.response
            elif outcome.status == 409:
                already.append(spec)
            else:
                failed[spec.event_id] = _describe(outcome.error)
        if already and not failed:
            found, problems, kept = self._reconcile(team_id, already, auto_rooms)
            resources.update(found)
            failed.update(problems)
            specs = [kept.get(s.event_id, s) for s in specs]
        failed.update(_rooms_taken(specs, resources))
        if failed:
            already_ids = {s.event_id for s in already}
            created = [s.event_id for s in specs if s.event_id in resources or s.event_id in already_ids]
            maybe = [s.event_id for s in specs if outcomes[s.event_id].unanswered]
            orphans = self._delete(created + maybe)
            raise BookingError(
                _booking_message("book", specs, failed, created, orphans),
                list(failed),
                orphaned_event_ids=orphans,
            )
        resources = self._await_conferences(specs, resources)
        return [_booked(spec, resources[spec.event_id]) for spec in specs]

    def move(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Patch the same events (new times, people, room) in one batch; all or nothing."""
        specs = unique_specs(events)
        if not specs:
            return []
        before = self._get_many([s.event_id for s in specs])
        refuse_missing(specs, before)
        specs = self._place_in_rooms(team_id, specs, before)
        outcomes = self._batch({s.event_id: self._patch(team_id, s, before[s.event_id]) for s in specs})
        moved = {
            s.event_id: outcomes[s.event_id].response for s in specs if outcomes[s.event_id].error is None
        }
        failed = {
            s.event_id: _describe(outcomes[s.event_id].error)  # type: ignore[arg-type]
            for s in specs
            if outcomes[s.event_id].error is not None
        }
        failed.update(_rooms_taken(specs, moved))
        if failed:
            maybe = [s.event_id for s in specs if outcomes[s.event_id].unanswered]
            orphans = self._restore({eid: before[eid] for eid in [*moved, *maybe]})
            raise BookingError(
                _booking_message("move", specs, failed, list(moved), orphans),
                list(failed),
                orphaned_event_ids=orphans,
            )
        moved = self._await_conferences(specs, moved)
        return [_booked(spec, moved[spec.event_id]) for spec in specs]

    def cancel(self, team_id: str, event_ids: Sequence[str]) -> None:
        """Delete the events (attendees get a cancellation); events already gone are fine."""
        ids = list(dict.fromkeys(event_ids))
        left = self._delete(ids)
        if left:
            raise CalendarError(
                f"Could not cancel {len(left)} of {len(ids)} events in Google Calendar; "
                "they may still be on attendees' calendars. Try again in a few minutes."
            )

    def responses(self, team_id: str, event_ids: Sequence[str]) -> dict[str, list[AttendeeResponse]]:
        """Each event's people and their answers (rooms left out); unknown events are left out."""
        found = self._get_many(list(dict.fromkeys(event_ids)))
        return {
            event_id: [
                AttendeeResponse(email=a["email"].lower(), status=a.get("responseStatus", "needsAction"))
                for a in resource.get("attendees", [])
                if not a.get("resource") and "email" in a
            ]
            for event_id, resource in found.items()
        }

    # -- the pieces -------------------------------------------------------------------------------
    def _place_in_rooms(
        self, team_id: str, specs: list[EventSpec], current: Mapping[str, dict[str, Any]] | None = None
    ) -> list[EventSpec]:
        """Rooms for on-site events without one, by free/busy. When moving (`current` holds the
        events as they are), an event keeps its room if free at the new time, not counting itself."""
        needing = needs_room(specs)
        if not needing:
            return specs
        if not self._rooms:
            raise BookingError(
                "On-site interviews need a room, and no rooms are configured (set GOOGLE_ROOMS).",
                [s.event_id for s in needing],
            )
        lo, hi = window(needing)
        busy = self.free_busy(team_id, self._rooms, lo, hi)
        prefer: dict[str, str] = {}
        for spec in needing:
            resource = (current or {}).get(spec.event_id)
            held = _held_room(resource, self._rooms) if resource is not None else None
            if held is not None and resource is not None:
                prefer[spec.event_id] = held
                own = Interval(_parse(resource["start"]["dateTime"]), _parse(resource["end"]["dateTime"]))
                busy[held] = subtract(busy.get(held, []), own)
        placed, unplaced = assign_rooms(specs, self._rooms, busy, prefer=prefer)
        if unplaced:
            raise BookingError(
                f"No room is free for {len(unplaced)} on-site interview(s); pick other times.", unplaced
            )
        return placed

    def _body(self, team_id: str, spec: EventSpec, *, conference: bool = True) -> dict[str, Any]:
        zone = ZoneInfo(spec.timezone)
        people = list(spec.attendees)
        if spec.organizer and spec.organizer.lower() not in people:
            people.append(spec.organizer.lower())
        attendees: list[dict[str, Any]] = [{"email": a} for a in people]
        body: dict[str, Any] = {
            "summary": spec.summary,
            "description": spec.description,
            "start": {"dateTime": spec.start.astimezone(zone).isoformat(), "timeZone": spec.timezone},
            "end": {"dateTime": spec.end.astimezone(zone).isoformat(), "timeZone": spec.timezone},
            "status": "confirmed",
            "guestsCanModify": False,
            "extendedProperties": {"private": {"loopbotTeam": team_id}},
            "location": "",
        }
        if spec.room:
            attendees.append({"email": spec.room, "resource": True})
            body["location"] = spec.room
        if spec.online and spec.video_link:
            body["location"] = spec.video_link
        elif spec.online and conference:
            body["conferenceData"] = {
                "createRequest": {
                    "requestId": spec.event_id,
                    "conferenceSolutionKey": {"type": "hangoutsMeet"},
                }
            }
        body["attendees"] = attendees
        return body

    def _patch(self, team_id: str, spec: EventSpec, resource: dict[str, Any]) -> HttpRequest:
        """The request patching the event `resource` to what `spec` asks for (a new Meet link only
        where it has none)."""
        return self._service.events().patch(
            calendarId=self.calendar_id,
            eventId=spec.event_id,
            body=self._body(team_id, spec, conference=not _video_link(resource)),
            conferenceDataVersion=1,
            sendUpdates="all",
        )

    def _reconcile(
        self, team_id: str, specs: list[EventSpec], auto_rooms: set[str]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, EventSpec]]:
        """Events that answered 409: keep them when they are what we asked for, else patch them
        back to it (e.g. an event cancelled after an earlier attempt). A room Loopbot picked in an
        earlier attempt is kept (free/busy showed it taken, by this very event)."""
        current = self._get_many([s.event_id for s in specs])
        found: dict[str, dict[str, Any]] = {}
        fixes: dict[str, HttpRequest] = {}
        failed: dict[str, str] = {}
        kept: dict[str, EventSpec] = {}
        for spec in specs:
            resource = current.get(spec.event_id)
            held = _held_room(resource, self._rooms) if resource is not None else None
            if spec.event_id in auto_rooms and held is not None:
                spec = kept[spec.event_id] = replace(spec, room=held)
            if resource is None:
                failed[spec.event_id] = "the id is taken but the event cannot be read"
            elif _matches(spec, resource):
                found[spec.event_id] = resource
            else:
                fixes[spec.event_id] = self._patch(team_id, spec, resource)
        for event_id, outcome in self._batch(fixes).items():
            if outcome.error is None:
                found[event_id] = outcome.response
            else:
                failed[event_id] = _describe(outcome.error)
        return found, failed, kept

    def _get_many(self, event_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Read events in one batch; missing ones are left out, other failures raise."""
        requests = {
            eid: self._service.events().get(calendarId=self.calendar_id, eventId=eid) for eid in event_ids
        }
        found: dict[str, dict[str, Any]] = {}
        for event_id, outcome in self._batch(requests, repeatable=True).items():
            if outcome.error is None:
                found[event_id] = outcome.response
            elif outcome.status not in (404, 410):
                raise CalendarError(
                    f"Could not read events from Google Calendar ({_describe(outcome.error)})."
                )
        return found

    def _delete(self, event_ids: list[str]) -> list[str]:
        """Delete events in one batch; returns the ids that could not be deleted."""
        requests = {
            eid: self._service.events().delete(calendarId=self.calendar_id, eventId=eid, sendUpdates="all")
            for eid in event_ids
        }
        left = []
        for event_id, outcome in self._batch(requests, repeatable=True).items():
            if outcome.error is not None and outcome.status not in (404, 410):
                log.error("could not delete Google event %s: %s", event_id, _describe(outcome.error))
                left.append(event_id)
        return left

    def _restore(self, previous: dict[str, dict[str, Any]]) -> list[str]:
        """Patch events back to how they were before a failed move; returns those left changed."""
        keys = ("summary", "description", "location", "start", "end", "attendees", "status")
        requests = {
            eid: self._service.events().patch(
                calendarId=self.calendar_id,
                eventId=eid,
                body={k: resource[k] for k in keys if k in resource},
                sendUpdates="all",
            )
            for eid, resource in previous.items()
        }
        return [eid for eid, outcome in self._batch(requests).items() if outcome.error is not None]

    def _await_conferences(
        self, specs: list[EventSpec], resources: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        """Meet links are normally ready at once; when Google says "pending", read the events again."""
        resources = dict(resources)
        for attempt in range(self.max_attempts):
            pending = [
                s.event_id
                for s in specs
                if s.online and not s.video_link and _conference_status(resources[s.event_id]) == "pending"
            ]
            if not pending:
                break
            self._sleep(self._backoff(attempt))
            resources.update(self._get_many(pending))
        return resources

    # -- HTTP with retries ------------------------------------------------------------------------
    def _http(self) -> google_auth_httplib2.AuthorizedHttp:
        http = getattr(self._local, "http", None)
        if http is None:
            http = google_auth_httplib2.AuthorizedHttp(
                self._credentials, http=httplib2.Http(timeout=self.timeout_seconds)
            )
            self._local.http = http
        return http

    def _execute(self, request: HttpRequest) -> Any:
        """One read, retried on 429, 5xx, rate-limit 403s and dropped connections, and
        `timeout_retries` times when Google did not answer in time."""
        timeouts = 0
        for attempt in range(self.max_attempts):
            try:
                return request.execute(http=self._http(), num_retries=0)
            except Exception as exc:
                timeouts += _timed_out(exc)
                if attempt + 1 < self.max_attempts and _retryable(exc) and timeouts <= self.timeout_retries:
                    self._sleep(self._delay(attempt, exc))
                    continue
                if _timed_out(exc):
                    raise self._no_answer() from exc
                raise
        raise AssertionError("unreachable")

    def _batch(self, requests: Mapping[str, HttpRequest], *, repeatable: bool = False) -> dict[str, _Outcome]:
        """Send requests in batches of 50; retry only the parts that failed with a retryable error.
        Parts that timed out are sent again only when `repeatable` (reads, deletes), at most
        `timeout_retries` times; they come back as `NoAnswer`."""
        pending = dict(requests)
        results: dict[str, _Outcome] = {}
        timeouts = 0
        for attempt in range(self.max_attempts):
            answers = self._send_batches(pending)
            timeouts += any(o.error is not None and _timed_out(o.error) for o in answers.values())
            again_after_timeout = repeatable and timeouts <= self.timeout_retries
            retry: dict[str, HttpRequest] = {}
            delays: list[float] = []
            last = attempt + 1 >= self.max_attempts
            for request_id in pending:
                outcome = answers.get(request_id, _Outcome(None, CalendarError("no answer in the batch")))
                error = outcome.error
                timed_out = error is not None and _timed_out(error)
                if error is None or last or not _retryable(error) or (timed_out and not again_after_timeout):
                    results[request_id] = _Outcome(None, self._no_answer()) if timed_out else outcome
                    continue
                retry[request_id] = pending[request_id]
                delays.append(self._delay(attempt, error))
            if not retry:
                break
            log.warning("retrying %d of %d batch parts", len(retry), len(pending))
            self._sleep(max(delays))
            pending = retry
        return results

    def _send_batches(self, requests: Mapping[str, HttpRequest]) -> dict[str, _Outcome]:
        """One round: the requests in batch HTTP requests of 50; a batch that fails fails its parts."""
        answers: dict[str, _Outcome] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            answers[request_id] = _Outcome(response, exception)

        ids = list(requests)
        for i in range(0, len(ids), BATCH_MAX_PARTS):
            chunk = ids[i : i + BATCH_MAX_PARTS]
            batch = BatchHttpRequest(callback=collect, batch_uri=self.batch_uri)
            for request_id in chunk:
                batch.add(requests[request_id], request_id=request_id)
            try:
                batch.execute(http=self._http())
            except Exception as exc:  # the whole batch request failed
                for request_id in chunk:
                    answers[request_id] = _Outcome(None, exc)
        return answers

    def _no_answer(self) -> NoAnswer:
        return NoAnswer(f"no answer within {self.timeout_seconds:g} s")

    def _delay(self, attempt: int, exc: Exception) -> float:
        """The wait before the next attempt: the answer's `Retry-After` when it has one, else the backoff."""
        resp = getattr(exc, "resp", None)
        value = resp.get("retry-after") if resp is not None and hasattr(resp, "get") else None
        try:
            return self._backoff(attempt) if value is None else max(0.0, float(value))
        except ValueError:
            return self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        base = min(self.max_backoff_seconds, self.backoff_seconds * (2**attempt))
        return base * (0.5 + self._rng() / 2)


# -- helpers -----------------------------------------------------------------------------------------


def _status(exc: Exception) -> int | None:
    resp = getattr(exc, "resp", None)
    status = getattr(resp, "status", None)
    return int(status) if status is not None else None


def _reason(exc: Exception) -> str | None:
    content = getattr(exc, "content", None)
    if not content:
        return None
    try:
        data = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
        errors = data["error"].get("errors") or []
        return str(errors[0].get("reason")) if errors else None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError)  # socket.timeout, as httplib2 raises it


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, HttpError) and not isinstance(exc, BatchError):
        status = _status(exc) or 0
        if status == 429 or status >= 500:
            return True
        return status == 403 and _reason(exc) in RATE_LIMIT_REASONS
    return isinstance(exc, (BatchError, OSError, httplib2.HttpLib2Error))


def _describe(exc: Exception) -> str:
    status = _status(exc)
    if isinstance(exc, HttpError) and status is not None:
        reason = _reason(exc)
        text = f"Google answered {status}"
        return f"{text} {reason}" if reason else text
    if isinstance(exc, CalendarError):
        return exc.message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _booking_message(
    verb: str, specs: list[EventSpec], failed: dict[str, str], touched: list[str], left: list[str]
) -> str:
    titles = {s.event_id: s.summary for s in specs}
    what = "; ".join(f"{titles.get(eid, eid)}: {why}" for eid, why in failed.items())
    head = f"Could not {verb} {len(failed)} of {len(specs)} interviews in Google Calendar ({what})."
    if verb == "book":
        if left:
            tail = f" {len(left)} event(s) created could not be removed and may need deleting by hand."
        elif touched:
            tail = f" The {len(touched)} event(s) already created were cancelled; nothing is booked."
        else:
            tail = " Nothing was booked."
    elif left:
        tail = f" {len(left)} event(s) could not be put back and may show the new time."
    else:
        tail = " Every event keeps its previous time."
    return head + tail


def _matches(spec: EventSpec, resource: dict[str, Any]) -> bool:
    """True when an existing event is what `spec` asks for (so a re-insert may keep it as is)."""
    if resource.get("status") == "cancelled":
        return False
    try:
        start, end = _parse(resource["start"]["dateTime"]), _parse(resource["end"]["dateTime"])
    except (KeyError, ValueError):
        return False
    if start != utc(spec.start) or end != utc(spec.end):
        return False
    people = {a.get("email", "").lower() for a in resource.get("attendees", []) if not a.get("resource")}
    if not set(spec.attendees) <= people:
        return False
    if spec.room and _room_status(resource, spec.room) is None:
        return False
    return not (spec.online and not spec.video_link and not _video_link(resource))


def _rooms_taken(specs: list[EventSpec], resources: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """Why each written event whose room declined it failed."""
    return {
        s.event_id: f"room {s.room} is already taken"
        for s in specs
        if s.room and s.event_id in resources and _room_status(resources[s.event_id], s.room) == "declined"
    }


def _room_status(resource: dict[str, Any], room: str) -> str | None:
    for attendee in resource.get("attendees", []):
        if attendee.get("resource") and attendee.get("email", "").lower() == room.lower():
            return str(attendee.get("responseStatus", "needsAction"))
    return None


def _held_room(resource: dict[str, Any], rooms: Sequence[str]) -> str | None:
    """The configured room this event holds (accepted), if any."""
    if resource.get("status") == "cancelled":
        return None
    names = {r.lower(): r for r in rooms}
    for attendee in resource.get("attendees", []):
        email = str(attendee.get("email", "")).lower()
        if attendee.get("resource") and email in names and attendee.get("responseStatus") == "accepted":
            return names[email]
    return None


def _video_link(resource: dict[str, Any]) -> str | None:
    if resource.get("hangoutLink"):
        return str(resource["hangoutLink"])
    for entry in (resource.get("conferenceData") or {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return None


def _conference_status(resource: dict[str, Any]) -> str | None:
    status = ((resource.get("conferenceData") or {}).get("createRequest") or {}).get("status") or {}
    return status.get("statusCode")


def _booked(spec: EventSpec, resource: dict[str, Any]) -> BookedEvent:
    room = next(
        (a["email"] for a in resource.get("attendees", []) if a.get("resource") and a.get("email")), spec.room
    )
    return BookedEvent(
        event_id=spec.event_id,
        start=_parse(resource["start"]["dateTime"]),
        end=_parse(resource["end"]["dateTime"]),
        video_link=_video_link(resource) or (spec.video_link if spec.online else None),
        room=room,
        html_link=resource.get("htmlLink"),
    )


def _rfc3339(value: datetime) -> str:
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return utc(datetime.fromisoformat(value))
