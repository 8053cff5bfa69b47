"""Candidates' personal scheduling links: issue, list, revoke, open, rate-limit, e-mail, and tell the
people who run the hiring when the candidate acted through one.

A link is for one candidate and the stage they are at when it is issued. Its token has 256 random bits
(`secrets.token_urlsafe(32)`); only the token's sha256 is stored, so the token is shown once, when
issued. A link opens until it expires (the role's `link_days`, default 7) or is revoked, and only while
the candidate is still active at that stage. Issuing another link never revokes older ones.

Link states: `revoked` (someone revoked it), `expired` (past `expires_at`), `used` (the candidate acted
through it and it still opens, e.g. to reschedule) and `active` (opens, nothing done yet).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput, NotFound
from hiring.outbox import Dispatcher, Due
from hiring.panels.interview_info import person_timezone, stage_name
from hiring.permissions import Actor, require_manager
from hiring.ports import Directory, Mailer, Notifier
from hiring.roles.candidates import live_candidate
from hiring.scheduling.messages import LinkActivity
from hiring.scheduling.notices import all_sent, iso, unsent_items
from hiring.text import EMAIL, valid_timezone
from storage.models import LinkAction, SchedulingLink
from storage.uow import Database, UnitOfWork

WHAT = "send scheduling links for this role"
MIN_DAYS, MAX_DAYS = 1, 30
MAX_TOKEN_CHARS = 128
NOTICE_WINDOW = timedelta(days=2)  # later ticks retry unsent notices of candidates' actions this recent
SUBJECT_BLOCK, BODY_BLOCK, DAYS_BLOCK = "email_subject", "email_body", "link_days"


class LinkState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the only time its token and URL are known."""

    link_id: int
    url: str
    token: str
    expires_at: datetime
    candidate_name: str
    stage_label: str
    candidate_id: int = 0
    candidate_email: str | None = None
    candidate_timezone: str = "UTC"
    role_title: str = ""


@dataclass(frozen=True)
class LinkView:
    """A link as the candidate's status lists it (never its token)."""

    link_id: int
    stage_label: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    state: str
    last_used_at: datetime | None = None
    emailed_at: datetime | None = None


@dataclass(frozen=True)
class OpenLink:
    """A link that opens: what the candidate's page needs to find its way."""

    link_id: int
    team_id: str
    candidate_id: int
    stage_key: str
    expires_at: datetime
    role_id: int
    cancel_cutoff_hours: int


@dataclass(frozen=True)
class EmailDraft:
    """The e-mail the candidate would get, shown (and editable) before it is sent."""

    to: str
    subject: str
    body: str


class ActionKind(StrEnum):
    BOOKED = "booked"
    AVAILABILITY = "availability"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    ACCOMMODATIONS = "accommodations"


@dataclass(frozen=True)
class CandidateAction:
    """What the candidate did on their page. `times` are the booked (start, end) pairs, `summary` a
    short description of the windows they gave, `note` their own words (escaped when shown)."""

    kind: ActionKind
    times: tuple[tuple[datetime, datetime], ...] = ()
    summary: str = ""
    note: str = ""

    @classmethod
    def booked(cls, times: tuple[tuple[datetime, datetime], ...]) -> CandidateAction:
        return cls(ActionKind.BOOKED, times=times)

    @classmethod
    def gave_availability(cls, summary: str, note: str = "") -> CandidateAction:
        return cls(ActionKind.AVAILABILITY, summary=summary, note=note)

    @classmethod
    def rescheduled(cls, times: tuple[tuple[datetime, datetime], ...]) -> CandidateAction:
        return cls(ActionKind.RESCHEDULED, times=times)

    @classmethod
    def cancelled(cls, note: str = "") -> CandidateAction:
        return cls(ActionKind.CANCELLED, note=note)

    @classmethod
    def asked_for_accommodations(cls, note: str) -> CandidateAction:
        return cls(ActionKind.ACCOMMODATIONS, note=note)


def token_hash(token: str) -> str:
    """The sha256 (hex) of a token: what is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def state_of(link: SchedulingLink, now: datetime) -> LinkState:
    """A link's state at `now` (revoked before expired before used before active)."""
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.USED if link.acted_at is not None else LinkState.ACTIVE


def _local(when: datetime, tz: str) -> str:
    zone = ZoneInfo(tz if valid_timezone(tz) else "UTC")
    local = when.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} ({tz if valid_timezone(tz) else 'UTC'})"


class SchedulingLinks:
    """Issues, lists, revokes and opens candidates' scheduling links; e-mails them when a mailer is
    configured; tells the hiring channel, recruiters and hiring manager when a candidate acts."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        public_url: str,
        notifier: Notifier,
        directory: Directory,
        mailer: Mailer | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.notifier = notifier
        self.directory = directory
        self.mailer = mailer
        self.dispatcher = Dispatcher(db, clock, notifier)

    @property
    def can_email(self) -> bool:
        """Whether e-mail is configured (SMTP_HOST set)."""
        return self.mailer is not None

    def url_for(self, token: str) -> str:
        """The candidate's page for `token`."""
        return f"{self.public_url}/candidate/{token}"

    def issue(self, actor: Actor, candidate_id: int, *, days: int | None = None) -> IssuedLink:
        """Make a new link for the candidate's current stage, valid `days` (the role's `link_days`
        when None); for the role's hiring manager, its recruiters or an admin, as for scheduling,
        while the candidate is still interviewing. Older links stay as they are."""
        if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
            raise InvalidInput({DAYS_BLOCK: f"A link lasts {MIN_DAYS} to {MAX_DAYS} days."})
        now = self.clock.now()
        token = secrets.token_urlsafe(32)
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            if candidate.status != "active":
                raise Conflict(f"{candidate.name} is no longer interviewing; no link was made.")
            role = candidate.role
            link = uow.links.add(
                SchedulingLink(
                    team_id=actor.team_id,
                    candidate_id=candidate.id,
                    stage_key=candidate.stage_key,
                    token_hash=token_hash(token),
                    created_by=actor.user_id,
                    created_at=now,
                    expires_at=now + timedelta(days=days or role.link_days),
                )
            )
            self._audit(uow, actor.user_id, "link.issued", link, now)
            issued = IssuedLink(
                link_id=link.id,
                url=self.url_for(token),
                token=token,
                expires_at=link.expires_at,
                candidate_name=candidate.name,
                stage_label=stage_name(role.plan, candidate.stage_key),
                candidate_id=candidate.id,
                candidate_email=candidate.email or None,
                candidate_timezone=candidate.timezone,
                role_title=role.title,
            )
            uow.commit()
        return issued

    def _audit(self, uow: UnitOfWork, actor_id: str, action: str, link: SchedulingLink, now: datetime) -> int:
        event = uow.audit.record(
            at=now,
            actor_id=actor_id,
            action=action,
            subject_type="scheduling_link",
            subject_id=link.id,
            candidate_id=link.candidate_id,
            after={"stage": link.stage_key, "expires_at": link.expires_at.astimezone(UTC).isoformat()},
        )
        return int(event.id)

    def revoke(self, actor: Actor, link_id: int) -> None:
        """Revoke a link at once (revoking a revoked one changes nothing)."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            link = uow.links.get(link_id)
            if link is None or link.candidate.erased_at is not None:
                raise NotFound("That scheduling link no longer exists.")
            require_manager(actor, link.candidate.role, "revoke scheduling links for this role")
            if link.revoked_at is not None:
                return
            link.revoked_at, link.revoked_by = now, actor.user_id
            self._audit(uow, actor.user_id, "link.revoked", link, now)
            uow.commit()

    def listed(self, team_id: str, candidate_id: int) -> list[LinkView]:
        """The candidate's links, newest first, with their state now."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            links = uow.links.for_candidate(candidate_id)
            return [
                LinkView(
                    link_id=link.id,
                    stage_label=stage_name(link.candidate.role.plan, link.stage_key),
                    created_by=link.created_by,
                    created_at=link.created_at,
                    expires_at=link.expires_at,
                    state=state_of(link, now).value,
                    last_used_at=link.last_used_at,
                    emailed_at=link.emailed_at,
                )
                for link in links
            ]

    def candidate_of(self, actor: Actor, link_id: int) -> int:
        """The candidate a link of the actor's workspace is for (NotFound otherwise)."""
        with self.db.uow(actor.team_id) as uow:
            link = uow.links.get(link_id)
            if link is None:
                raise NotFound("That scheduling link no longer exists.")
            return link.candidate_id

    def open(self, token: str) -> OpenLink | None:
        """The link `token` opens, or None (wrong, expired or revoked token; candidate erased, no
        longer active or at another stage). Records when it was last used."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        now = self.clock.now()
        with self.db.uow("") as uow:
            link = uow.links.by_token_hash(token_hash(token))
            if link is None or link.revoked_at is not None or link.expires_at <= now:
                return None
            candidate = link.candidate
            if (
                candidate.erased_at is not None
                or candidate.status != "active"
                or candidate.stage_key != link.stage_key
            ):
                return None
            link.last_used_at = now
            opened = OpenLink(
                link_id=link.id,
                team_id=link.team_id,
                candidate_id=candidate.id,
                stage_key=link.stage_key,
                expires_at=link.expires_at,
                role_id=candidate.role_id,
                cancel_cutoff_hours=candidate.role.cancel_cutoff_hours,
            )
            uow.commit()
        return opened

    def allow_attempt(self, key: str, *, limit: int, per_seconds: int) -> bool:
        """Count one attempt under `key` (e.g. `token:<hash>`, `addr:<ip>`); False once more than
        `limit` were made in the current window of `per_seconds`. Counted in the database, so every
        replica shares the limit."""
        now = self.clock.now()
        if len(key) > 128:
            key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        with self.db.uow("") as uow:
            count = uow.links.count_attempt(key, now, now - timedelta(seconds=per_seconds))
            uow.links.prune_attempts(now - max(timedelta(seconds=per_seconds), timedelta(days=1)))
            uow.commit()
        return count <= limit

    def email_draft(self, issued: IssuedLink) -> EmailDraft | None:
        """The e-mail for a link just issued, or None without a mailer or a candidate e-mail."""
        if self.mailer is None or not issued.candidate_email:
            return None
        first = issued.candidate_name.split()[0] if issued.candidate_name.split() else issued.candidate_name
        body = (
            f"Hello {first},\n\n"
            f"Thank you for your interest in the {issued.role_title} role. Please choose the times of "
            f"your {issued.stage_label} interviews on this page:\n\n{issued.url}\n\n"
            "It shows the interviews, how long each takes and what to prepare. If none of the times "
            "suits you, tell us when you are available there instead.\n\n"
            f"The link is personal and works until {_local(issued.expires_at, issued.candidate_timezone)}.\n\n"
            f"Best regards,\nThe {issued.role_title} hiring team"
        )
        subject = f"Choose your interview times: {issued.role_title}"
        return EmailDraft(to=issued.candidate_email, subject=subject, body=body)

    def check_email(self, actor: Actor, link_id: int, *, url: str, subject: str, body: str) -> str:
        """The candidate's address if the e-mail may go out as written (checked before the modal
        closes): InvalidInput for a blank subject or a body without the link; Conflict without a
        mailer, an address, or when the link no longer works."""
        errors: dict[str, str] = {}
        if not subject.strip():
            errors[SUBJECT_BLOCK] = "Write a subject."
        elif len(subject) > 200 or "\n" in subject.strip() or "\r" in subject.strip():
            errors[SUBJECT_BLOCK] = "Keep the subject to one line of at most 200 characters."
        if url not in body:
            errors[BODY_BLOCK] = f"Keep the link in the message: {url}"
        if errors:
            raise InvalidInput(errors)
        if self.mailer is None:
            raise Conflict("E-mail is not set up (SMTP_HOST); copy the link instead.")
        return self._emailable(actor, link_id, url)

    def send_email(self, actor: Actor, link_id: int, *, url: str, subject: str, body: str) -> str:
        """E-mail the link's page `url` to the candidate with the (edited) subject and body and
        return the address (slow: call it after the ack). Raises what `check_email` raises, and
        MailError when the mail server failed (the link stays valid)."""
        to = self.check_email(actor, link_id, url=url, subject=subject, body=body)
        assert self.mailer is not None
        self.mailer.send(to, subject.strip(), body)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            link = uow.links.get(link_id)
            if link is not None:
                link.emailed_at = now
                self._audit(uow, actor.user_id, "link.emailed", link, now)
                uow.commit()
        return to

    def _emailable(self, actor: Actor, link_id: int, url: str) -> str:
        """The candidate's address, checking the actor, the link (active, and the one `url` opens)."""
        with self.db.uow(actor.team_id) as uow:
            link = uow.links.get(link_id)
            if link is None or link.candidate.erased_at is not None:
                raise NotFound("That scheduling link no longer exists.")
            require_manager(actor, link.candidate.role, WHAT)
            token = url.rsplit("/", 1)[-1]
            if url != self.url_for(token) or token_hash(token) != link.token_hash:
                raise Conflict("That is not this link's address; make a new link.")
            if state_of(link, self.clock.now()) in (LinkState.REVOKED, LinkState.EXPIRED):
                raise Conflict("That link no longer works; make a new one.")
            email = link.candidate.email
            if not email or not EMAIL.match(email):
                raise Conflict(f"{link.candidate.name} has no e-mail address on file.")
            return email

    def candidate_acted(self, link: OpenLink, what: CandidateAction) -> None:
        """Tell the hiring channel (in the candidate's thread), the recruiters and the hiring manager
        (DMs) what the candidate did, at once and exactly once each (a later tick retries a failed
        send, see `due`)."""
        now = self.clock.now()
        with self.db.uow(link.team_id) as uow:
            row = uow.links.get(link.link_id)
            if row is None:
                return
            live_candidate(uow, link.candidate_id)
            row.acted_at = now
            self._audit(uow, "candidate", f"link.{what.kind.value}", row, now)
            action = uow.links.add(
                LinkAction(
                    team_id=link.team_id,
                    link_id=row.id,
                    kind=what.kind.value,
                    times=[[iso(a), iso(b)] for a, b in what.times],
                    summary=what.summary,
                    note=what.note,
                    at=now,
                )
            )
            items = self._activity(uow, action)
            uow.commit()
        self.dispatcher.send_now(items)

    def due(self, now: datetime) -> list[Due]:
        """The outbox source: notices of what candidates did lately whose sends have not all gone
        out yet (the dispatcher skips the keys already sent)."""
        since = now - NOTICE_WINDOW
        with self.db.uow("") as uow:
            recent = uow.links.actions_since(since)
            done = all_sent(uow.booking.claims_since("link:", since - timedelta(hours=1)))
        return unsent_items(self.db, recent, done, self._recent_activity)

    def _recent_activity(self, uow: UnitOfWork, action_id: int) -> list[Due]:
        action = uow.links.action(action_id)
        if action is None or action.link.candidate.erased_at is not None:
            return []
        return self._activity(uow, action)

    def _activity(self, uow: UnitOfWork, action: LinkAction) -> list[Due]:
        """The channel's thread reply and the DMs to recruiters and the hiring manager, keyed
        `link:{action_id}:{recipient}`."""
        link = action.link
        candidate = link.candidate
        role = candidate.role
        times = tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in action.times)

        def content(tz: str, in_thread: bool) -> LinkActivity:
            return LinkActivity(
                kind=action.kind,
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                role_title=role.title,
                stage_name=stage_name(role.plan, link.stage_key),
                tz=tz,
                times=times,
                summary=action.summary,
                # What a candidate asks about accommodations is for the recruiters and the hiring
                # manager only: the channel's thread says that they asked, not what.
                note="" if in_thread and action.kind == ActionKind.ACCOMMODATIONS.value else action.note,
                in_thread=in_thread,
            )

        def due(to: str, tz: str, thread: str | None) -> Due:
            return Due(
                team_id=uow.team_id,
                key=f"link:{action.id}:{to}",
                kind=f"link-{action.kind}",
                to=to,
                content=content(tz, thread is not None),
                candidate_id=candidate.id,
                thread_ts=thread,
            )

        posted = [
            m
            for m in uow.messages.for_candidate(candidate.id)
            if m.kind == "candidate" and m.channel_id == role.channel_id
        ]
        thread = max(posted, key=lambda m: m.created_at).ts if posted else None
        items = [due(role.channel_id, role.timezone, thread)]
        for user_id in dict.fromkeys([*role.recruiter_ids, role.hiring_manager_id]):
            items.append(due(user_id, person_timezone(uow, self.directory, user_id, role.timezone), None))
        return items
