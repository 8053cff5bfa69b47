"""Accommodations with two audiences (issue 13.5): the interviewers' ones (briefings, an
interviewer's status) and private ones for the hiring manager and recruiters only, entered together
in the candidate modal, each shown only to its audience: the candidate modal, `status`, briefings
(tests/integration/test_briefings.py), the channel (never the private ones, nor a candidate's own
request: tests/integration/test_links_service.py), erasure (tests/integration/test_privacy.py).
Through the real HTTP endpoint on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from storage.models import Candidate
from tests.factories import TEAM, make_booked_panel
from tests.loops import setup_loop

PUBLIC = "Needs captions on video calls"
PRIVATE = "Recovering from surgery: <b>no</b> stairs & short sessions"


def ephemeral_text(sandbox: Sandbox, user_id: str) -> str:
    message = sandbox.fake.ephemerals(user_id)[-1]
    return str(message.blocks)


def stored(sandbox: Sandbox, candidate_id: int) -> tuple[str, str]:
    with sandbox.app.db.uow(TEAM) as uow:
        c = uow.session.get(Candidate, candidate_id)
        assert c is not None
        return c.accommodations, c.private_accommodations


def by_id(view: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert view is not None
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def test_both_are_entered_in_the_candidate_modal_and_shown_again_there(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox)
    sandbox.command("URITA", "candidate Grace Hopper")
    fields = by_id(sandbox.fake.last_view("URITA"))
    assert "share" not in fields  # no more "shareable" checkbox: two fields, two audiences
    assert fields["accommodations"]["label"]["text"] == "Accommodations for interviewers"
    assert "hiring manager and recruiters" in fields["private_accommodations"]["hint"]["text"]
    reply = sandbox.submit("URITA", {"accommodations": PUBLIC, "private_accommodations": PRIVATE})
    assert reply.status == 200 and reply.body == ""
    assert stored(sandbox, candidate.id) == (PUBLIC, PRIVATE)
    sandbox.command("UHANA", "candidate Grace Hopper")
    again = by_id(sandbox.fake.last_view("UHANA"))
    assert again["accommodations"]["element"]["initial_value"] == PUBLIC
    assert again["private_accommodations"]["element"]["initial_value"] == PRIVATE
    assert "surgery" not in str([p.blocks for p in sandbox.fake.posts(HIRING_CHANNEL)])
    too_long = sandbox.submit("UHANA", {"private_accommodations": "x" * 3001})
    assert too_long.status == 200 and "private_accommodations" in (too_long.json() or {}).get("errors", {})


def test_status_shows_each_to_its_audience(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox)
    with sandbox.app.db.uow(TEAM) as uow:
        c = uow.session.get(Candidate, candidate.id)
        assert c is not None
        c.accommodations, c.private_accommodations = PUBLIC, PRIVATE
        uow.commit()
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=sandbox.clock.now(),
        interviewers={"coding": ["USAM", "UPRIYA"], "design": ["UJONAS", "ULEE"], "manager": ["UHANA"]},
    )
    for manager in ("UHANA", "URITA", "UADMIN"):
        sandbox.command(manager, "status Grace Hopper")
        text = ephemeral_text(sandbox, manager)
        assert PUBLIC in text and "*Private accommodations* (hiring manager and recruiters only)" in text
        assert "&lt;b&gt;no&lt;/b&gt; stairs &amp; short sessions" in text
    sandbox.command("USAM", "status Grace Hopper")
    interviewer = ephemeral_text(sandbox, "USAM")
    assert PUBLIC in interviewer and "surgery" not in interviewer and "Private" not in interviewer


def test_app_home_and_channel_never_show_private_accommodations(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox)
    sandbox.command("URITA", "candidate Grace Hopper")
    sandbox.submit("URITA", {"accommodations": PUBLIC, "private_accommodations": PRIVATE})
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=sandbox.clock.now(),
        interviewers={"coding": ["USAM", "UPRIYA"], "design": ["UJONAS", "ULEE"], "manager": ["UHANA"]},
    )
    for who in ("UHANA", "URITA", "USAM"):
        assert sandbox.slack.open_home(who).status == 200
        sandbox.idle()
        assert "surgery" not in str(sandbox.fake.home_tabs[who]["blocks"])
    assert "surgery" not in str([(p.text, p.blocks) for p in sandbox.fake.posts(HIRING_CHANNEL)])
