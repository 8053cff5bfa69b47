"""Candidates: add, edit, find (with close-match suggestions) and summarise."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime

from hiring.clock import Clock
from hiring.errors import InvalidInput, NotFound
from hiring.permissions import Actor, manages, require_manager
from hiring.plans.plans import spec_of
from hiring.ports import Notifier, record_sent
from hiring.roles.messages import CandidateAdded
from hiring.roles.roles import RoleView, role_view
from hiring.text import EMAIL, close_matches, esc, timezone_hint, valid_timezone
from storage.models import Candidate, Role
from storage.uow import Database, UnitOfWork

PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]+((ext\.?|x) ?[0-9]{1,6})?$", re.IGNORECASE)


def phone_problem(phone: str) -> str | None:
    """Why a phone number can't be dialled as written, or None when it looks right (7 to 15
    digits, with spaces, dots, dashes, brackets, a leading + and an optional extension)."""
    number = phone.strip()
    if not number:
        return None
    main = re.split(r"(?i)\s*(ext\.?|x)\s*", number)[0]
    digits = sum(ch.isdigit() for ch in main)
    if len(number) > 40 or not PHONE_CHARS.match(number) or not 7 <= digits <= 15:
        return f"“{number[:40]}” is not a phone number; write it as you'd dial it, e.g. +44 20 7946 0000."
    return None


def live_candidate(uow: UnitOfWork, candidate_id: int, *, lock: bool = False) -> Candidate:
    """The candidate, unless they do not exist or their data was erased (NotFound)."""
    candidate = uow.candidates.get(candidate_id, lock=lock)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound("That candidate no longer exists.")
    return candidate


def add_accommodations(
    uow: UnitOfWork, candidate_id: int, text: str, *, for_interviewers: bool, now: datetime
) -> None:
    """Add what the candidate asked for to the accommodations of its audience: their interviewers
    (and the hiring team), or the hiring manager and recruiters only. What was there stays; the
    caller commits."""
    candidate = live_candidate(uow, candidate_id, lock=True)
    field = "accommodations" if for_interviewers else "private_accommodations"
    before = getattr(candidate, field)
    if text not in before:
        setattr(candidate, field, f"{before}\n{text}" if before else text)
    candidate.updated_at = now


@dataclass
class CandidateInput:
    """What the candidate modal collects (block ids are the field names)."""

    name: str
    email: str
    role_id: int | None
    timezone: str
    accommodations: str = ""  # for interviewers (their briefings)
    private_accommodations: str = ""  # for the hiring manager and recruiters only
    links: str = ""
    notes: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CandidateView:
    """A candidate as commands that name them and the candidate modal need them."""

    id: int
    name: str
    email: str | None
    role_id: int
    stage_key: str
    timezone: str
    accommodations: str
    private_accommodations: str
    links: str
    notes: str
    phone: str = ""


def candidate_view(c: Candidate) -> CandidateView:
    """The candidate as plain data."""
    return CandidateView(**{f.name: getattr(c, f.name) for f in fields(CandidateView)})


def candidate_snapshot(c: Candidate) -> dict[str, object]:
    """Audited fields (personal text is summarised, not copied, so erasure leaves no trace in audit)."""
    return {
        "role_id": c.role_id,
        "stage": c.stage_key,
        "status": c.status,
        "timezone": c.timezone,
        "has_email": bool(c.email),
        "has_phone": bool(c.phone),
        "has_accommodations": bool(c.accommodations),
        "has_private_accommodations": bool(c.private_accommodations),
    }


def _fill(candidate: Candidate, role: Role, data: CandidateInput, now: datetime) -> None:
    """Copy the modal's fields (trimmed) and the role onto the candidate."""
    candidate.role = role
    candidate.name = data.name.strip()
    candidate.email = data.email.strip() or None
    candidate.phone = " ".join(data.phone.split())
    candidate.timezone = data.timezone
    candidate.accommodations = data.accommodations.strip()
    candidate.private_accommodations = data.private_accommodations.strip()
    candidate.links = data.links.strip()
    candidate.notes = data.notes.strip()
    candidate.updated_at = now


class CandidateService:
    """Creates, edits and finds candidates; only the role's managers may change them."""

    def __init__(self, db: Database, clock: Clock, notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier

    def validate(self, data: CandidateInput) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not data.name.strip():
            errors["name"] = "Enter the candidate's name."
        elif len(data.name.strip()) > 200:
            errors["name"] = "Keep the name under 200 characters."
        if data.email.strip() and not EMAIL.match(data.email.strip()):
            errors["email"] = f"“{data.email.strip()[:80]}” is not an email address, e.g. ada@example.com."
        phone = phone_problem(data.phone)
        if phone:
            errors["phone"] = phone
        if data.role_id is None:
            errors["role"] = "Choose the role."
        if not valid_timezone(data.timezone):
            errors["timezone"] = timezone_hint(data.timezone)
        for field in ("accommodations", "private_accommodations", "links", "notes"):
            if len(getattr(data, field)) > 3000:
                errors[field] = "Keep this under 3000 characters."
        return errors

    def save(
        self,
        actor: Actor,
        data: CandidateInput,
        *,
        candidate_id: int | None = None,
        request_key: str | None = None,
    ) -> CandidateView | None:
        """Create (or edit) a candidate. None when `request_key` was already handled."""
        errors = self.validate(data)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            role = uow.roles.get(data.role_id) if data.role_id is not None else None
            if data.role_id is not None and (role is None or role.status != "open"):
                errors["role"] = "That role is not open; choose another."
            if errors:
                raise InvalidInput(errors)
            assert role is not None
            require_manager(actor, role, "add or change candidates for this role")
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            if candidate_id is None:
                candidate = Candidate(
                    team_id=actor.team_id,
                    role_id=role.id,
                    stage_key=spec_of(role.plan).stages[0].key,
                    status="active",
                    status_changed_at=now,
                    created_by=actor.user_id,
                    created_at=now,
                    updated_at=now,
                )
                before = None
            else:
                candidate = live_candidate(uow, candidate_id)
                require_manager(actor, candidate.role, "change this candidate")
                before = candidate_snapshot(candidate)
                if candidate.role_id != role.id:
                    candidate.stage_key = spec_of(role.plan).stages[0].key
                candidate.role_id = role.id
            _fill(candidate, role, data, now)
            uow.candidates.add(candidate)
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="candidate.created" if before is None else "candidate.updated",
                subject_type="candidate",
                subject_id=candidate.id,
                candidate_id=candidate.id,
                before=before,
                after=candidate_snapshot(candidate),
            )
            uow.commit()
            return candidate_view(candidate)

    def announce(self, team_id: str, candidate_id: int, added_by: str) -> None:
        """Tell the hiring channel a candidate was added (name, role, stage; nothing private)."""
        with self.db.uow(team_id) as uow:
            c = uow.candidates.get(candidate_id)
            if c is None or c.erased_at is not None:
                return
            content = CandidateAdded(
                candidate_id=c.id,
                candidate_name=c.name,
                role_title=c.role.title,
                stage_name=spec_of(c.role.plan).stage(c.stage_key).name,
                added_by=added_by,
            )
            channel = c.role.channel_id
        sent = self.notifier.send(team_id, channel, content)
        record_sent(self.db, team_id, sent, "candidate", candidate_id, self.clock.now())

    def find(
        self, team_id: str, query: str, *, suggest_from: Callable[[Candidate], bool] | None = None
    ) -> CandidateView:
        """The candidate called `query` (or `#id`), or NotFound suggesting close names (only of
        candidates for which `suggest_from` is true, when given: never hint names someone may not see)."""
        return candidate_view(self._find(team_id, query, suggest_from))

    def editable(self, actor: Actor, query: str) -> CandidateView:
        """The candidate called `query`, if the actor may edit them (else PermissionDenied)."""
        candidate = self._find(actor.team_id, query, None)
        require_manager(actor, candidate.role, "edit this candidate")
        return candidate_view(candidate)

    def _find(self, team_id: str, query: str, suggest_from: Callable[[Candidate], bool] | None) -> Candidate:
        query = query.strip().strip("“”\"'")
        if not query:
            raise NotFound("Name the candidate, e.g. `/interview status Ada Lovelace`.")
        with self.db.uow(team_id) as uow:
            if query.lstrip("#").isdecimal() and len(query.lstrip("#")) <= 9:
                found = uow.candidates.get(int(query.lstrip("#")))
                if found is not None and found.erased_at is None:
                    return found
            candidates = uow.candidates.all()
        exact = [c for c in candidates if c.name.lower() == query.lower()]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            ids = ", ".join(f"`#{c.id}` ({esc(c.role.title)})" for c in exact)
            raise NotFound(f"Several candidates are called “{esc(query)}”: {ids}. Use the number.")
        visible = [c for c in candidates if suggest_from is None or suggest_from(c)]
        close = close_matches(query, [c.name for c in visible])
        hint = f" Did you mean {', '.join(f'“{esc(c)}”' for c in close)}?" if close else ""
        raise NotFound(f"No candidate called “{esc(query)}”.{hint}")

    def active_counts(self, team_id: str) -> dict[int, int]:
        """Active candidates per role id."""
        with self.db.uow(team_id) as uow:
            return uow.candidates.active_counts()

    def roles_for(self, actor: Actor) -> list[RoleView]:
        """Open roles the actor may add candidates to."""
        with self.db.uow(actor.team_id) as uow:
            return [role_view(r) for r in uow.roles.all() if manages(actor, r)]
