"""One table over every command that names a candidate or a role × every kind of user: who may act,
who is refused, and that a refused person learns nothing private and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.sandbox.harness import START, Sandbox
from storage.models import AuditEvent, Candidate
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role, make_scorecard

SECRET = "SECRET-EVIDENCE-42"
NOTES = "SECRET-NOTES-42"
OTHER_TEAM = "T0ELSEWHERE"
REFUSED = re.compile(
    r"Only |may not|No candidate called|No open role called|isn't yours|not on the panel|only "
)

USERS = {
    "outsider": "UOTTO",
    "interviewer": "USAM",
    "shadow": "UMIA",
    "hiring_manager": "UHANA",
    "recruiter": "URITA",
    "admin": "UADMIN",
    "other_workspace": "UHANA",  # the same person, from a workspace that has none of this data
}

# Who may act (open the modal, see the details, or get the full answer); everyone else is refused.
ALLOWED = {
    "candidate Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "panel Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "availability Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "schedule Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "reschedule Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "cancel Grace Hopper": {"hiring_manager", "recruiter", "admin"},
    "decide Grace Hopper": {"hiring_manager", "admin"},
    "forget Grace Hopper": {"recruiter", "admin"},
    "audit Grace Hopper": {"admin"},
    "role Senior Backend Engineer": {"hiring_manager", "recruiter", "admin"},
    "calibration Senior Backend Engineer": {"hiring_manager", "recruiter", "admin"},
    "status Grace Hopper": {"hiring_manager", "recruiter", "admin", "interviewer", "shadow"},
    "feedback Grace Hopper": {"hiring_manager", "recruiter", "admin", "interviewer", "shadow"},
}


@pytest.fixture
def world(sandbox: Sandbox) -> Sandbox:
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role)
    with db.uow(TEAM) as uow:
        stored = uow.candidates.get(candidate.id)
        assert stored is not None
        stored.notes = NOTES
        uow.commit()
    future = make_booked_panel(
        db,
        clock,
        candidate,
        start=START + timedelta(days=3),
        interviewers=["USAM"],
        shadows={"phone-screen": ["UMIA"]},
    )
    make_scorecard(
        db, clock, future.interviews[0], "USAM", ratings={}, evidence=f"{SECRET} clear reasoning " * 3
    )
    return sandbox


def audit_count(box: Sandbox) -> int:
    with box.app.db.uow(TEAM) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def seen_by(box: Sandbox, user: str, since_messages: int, since_views: int) -> tuple[str, str]:
    """(everything the user was shown, the fallback texts of the messages alone)."""
    dm = "D" + user[1:]
    messages = [m for m in box.fake.messages[since_messages:] if m.user == user or m.channel == dm]
    owned = [vid for vid in list(box.fake.views)[since_views:] if box.fake.view_owner.get(vid) == user]
    shown = (
        " ".join(m.text + str(m.blocks) for m in messages)
        + " "
        + " ".join(str(box.fake.views[v]) for v in owned)
    )
    return shown, " ".join(m.text for m in messages)


@pytest.mark.parametrize("command", sorted(ALLOWED))
def test_permission_matrix(world: Sandbox, command: str) -> None:
    box = world
    for kind, user in USERS.items():
        box.slack.team_id = OTHER_TEAM if kind == "other_workspace" else TEAM
        before_audit = audit_count(box)
        n_messages, n_views = len(box.fake.messages), len(box.fake.views)
        reply = box.command(user, command)
        assert reply.status == 200
        shown, texts = seen_by(box, user, n_messages, n_views)
        assert shown.strip(), f"{kind} got no answer to /interview {command}"
        assert "Something went wrong" not in shown
        allowed = kind in ALLOWED[command]
        opened = len(box.fake.views) > n_views
        if not allowed:
            assert not opened, f"{kind} opened a modal with /interview {command}"
            assert SECRET not in shown and NOTES not in shown, (
                f"{kind} saw private data via /interview {command}"
            )
            read_actions = {"scorecard.viewed", "audit.viewed"}
            with box.app.db.uow(TEAM) as uow:
                new = [e.action for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))][
                    before_audit:
                ]
            assert not [a for a in new if a not in read_actions], f"{kind} changed something: {new}"
            assert REFUSED.search(texts), f"{kind} got no refusal for /interview {command}: {texts[:300]}"
        else:
            assert opened or not REFUSED.search(texts), (
                f"{kind} was refused /interview {command}: {texts[:300]}"
            )
        if kind in ("interviewer", "shadow", "outsider", "other_workspace"):
            assert NOTES not in shown
    box.slack.team_id = TEAM
    with box.app.db.uow(TEAM) as uow:
        assert uow.session.scalar(select(Candidate.name)) == "Grace Hopper"
