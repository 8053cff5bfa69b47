"""The candidate page's routes: overview and options, booking, the booking with reschedule and cancel,
the availability grid, accommodations, and .ics downloads. Every route opens the link first (rate
limited per token and per address); a link that does not open gets one plain 404 page."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from bot.candidate_web.security import Choices, check_csrf
from bot.candidate_web.timefmt import google_link, zones
from hiring.errors import Conflict, DomainError, ExternalServiceError, InvalidInput
from hiring.scheduling.booking import Choice
from hiring.scheduling.links import OpenLink
from hiring.scheduling.self_service import Overview
from hiring.services import Services
from hiring.text import valid_timezone
from scheduling.ics import Invite, invite_ics

log = logging.getLogger(__name__)

TOKEN_LIMIT, ADDRESS_LIMIT, PER_SECONDS = 60, 300, 60
GRID_DAYS, GRID_FIRST_HOUR, GRID_LAST_HOUR = 7, 7, 21  # the grid: a week, 07:00 to 21:00 local
MAX_TOKEN = 128
STALE = "Those times were just taken or changed. Here are fresh options."
CALENDAR_DOWN = "We could not reach the calendar just now, so nothing was booked. Please try again."


def _digest(*parts: object) -> str:
    """A short digest of what a form sent (its idempotency key: a double submit is done once)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class CandidatePages:
    """The routes, bound to the domain services."""

    def __init__(self, services: Services, choices: Choices, public_url: str) -> None:
        self.services = services
        self.pages = services.self_service
        self.links = services.links
        self.choices = choices
        self.organizer = f"noreply@{urlsplit(public_url).hostname or 'localhost'}"

    def register(self, app: Flask) -> None:
        app.add_url_rule("/<token>", "page", self.page, methods=["GET"])
        app.add_url_rule("/<token>/book", "book", self.book, methods=["POST"])
        app.add_url_rule("/<token>/reschedule", "reschedule", self.reschedule, methods=["GET", "POST"])
        app.add_url_rule("/<token>/cancel", "cancel", self.cancel, methods=["POST"])
        app.add_url_rule("/<token>/availability", "availability", self.availability, methods=["GET", "POST"])
        app.add_url_rule(
            "/<token>/accommodations", "accommodations", self.accommodations, methods=["GET", "POST"]
        )
        app.add_url_rule("/<token>/interview-<int:n>.ics", "ics", self.ics, methods=["GET"])
        app.register_error_handler(404, lambda _: (render_template("gone.html"), 404))
        app.register_error_handler(429, lambda _: (render_template("limited.html"), 429))
        app.register_error_handler(400, lambda _: (render_template("refused.html"), 400))

    # -- helpers ----------------------------------------------------------------------------------
    def opened(self, token: str) -> tuple[OpenLink, Overview, str]:
        """The link behind `token` (404 when wrong, expired or revoked; 429 when tried too often),
        its overview and the zone to show times in."""
        address = request.remote_addr or "unknown"
        digest = hashlib.sha256(token[:MAX_TOKEN].encode()).hexdigest()
        if not self.links.allow_attempt(f"addr:{address}", limit=ADDRESS_LIMIT, per_seconds=PER_SECONDS):
            abort(429)
        if not self.links.allow_attempt(f"token:{digest}", limit=TOKEN_LIMIT, per_seconds=PER_SECONDS):
            abort(429)
        link = self.links.open(token) if len(token) <= MAX_TOKEN else None
        if link is None:
            abort(404)
        if request.method == "POST":
            check_csrf()
        overview = self.pages.overview(link)
        return link, overview, self.tz(overview)

    def tz(self, overview: Overview) -> str:
        """The zone times are shown in: the one chosen on the page, else the candidate's stored one."""
        chosen = request.values.get("tz", "")
        return chosen if chosen and valid_timezone(chosen) else overview.timezone

    def render(self, template: str, token: str, overview: Overview, tz: str, **extra: Any) -> str:
        return render_template(template, token=token, o=overview, tz=tz, zones=zones(), **extra)

    def choice_of(self, link: OpenLink) -> Choice | None:
        encoded = self.choices.read(link.link_id, request.form.get("choice", ""))
        if encoded is None:
            return None
        try:
            return Choice.decode(encoded, self.services.scheduling.rooms)
        except Conflict:
            return None

    def options_page(
        self,
        token: str,
        link: OpenLink,
        tz: str,
        *,
        moving: bool,
        note: str = "",
        overview: Overview | None = None,
    ) -> str:
        """The options to book (or, `moving`, to move to), or why there are none."""
        overview = overview or self.pages.overview(link)
        try:
            found = self.pages.options(link, moving=moving)
            options = [
                (o, self.choices.sign(link.link_id, o.choice.encode(self.services.scheduling.rooms)))
                for o in found.options
            ]
            blocked = found.blocked
        except ExternalServiceError:
            options, blocked = (
                [],
                "We could not read the calendars just now. Please reload this page in a minute.",
            )
        except DomainError:
            options, blocked = [], "There is nothing to book here right now. Your recruiter will be in touch."
        template = "reschedule.html" if moving else "page.html"
        return self.render(template, token, overview, tz, options=options, blocked=blocked, note=note)

    # -- pages ------------------------------------------------------------------------------------
    def page(self, token: str) -> str:
        """The overview, then the options (not booked yet) or the booking (booked)."""
        link, overview, tz = self.opened(token)
        if overview.booked or overview.cancelled:
            return self.booked_page(token, overview, tz, done=request.args.get("done", ""))
        return self.options_page(token, link, tz, moving=False, overview=overview)

    def booked_page(self, token: str, overview: Overview, tz: str, **extra: Any) -> str:
        """The booking, with "add to Google Calendar" links for each interview."""
        details = f"{overview.role_title}: {overview.stage_name}"
        calendar = [
            (n, s, google_link(s.title, s.start, s.end, details))
            for n, s in enumerate(overview.booked, start=1)
        ]
        return self.render("booked.html", token, overview, tz, calendar=calendar, **extra)

    def book(self, token: str) -> BaseResponse | str:
        """Book the chosen option; back to the page with a confirmation."""
        return self.place(token, moving=False)

    def reschedule(self, token: str) -> BaseResponse | str:
        """GET: the options to move to; POST: move there."""
        link, overview, tz = self.opened(token)
        if overview.change_until is None:
            return redirect(url_for("page", token=token, tz=tz))
        if request.method == "GET":
            return self.options_page(token, link, tz, moving=True, overview=overview)
        return self.place(token, moving=True)

    def place(self, token: str, *, moving: bool) -> BaseResponse | str:
        link, _, tz = self.opened(token)
        choice = self.choice_of(link)
        if choice is None:
            return self.options_page(token, link, tz, moving=moving, note=STALE)
        key = f"page:{link.link_id}:{'move' if moving else 'book'}:{request.form.get('choice', '')[-40:]}"
        try:
            place = self.pages.reschedule if moving else self.pages.book
            place(link, choice, request_key=key)
        except ExternalServiceError:
            return self.options_page(token, link, tz, moving=moving, note=CALENDAR_DOWN)
        except DomainError as err:
            log.info("a candidate's choice was refused: %s", err.message)
            return self.options_page(token, link, tz, moving=moving, note=STALE)
        return redirect(url_for("page", token=token, tz=tz, done="moved" if moving else "booked"))

    def cancel(self, token: str) -> BaseResponse | str:
        """Cancel the booked loop (until the cutoff)."""
        link, overview, tz = self.opened(token)
        note = request.form.get("note", "")
        try:
            self.pages.cancel(
                link,
                note,
                request_key=f"page:{link.link_id}:cancel:{overview.booked[0].start if overview.booked else ''}",
            )
        except DomainError as err:
            note = CALENDAR_DOWN if isinstance(err, ExternalServiceError) else err.message
            return self.booked_page(token, overview, tz, done="", note=note)
        return redirect(url_for("page", token=token, tz=tz, done="cancelled"))

    # -- none suits: the week grid ------------------------------------------------------------------
    def grid(self, tz: str) -> list[tuple[datetime, list[datetime]]]:
        """The grid's rows: each local hour, with that hour on each of the next days (UTC starts)."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(tz)
        today = self.services.clock.now().astimezone(zone).date()
        days = [today + timedelta(days=d) for d in range(1, GRID_DAYS + 1)]
        rows = []
        for hour in range(GRID_FIRST_HOUR, GRID_LAST_HOUR):
            cells = [datetime(d.year, d.month, d.day, hour, tzinfo=zone).astimezone(UTC) for d in days]
            rows.append((cells[0], cells))
        return rows

    def availability(self, token: str) -> BaseResponse | str:
        """GET: the week grid and a note; POST: store the ticked hours as the candidate's windows."""
        link, overview, tz = self.opened(token)
        errors: dict[str, str] = {}
        picked = set(request.form.getlist("slot"))
        if request.method == "POST":
            allowed = {c.isoformat(): c for _, cells in self.grid(tz) for c in cells}
            windows = [(allowed[v], allowed[v] + timedelta(hours=1)) for v in picked if v in allowed]
            note = request.form.get("note", "")
            try:
                self.pages.give_availability(
                    link,
                    windows,
                    note,
                    request_key=f"page:{link.link_id}:avail:{_digest(sorted(picked), note)}",
                )
                return redirect(url_for("page", token=token, tz=tz, done="availability"))
            except InvalidInput as err:
                errors = {"slots": " ".join(err.errors.values())}
            except DomainError as err:
                errors = {"slots": err.message}
        return self.render(
            "availability.html",
            token,
            overview,
            tz,
            grid=self.grid(tz),
            picked=picked,
            errors=errors,
        )

    def accommodations(self, token: str) -> BaseResponse | str:
        """GET: the form; POST: store the request and tell the hiring team."""
        link, overview, tz = self.opened(token)
        errors: dict[str, str] = {}
        if request.method == "POST":
            text = request.form.get("accommodations", "")
            for_interviewers = request.form.get("audience") == "interviewers"
            try:
                self.pages.ask_accommodations(link, text, for_interviewers=for_interviewers)
                return redirect(url_for("page", token=token, tz=tz, done="accommodations"))
            except InvalidInput as err:
                errors = err.errors
        return self.render("accommodations.html", token, overview, tz, errors=errors)

    def ics(self, token: str, n: int) -> Response:
        """One booked interview as an .ics file (no other attendee in it)."""
        link, overview, _ = self.opened(token)
        if not 1 <= n <= len(overview.booked):
            abort(404)
        slot = overview.booked[n - 1]
        invite = Invite(
            uid=f"loopbot-{link.team_id}-{slot.uid}",
            sequence=0,
            summary=f"{slot.title} ({overview.role_title})",
            description=f"{overview.role_title}: {overview.stage_name}",
            start=slot.start,
            end=slot.end,
            organizer=self.organizer,
            attendees=(),
            stamp=self.services.clock.now(),
            location=next((i.address for i in overview.interviews if i.address), "")
            if slot.format == "onsite"
            else "",
            video_link=slot.video_link,
        )
        return Response(
            invite_ics(invite),
            mimetype="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="interview-{n}.ics"'},
        )
