"""Two workspaces installed over OAuth whose data, jobs and messages never cross; uninstalls and
revoked tokens stop a workspace's jobs quietly (SQLite and PostgreSQL).

The fake Slack knows which workspace each user and channel belongs to (`FakeSlack.place`) and which
workspace each bot token was issued to: a call with one workspace's token naming another's people or
channels would be refused, and the tests also check every recorded call directly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.sandbox.fake_slack import Call
from bot.sandbox.harness import PEOPLE, Sandbox
from hiring.panels.panels import SeatChoice
from hiring.panels.pools import PoolInput
from hiring.permissions import Actor
from hiring.plans.schema import parse_plan
from storage.models import Interview, Notification, Panel, Role
from tests.factories import make_booked_panel, make_candidate, make_role
from tests.oauth_support import install
from tests.scheduling_support import SCHED_PLAN, click_option, enter_availability, open_options


@dataclass(frozen=True)
class Workspace:
    team_id: str
    manager: str
    recruiter: str
    interviewers: tuple[str, str]
    channel: str
    role: str
    candidate: str


ALPHA = Workspace(
    "T0LOOPBOT", "UHANA", "URITA", ("USAM", "UJONAS"), "CHIRING", "Backend Engineer", "Ada Lovelace"
)
BETA = Workspace("T0BETAWS", "UBEA", "URUTH", ("UBEN", "UBIA"), "CBETA", "Data Engineer", "Barbara Liskov")
BOTH = (ALPHA, BETA)
EXPECTED_KINDS = {
    "briefing",
    "scorecard_request",
    "digest",
    "nudge",
    "late_escalation",
    "loop-booked",
    "interview-booked",
}


@pytest.fixture
def two(database_url: str) -> Iterator[Sandbox]:
    """Loopbot in OAuth mode, installed into two workspaces with their own people and channels."""
    box = Sandbox(
        database_url,
        slack_bot_token=None,
        slack_client_id="1111.2222",
        slack_client_secret="oauth-client-secret",
    ).start()
    try:
        fake = box.fake
        for user_id, name in (("UBEA", "bea"), ("URUTH", "ruth"), ("UBEN", "ben"), ("UBIA", "bia")):
            fake.add_user(user_id, name, tz="Europe/London")
        fake.add_channel("CBETA", "hiring-data")
        fake.place(ALPHA.team_id, *(p.user_id for p in PEOPLE), "CHIRING", "CPLATFORM", "CNOBOT", "CGENERAL")
        fake.place(BETA.team_id, "UBEA", "URUTH", "UBEN", "UBIA", "CBETA")
        assert "Thank you" in install(box, ALPHA.team_id, "code-alpha")
        assert "Thank you" in install(box, BETA.team_id, "code-beta")
        yield box
    finally:
        box.stop()
    assert not box.fake.block_errors, box.fake.block_errors


def as_team(box: Sandbox, ws: Workspace) -> Sandbox:
    box.slack.team_id = ws.team_id
    return box


def open_role(box: Sandbox, ws: Workspace) -> Role:
    """The manager creates the role through the "New role" modal, in their own workspace."""
    box.app.services.plans.import_spec(ws.team_id, parse_plan(SCHED_PLAN))
    as_team(box, ws).command(ws.manager, "role")
    view = box.fake.last_view(ws.manager)
    assert view is not None
    options = next(b for b in view["blocks"] if b["block_id"] == "plan")["element"]["options"]
    plan = next(o["value"] for o in options if o["text"]["text"] == SCHED_PLAN["name"])
    reply = box.submit(
        ws.manager,
        {
            "title": ws.role,
            "channel": ws.channel,
            "hiring_manager": ws.manager,
            "plan": plan,
            "timezone": "Europe/London",
        },
    )
    assert reply.body == "", reply.body
    with box.app.db.uow(ws.team_id) as uow:
        role = uow.session.scalars(select(Role).where(Role.title == ws.role)).one()
        role.recruiters  # noqa: B018 (loaded while the session is open)
        return role


def book(box: Sandbox, ws: Workspace, role: Role) -> None:
    """A candidate on the role and her panel (the interviewers in the workspace's pool); the manager
    enters her availability for tomorrow, asks for options and books the first, all through Slack."""
    services, team = box.app.services, ws.team_id
    admin = Actor(team_id=team, user_id=ws.manager, is_admin=True)
    services.pools.save(admin, PoolInput(name="Engineers", kind="engineer", qualified=list(ws.interviewers)))
    email = ws.candidate.split()[0].lower() + "@example.com"
    candidate = make_candidate(box.app.db, box.clock, role, name=ws.candidate, email=email, stage_key="video")
    seats = {"coding": SeatChoice([ws.interviewers[0]]), "design": SeatChoice([ws.interviewers[1]])}
    assert services.panels.save(Actor(team_id=team, user_id=ws.manager), candidate.id, "video", seats)
    tomorrow = (box.clock.now() + timedelta(days=1)).date().isoformat()
    as_team(box, ws)
    enter_availability(box, [(tomorrow, "05:00", "12:00")], who=ws.manager, candidate=ws.candidate)
    view = open_options(box, who=ws.manager, candidate=ws.candidate)
    click_option(box, view, who=ws.manager)
    with box.app.db.uow(team) as uow:
        panel = uow.session.scalars(select(Panel).where(Panel.candidate_id == candidate.id)).one()
        assert panel.status == "booked"


def panels_span(box: Sandbox) -> tuple[datetime, datetime]:
    """When the first booked interview (of either workspace) starts and the last one ends."""
    with box.app.db.uow("") as uow:
        start, end = uow.session.execute(
            select(func.min(Interview.start_at), func.max(Interview.end_at))
        ).one()
    assert start is not None and end is not None
    return start, end


def removals(box: Sandbox, event: str) -> float | None:
    """`loopbot_workspaces_removed_total{event}` as /metrics shows it."""
    return box.app.metrics.registry.get_sample_value("loopbot_workspaces_removed_total", {"event": event})


def crossings(box: Sandbox, calls: list[Call]) -> list[str]:
    """Calls made with one workspace's token that name another workspace's people or channels."""
    wrong = []
    for call in calls:
        team = box.fake.team_of(call)
        for named in box.fake.named_in(call):
            owner = box.fake.owners.get(named)
            if team is not None and owner is not None and owner != team:
                wrong.append(f"{call.method} as {team} named {named} of {owner}")
    return wrong


def teams_called(box: Sandbox, calls: list[Call]) -> set[str | None]:
    return {
        box.fake.team_of(c) for c in calls if c.method not in ("oauth.v2.access", "response_url", "upload")
    }


def home_text(box: Sandbox, ws: Workspace, user_id: str) -> str:
    as_team(box, ws).event(
        {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id[1:], "tab": "home"}
    )
    return str(box.fake.home_tabs[user_id])


def run_both_workspaces(box: Sandbox) -> None:
    """Each workspace: a role (its modal), a candidate, a panel booked through Slack (its notices);
    digests, briefings, scorecard requests, nudges and escalations go out on the ticks, each with
    its own workspace's token to its own people and channel, naming only its own candidate."""
    for ws in BOTH:
        book(box, ws, open_role(box, ws))
    box.clock.set(box.clock.now().replace(hour=9, minute=5))
    box.tick()  # Monday's 09:00 digests
    start, end = panels_span(box)
    box.clock.set(start - timedelta(minutes=20))
    box.tick()  # briefings
    box.clock.set(end + timedelta(minutes=5))
    box.tick()  # scorecard requests
    box.advance(hours=24)
    box.tick()  # nudges, the manager's escalation, the next digests
    with box.app.db.uow("") as uow:
        sent = {
            (n.team_id, n.kind) for n in uow.session.scalars(select(Notification)) if n.sent_at is not None
        }
    for ws in BOTH:
        assert {kind for team, kind in sent if team == ws.team_id} >= EXPECTED_KINDS, sent
        other = BETA if ws is ALPHA else ALPHA
        seen = [*ws.interviewers, ws.manager]
        messages = [*box.fake.posts(ws.channel), *(m for user in seen for m in box.fake.dms(user))]
        assert all(box.fake.dms(user) for user in seen) and box.fake.posts(ws.channel)
        assert ws.candidate in str([(m.text, m.blocks) for m in messages])
        assert other.candidate not in str([(m.text, m.blocks) for m in messages])
    assert crossings(box, box.fake.calls) == []
    assert teams_called(box, box.fake.calls) == {ALPHA.team_id, BETA.team_id}


def test_two_workspaces_never_cross(two: Sandbox) -> None:
    box = two
    run_both_workspaces(box)
    for ws, other in ((ALPHA, BETA), (BETA, ALPHA)):
        as_team(box, ws).command(ws.manager, f"status {ws.candidate}")
        assert ws.candidate in box.last_reply(ws.manager)
        box.command(ws.manager, f"status {other.candidate}")
        assert box.last_reply(ws.manager).startswith("No candidate called")
        home = home_text(box, ws, ws.interviewers[0])
        assert ws.candidate in home and other.candidate not in home
        home = home_text(box, ws, ws.manager)
        assert other.candidate not in home and other.role not in home
    assert crossings(box, box.fake.calls) == []


@pytest.mark.parametrize(
    "event",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOTLOOP"]}}],
    ids=["app_uninstalled", "tokens_revoked"],
)
def test_a_removed_workspace_stops_quietly_and_the_other_goes_on(
    two: Sandbox, event: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    box = two
    run_both_workspaces(box)
    store = box.app.clients.installations
    assert store is not None

    box.fake.uninstall(ALPHA.team_id)  # Slack revokes the tokens, then tells the app
    reply = as_team(box, ALPHA).event(event)
    assert reply.status == 200
    assert store.find_bot(enterprise_id=None, team_id=ALPHA.team_id) is None
    assert store.find_bot(enterprise_id=None, team_id=BETA.team_id) is not None
    assert box.app.services.workspaces.removed_teams() == {ALPHA.team_id}
    assert removals(box, str(event["type"])) == 1
    as_team(box, ALPHA).event(event)  # Slack sends it again (a retry, a second event): no harm
    assert removals(box, str(event["type"])) == 1

    # More becomes due in both over the next day and a half: nudges, the next day's digests.
    seen = len(box.fake.calls)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            report = box.tick()
            assert report.failed == 0 and report.errors == 0
            box.advance(hours=12)
    after = box.fake.calls[seen:]
    assert teams_called(box, after) == {BETA.team_id}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert crossings(box, after) == []
    assert any(c.method == "chat.postMessage" and c.params.get("channel") == BETA.channel for c in after)
    with box.app.db.uow("") as uow:  # Alpha's data stay
        assert (
            uow.session.scalar(select(func.count()).select_from(Panel).where(Panel.team_id == ALPHA.team_id))
            == 1
        )

    # An admin installs Loopbot again: Alpha's jobs resume with its new token.
    assert "Thank you" in install(box, ALPHA.team_id, "code-alpha-again")
    assert box.app.services.workspaces.removed_teams() == frozenset()
    seen = len(box.fake.calls)
    box.advance(hours=12)
    box.tick()
    assert ALPHA.team_id in teams_called(box, box.fake.calls[seen:])
    assert crossings(box, box.fake.calls) == []


def test_only_peoples_tokens_revoked_changes_nothing(two: Sandbox) -> None:
    box = two
    reply = as_team(box, BETA).event({"type": "tokens_revoked", "tokens": {"oauth": ["UBEA"], "bot": []}})
    assert reply.status == 200
    assert box.app.services.workspaces.removed_teams() == frozenset()
    store = box.app.clients.installations
    assert store is not None and store.find_bot(enterprise_id=None, team_id=BETA.team_id) is not None


def test_single_workspace_mode_uninstall_stops_the_jobs(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """With `SLACK_BOT_TOKEN` there is no installation store: the event is acked and logged, and the
    workspace's jobs stop (Slack has already invalidated the token)."""
    role = make_role(sandbox.app.db, sandbox.clock)
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role)
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=sandbox.clock.now() + timedelta(minutes=20),
        interviewers=["USAM"],
    )
    sandbox.fake.uninstall(sandbox.fake.team_id)
    with caplog.at_level(logging.INFO):
        reply = sandbox.event({"type": "app_uninstalled"})
        assert reply.status == 200
        seen = len(sandbox.fake.calls)
        report = sandbox.tick()
    assert report.sent == 0 and report.failed == 0 and report.claimed == 0
    assert sandbox.fake.calls[seen:] == []
    assert any("app_uninstalled" in r.getMessage() for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_refused_token_pauses_the_workspace_quietly(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack answers `account_inactive` without any event: that workspace's sends wait (one warning),
    no attempt is spent, and they go out once Slack accepts the token again."""
    role = make_role(sandbox.app.db, sandbox.clock)
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role)
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=sandbox.clock.now() - timedelta(hours=3),
        interviewers=["USAM", "UJONAS"],
    )
    sandbox.fake.fail("chat.postMessage", "account_inactive", times=100)
    with caplog.at_level(logging.WARNING):
        first = sandbox.tick()
        sandbox.advance(minutes=16)
        second = sandbox.tick()
    assert first.sent == first.failed == 0 and first.deferred >= 2
    assert second.sent == second.failed == 0 and second.deferred >= 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "account_inactive" in warnings[0], warnings
    assert len(sandbox.fake.calls_to("chat.postMessage")) == 2  # one try a tick, the rest wait
    sandbox.fake.faults.clear()
    sandbox.advance(minutes=16)
    third = sandbox.tick()
    assert third.sent >= 2 and third.failed == 0
    assert sandbox.fake.dms("USAM") and sandbox.fake.dms("UJONAS")


def test_retention_still_erases_in_a_removed_workspace_without_calling_slack(sandbox: Sandbox) -> None:
    """The retention sweep keeps its promise for a removed workspace's data, and leaves its Slack
    messages alone (Slack would refuse every update)."""
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role, name="Old Rejected")
    sandbox.app.services.candidates.announce(role.team_id, candidate.id, "URITA")
    with db.uow(role.team_id) as uow:
        row = uow.candidates.get(candidate.id)
        assert row is not None
        row.status, row.status_changed_at = "rejected", clock.now() - timedelta(days=40)
        uow.commit()
    sandbox.fake.uninstall(role.team_id)
    assert sandbox.event({"type": "app_uninstalled"}).status == 200
    seen = len(sandbox.fake.calls)
    done = sandbox.app.services.privacy.retention_sweep(30)
    assert [e.candidate_id for e in done] == [candidate.id]
    assert done[0].messages_updated == 0 and "no longer installed" in done[0].problems[0]
    assert sandbox.fake.calls[seen:] == []
    with db.uow(role.team_id) as uow:
        erased = uow.candidates.get(candidate.id)
        assert erased is not None and erased.name == f"Erased candidate #{candidate.id}"


def test_a_request_from_a_removed_workspace_means_it_is_installed_again(sandbox: Sandbox) -> None:
    """Slack sends a workspace's requests only while the app is installed there."""
    assert sandbox.event({"type": "app_uninstalled"}).status == 200
    assert sandbox.app.services.workspaces.removed_teams() == {sandbox.fake.team_id}
    sandbox.slack.open_home("UHANA")
    sandbox.idle()
    assert sandbox.app.services.workspaces.removed_teams() == frozenset()
    assert "UHANA" in sandbox.fake.home_tabs
