"""Panels: who interviews a candidate in each interview of a stage, ready for booking.

`draft` proposes interviewers by fair rotation (or the saved panel's), `save` validates and stores
the panel, its interviews and seats in one transaction, `announce` posts the summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hiring.clock import Clock
from hiring.errors import Conflict, ExternalServiceError, InvalidInput, NotFound
from hiring.panels.pools import RUNS_INTERVIEWS, Membership, PoolService, a_kind, kind_label
from hiring.people.people import PeopleService
from hiring.permissions import Actor, require_manager
from hiring.plans.plans import spec_of
from hiring.plans.schema import InterviewSpec, StageSpec
from hiring.plans.sittings import others_of, repeat_sitters
from hiring.ports import Notifier, record_sent
from hiring.roles.candidates import live_candidate
from hiring.roles.messages import PanelInterviewLine, PanelSummary
from storage.models import Candidate, Interview, Panel, Seat
from storage.uow import Database, UnitOfWork

WHAT = "build panels for this role"


@dataclass
class SeatChoice:
    """The people chosen for one interview: exactly N interviewers and an optional shadow."""

    interviewer_ids: list[str] = field(default_factory=list)
    shadow_id: str | None = None


@dataclass(frozen=True)
class InterviewDraft:
    """One interview of the stage with the proposed (or saved) interviewers."""

    key: str
    name: str
    duration_minutes: int
    mode: str
    count: int
    kind: str
    qualified: int
    interviewer_ids: list[str]
    shadow_allowed: bool
    shadow_id: str | None


@dataclass(frozen=True)
class PanelDraft:
    """What the panel modal shows for one candidate and stage."""

    candidate_id: int
    candidate_name: str
    role_title: str
    stage_key: str
    stage_name: str
    stages: list[tuple[str, str]]
    interviews: list[InterviewDraft]
    saved: bool
    editable: bool
    previous_stage: str | None = None  # the nearest earlier stage with a panel (copy from it)
    others: list[tuple[int, str]] = field(
        default_factory=list
    )  # the role's candidates with this stage's panel
    pools: list[str] = field(default_factory=list)  # the pool kinds this stage's interviews draw on
    filled: str = ""  # what the people were filled from, when not the saved panel or rotation


@dataclass(frozen=True)
class SavedPanel:
    panel_id: int
    updated: bool
    announce: bool = True


PREVIOUS = "previous"


@dataclass
class _Fill:
    """Where a draft's people come from: by interview key, from a list of people, or one pool's
    interviews by rotation."""

    by_key: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)
    pool: str | None = None
    note: str = ""


def _seats(panel: Panel | None) -> dict[str, tuple[list[str], str | None]]:
    """`{interview_key: (interviewers, shadow)}` of a panel."""
    if panel is None:
        return {}
    return {
        iv.interview_key: (
            [s.user_id for s in iv.seats if s.kind == "interviewer"],
            next((s.user_id for s in iv.seats if s.kind == "shadow"), None),
        )
        for iv in panel.interviews
    }


def _previous_panel(
    uow: UnitOfWork, candidate: Candidate, stage_keys: list[str], stage_key: str
) -> tuple[str, Panel] | None:
    """The candidate's panel of the nearest earlier stage (in plan order) that has one."""
    earlier = stage_keys[: stage_keys.index(stage_key)] if stage_key in stage_keys else []
    for key in reversed(earlier):
        panel = uow.panels.current(candidate.id, key)
        if panel is not None and panel.interviews:
            return key, panel
    return None


def _fill_from(
    uow: UnitOfWork,
    source: str | None,
    candidate: Candidate,
    saved: dict[str, tuple[list[str], str | None]],
    previous: tuple[str, Panel] | None,
    stages: Sequence[StageSpec],
    stage_key: str,
) -> _Fill:
    """What `source` (see `PanelService.draft`) fills the draft with; the saved panel by default."""
    names = {s.key: s.name for s in stages}
    if source == PREVIOUS:
        if previous is None:
            raise NotFound("No earlier stage of this candidate has a panel to copy.")
        seats = _seats(previous[1])
        people = list(dict.fromkeys(u for ids, _ in seats.values() for u in ids))
        return _Fill(
            by_key=seats, people=people, note=f"Copied from the {names.get(previous[0], previous[0])} panel."
        )
    if source and source.startswith("candidate:"):
        other_id = source.partition(":")[2]
        other = uow.candidates.get(int(other_id)) if other_id.isdigit() and len(other_id) < 12 else None
        panel = uow.panels.current(other.id, stage_key) if other else None
        if (
            other is None
            or other.erased_at is not None
            or other.role_id != candidate.role_id
            or panel is None
        ):
            raise NotFound("That candidate has no panel for this stage to copy.")
        return _Fill(by_key=_seats(panel), note=f"Copied from {other.name}'s panel.")
    if source and source.startswith("pool:"):
        kind = source.partition(":")[2]
        return _Fill(
            by_key=saved, pool=kind, note=f"Filled the {kind_label(kind)} interviews by fair rotation."
        )
    return _Fill(by_key=saved)


def panel_snapshot(panel: Panel) -> dict[str, object]:
    """The audited state of a panel: its stage, status and who sits where."""
    return {
        "stage": panel.stage_key,
        "status": panel.status,
        "interviews": {
            iv.interview_key: {
                "interviewers": [s.user_id for s in iv.seats if s.kind == "interviewer"],
                "shadows": [s.user_id for s in iv.seats if s.kind == "shadow"],
            }
            for iv in panel.interviews
        },
    }


def changeable(panel: Panel) -> bool:
    """A panel can be re-staffed here until booking starts."""
    return (
        panel.status == "ready"
        and panel.booked_at is None
        and all(iv.status == "planned" for iv in panel.interviews)
    )


def _stage_to_staff(candidate: Candidate, stage_key: str) -> StageSpec:
    """The plan's stage to build a panel for; the candidate must be active and the stage have interviews."""
    if candidate.status != "active":
        raise Conflict(f"This candidate is {candidate.status}; panels are built only for active candidates.")
    spec = spec_of(candidate.role.plan)
    try:
        stage = spec.stage(stage_key)
    except KeyError:
        raise InvalidInput({"stage": "That stage is not in the role's plan any more."}) from None
    if not stage.interviews:
        raise InvalidInput({"stage": f"{stage.name} has no interviews to staff."})
    return stage


def _audit_change(
    uow: UnitOfWork, actor: Actor, panel: Panel, before: dict[str, object] | None, now: datetime
) -> bool:
    """Audit the panel's creation or update and touch `updated_at`, if it changed; return whether it did."""
    after = panel_snapshot(panel)
    changed = before != after
    if changed:
        panel.updated_at = now
        uow.audit.record(
            at=now,
            actor_id=actor.user_id,
            action="panel.created" if before is None else "panel.updated",
            subject_type="panel",
            subject_id=panel.id,
            candidate_id=panel.candidate_id,
            before=before,
            after=after,
        )
    return changed


class PanelService:
    """Drafts and saves panels; only the role's hiring manager, recruiters or an admin may."""

    def __init__(
        self, db: Database, clock: Clock, pools: PoolService, people: PeopleService, notifier: Notifier
    ) -> None:
        self.db = db
        self.clock = clock
        self.pools = pools
        self.names = people
        self.notifier = notifier

    def draft(
        self, actor: Actor, candidate_id: int, stage_key: str | None = None, source: str | None = None
    ) -> PanelDraft:
        """The panel modal's content for a stage (default: the candidate's current stage): the saved
        panel's people when there is one, else rotation's suggestion per interview. `source` fills it
        instead: `previous` (the panel of the nearest earlier stage that has one: same interviews
        copied, other seats from its people when qualified), `candidate:<id>` (another candidate
        of the role, same stage) or `pool:<kind>` (that pool's interviews by fair rotation)."""
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            spec = spec_of(candidate.role.plan)
            try:
                stage = spec.stage(stage_key or candidate.stage_key)
            except KeyError:
                raise NotFound("That stage is not in the role's plan any more.") from None
            panel = uow.panels.current(candidate.id, stage.key)
            previous = _previous_panel(uow, candidate, [s.key for s in spec.stages], stage.key)
            others = [
                (p.candidate_id, p.candidate.name)
                for p in uow.panels.of_role_stage(candidate.role_id, stage.key)
                if p.candidate_id != candidate.id and p.interviews
            ]
            fill = _fill_from(uow, source, candidate, _seats(panel), previous, spec.stages, stage.key)
            interviews = self._drafts(uow, stage, fill)
            return PanelDraft(
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                role_title=candidate.role.title,
                stage_key=stage.key,
                stage_name=stage.name,
                stages=[(s.key, s.name) for s in spec.stages],
                interviews=interviews,
                saved=panel is not None,
                editable=panel is None or changeable(panel),
                previous_stage=previous[0] if previous else None,
                others=others,
                pools=list(dict.fromkeys(iv.pool for iv in stage.interviews)),
                filled=fill.note,
            )

    def _drafts(self, uow: UnitOfWork, stage: StageSpec, fill: _Fill) -> list[InterviewDraft]:
        """Each interview's people: copied (per `fill`) or suggested by rotation, never anyone who
        sits another part of the loop (`hiring.plans.sittings`)."""
        used: set[str] = set()  # people already in this loop: others are preferred
        seated: dict[str, list[str]] = {}  # interview key -> interviewers drafted so far
        picks: list[str] = []  # this draft's picks so far, counted as load
        interviews = []
        for iv in stage.interviews:
            suggestion = self.pools.suggest_in(uow, iv.pool, iv.interviewers, exclude=used, pending=picks)
            chosen, shadow = self._copied(uow, iv, fill, used, others_of(stage, iv.key, seated))
            if chosen is None or len(chosen) < iv.interviewers:  # rotation suggests (the rest)
                more = self._suggest(uow, stage, iv, seated, suggestion.interviewer_ids, picks)
                chosen = [*(chosen or []), *(u for u in more if u not in (chosen or []))][: iv.interviewers]
                shadow = suggestion.shadow_id if shadow is None else shadow
            if shadow in chosen:
                shadow = None
            seated[iv.key] = chosen
            used.update(chosen)
            picks.extend(chosen)
            if shadow:
                used.add(shadow)
                picks.append(shadow)
            interviews.append(
                InterviewDraft(
                    key=iv.key,
                    name=iv.name,
                    duration_minutes=iv.duration_minutes,
                    mode=iv.mode,
                    count=iv.interviewers,
                    kind=iv.pool,
                    qualified=suggestion.qualified,
                    interviewer_ids=chosen,
                    shadow_allowed=iv.shadow_allowed,
                    shadow_id=shadow if iv.shadow_allowed else None,
                )
            )
        return interviews

    def _copied(
        self, uow: UnitOfWork, iv: InterviewSpec, fill: _Fill, used: set[str], barred: set[str]
    ) -> tuple[list[str] | None, str | None]:
        """The people `fill` gives one interview (None: rotation's), and its shadow; people copied
        from another stage's panel only if they may sit this interview too (not `barred`)."""
        if fill.pool == iv.pool:
            return None, None
        if iv.key in fill.by_key:
            ids, shadow = fill.by_key[iv.key]
            return list(ids), shadow
        if not fill.people:
            return None, None
        members = self.pools.memberships(uow, iv.pool)
        qualified = [
            u for u in fill.people if u in members and members[u].level in RUNS_INTERVIEWS and u not in barred
        ]
        qualified.sort(key=lambda u: u in used)  # people not yet in this loop first (stable)
        return qualified[: iv.interviewers], None

    def _suggest(
        self,
        uow: UnitOfWork,
        stage: StageSpec,
        iv: InterviewSpec,
        seated: Mapping[str, list[str]],
        rotation: list[str],
        picks: list[str],
    ) -> list[str]:
        """Interviewers to suggest for `iv`: the people of its session drafted so far (one panel runs
        a session), then rotation's picks, never anyone who sits another part of the loop
        (`hiring.plans.sittings`); fewer than asked when the pool has too few such people."""
        barred = others_of(stage, iv.key, seated)
        members = self.pools.memberships(uow, iv.pool)
        session = [u for u in dict.fromkeys(p for ps in seated.values() for p in ps) if u not in barred]
        chosen = [u for u in session if u in members and members[u].level in RUNS_INTERVIEWS]
        chosen += [u for u in rotation if u not in barred and u not in chosen]
        if len(chosen) < iv.interviewers:
            more = self.pools.suggest_in(
                uow, iv.pool, iv.interviewers - len(chosen), exclude=[*chosen, *barred], pending=picks
            )
            chosen += [u for u in more.interviewer_ids if u not in chosen]
        return chosen[: iv.interviewers]

    def validate(
        self, uow: UnitOfWork, stage: StageSpec, choices: Mapping[str, SeatChoice]
    ) -> dict[str, str]:
        """Errors by modal block id (`iv:<key>`, `sh:<key>`): N interviewers per interview, each a
        qualified or reverse-shadow pool member of the interview's kind; a shadow who is not also
        an interviewer there."""
        errors: dict[str, str] = {}
        members: dict[str, dict[str, Membership]] = {}
        for iv in stage.interviews:
            pool = members.setdefault(iv.pool, self.pools.memberships(uow, iv.pool))
            choice = choices.get(iv.key) or SeatChoice()
            ids = list(dict.fromkeys(choice.interviewer_ids))
            if len(ids) != iv.interviewers:
                chose = f" (you chose {len(ids)})" if ids else ""
                errors[f"iv:{iv.key}"] = (
                    f"Choose {iv.interviewers} interviewer{'s' if iv.interviewers != 1 else ''} for {iv.name}{chose}."
                )
            else:
                outside = [u for u in ids if u not in pool or pool[u].level not in RUNS_INTERVIEWS]
                if outside:
                    errors[f"iv:{iv.key}"] = self._not_members(uow, outside, iv)
            shadow = choice.shadow_id
            if shadow:
                if not iv.shadow_allowed:
                    errors[f"sh:{iv.key}"] = f"{iv.name} takes no shadow."
                elif shadow in ids:
                    who = self.names.names_in(uow, [shadow])[shadow]
                    errors[f"sh:{iv.key}"] = (
                        f"{who} already interviews in {iv.name}; choose a different shadow or none."
                    )
                elif shadow not in pool:
                    who = self.names.names_in(uow, [shadow])[shadow]
                    errors[f"sh:{iv.key}"] = (
                        f"{who} is not in {a_kind(iv.pool)} pool; add them as a shadow with "
                        "/interview pool first."
                    )
        self._sittings_errors(uow, stage, choices, errors)
        return errors

    def _sittings_errors(
        self, uow: UnitOfWork, stage: StageSpec, choices: Mapping[str, SeatChoice], errors: dict[str, str]
    ) -> None:
        """Add an error next to each interview where someone also sits another part of the loop
        (only a session of the plan lets one panel run several interviews)."""
        seats = {k: list(c.interviewer_ids) for k, c in choices.items()}
        names = {iv.key: iv.name for iv in stage.interviews}
        for key, people in repeat_sitters(stage, seats).items():
            if f"iv:{key}" in errors:
                continue
            who = self.names.names_in(uow, list(people))
            parts = "; ".join(f"{who[u]} already sits {names[other]}" for u, other in people.items())
            errors[f"iv:{key}"] = (
                f"{parts}. A person sits one interview per loop unless the plan runs those interviews "
                "in one session; choose someone else."
            )

    def _not_members(self, uow: UnitOfWork, user_ids: list[str], iv: InterviewSpec) -> str:
        names = self.names.names_in(uow, user_ids)
        who = ", ".join(names[u] for u in user_ids)
        verb = (
            "is not a qualified or reverse-shadow member"
            if len(user_ids) == 1
            else "are not qualified or reverse-shadow members"
        )
        return (
            f"{who} {verb} of {a_kind(iv.pool)} pool, so can't run {iv.name}. Choose someone else, "
            "or add them with /interview pool."
        )

    def save(
        self,
        actor: Actor,
        candidate_id: int,
        stage_key: str,
        choices: Mapping[str, SeatChoice],
        *,
        request_key: str | None = None,
    ) -> SavedPanel | None:
        """Validate and save the stage's panel (its interviews "planned", seats per choice) in one
        transaction with an audit event. Re-saving an unbooked panel replaces its seats; a booked
        one is refused. None when `request_key` was already handled."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id, lock=True)
            require_manager(actor, candidate.role, WHAT)
            stage = _stage_to_staff(candidate, stage_key)
            panel = uow.panels.current(candidate.id, stage.key)
            if panel is not None and not changeable(panel):
                raise Conflict(
                    f"The {stage.name} panel is already booked — use `/interview reschedule` to change it."
                )
            errors = self.validate(uow, stage, choices)
            if errors:
                raise InvalidInput(errors)
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            before = panel_snapshot(panel) if panel is not None else None
            last_change = panel.updated_at if panel is not None else None
            if panel is None:
                panel = Panel(
                    team_id=actor.team_id,
                    candidate_id=candidate.id,
                    stage_key=stage.key,
                    status="ready",
                    created_by=actor.user_id,
                    created_at=now,
                    updated_at=now,
                )
            self._staff(uow, panel, stage, choices)
            uow.panels.add(panel)
            changed = _audit_change(uow, actor, panel, before, now)
            # Unchanged: post the summary again only if the last one never made it to the channel.
            announce = (
                changed
                or last_change is None
                or not uow.messages.posted_since(candidate.id, "panel", last_change)
            )
            uow.commit()
            return SavedPanel(panel_id=panel.id, updated=before is not None, announce=announce)

    def _staff(
        self, uow: UnitOfWork, panel: Panel, stage: StageSpec, choices: Mapping[str, SeatChoice]
    ) -> None:
        """Make the panel's interviews match the plan's stage and their seats match the choices
        (seats of people who stay are kept, so nothing is deleted and re-added)."""
        by_key = {iv.interview_key: iv for iv in panel.interviews}
        wanted_keys = {iv.key for iv in stage.interviews}
        for key, dropped in by_key.items():
            if key not in wanted_keys:
                panel.interviews.remove(dropped)
        pools = {iv.pool: self.pools.memberships(uow, iv.pool) for iv in stage.interviews}
        for position, spec in enumerate(stage.interviews):
            interview = by_key.get(spec.key)
            if interview is None:
                interview = Interview(team_id=panel.team_id, interview_key=spec.key, status="planned")
                panel.interviews.append(interview)
            interview.title = spec.name
            interview.focus = spec.focus
            interview.duration_minutes = spec.duration_minutes
            interview.mode = spec.mode
            interview.position = position
            choice = choices.get(spec.key) or SeatChoice()
            wanted = {u: "interviewer" for u in dict.fromkeys(choice.interviewer_ids)}
            if choice.shadow_id and spec.shadow_allowed:
                wanted.setdefault(choice.shadow_id, "shadow")
            seats = {s.user_id: s for s in interview.seats}
            for user_id, leaving in seats.items():
                if user_id not in wanted:
                    interview.seats.remove(leaving)
            for user_id, kind in wanted.items():
                seat = seats.get(user_id)
                if seat is None:
                    seat = Seat(team_id=panel.team_id, user_id=user_id)
                    interview.seats.append(seat)
                seat.kind = kind
                membership = pools[spec.pool].get(user_id)
                seat.pool_id = membership.pool_id if membership else None
        panel.interviews.sort(key=lambda iv: iv.position)

    def announce(self, team_id: str, panel_id: int, *, by: str, updated: bool = False) -> None:
        """Post the panel's summary (who, what, how long; never scores) to the role's hiring channel;
        `by` saved (or changed) it."""
        with self.db.uow(team_id) as uow:
            panel = uow.panels.get(panel_id)
            if panel is None or panel.candidate.erased_at is not None:
                return
            candidate = panel.candidate
            content = PanelSummary(
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                role_title=candidate.role.title,
                stage_name=spec_of(candidate.role.plan).stage_name(panel.stage_key),
                created_by=by,
                interviews=[
                    PanelInterviewLine(
                        title=iv.title,
                        duration_minutes=iv.duration_minutes,
                        mode=iv.mode,
                        interviewer_ids=[s.user_id for s in iv.seats if s.kind == "interviewer"],
                        shadow_ids=[s.user_id for s in iv.seats if s.kind == "shadow"],
                    )
                    for iv in panel.interviews
                ],
                updated=updated,
            )
            channel = candidate.role.channel_id
        try:
            sent = self.notifier.send(team_id, channel, content)
        except ExternalServiceError as err:
            raise ExternalServiceError(
                f"The panel is saved, but its summary could not be posted to <#{channel}>: {err.message} "
                "Once that is fixed, save the panel again (unchanged) to post it."
            ) from err
        record_sent(self.db, team_id, sent, "panel", content.candidate_id, self.clock.now())
