"""Pivot (centralized hiring): the candidate, their scorecards and history move to another open role,
whose hiring channel and hiring manager are told."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import Sandbox
from storage.models import Panel, Scorecard
from tests.debrief_support import (
    audit_actions,
    button,
    candidate_now,
    debriefed_loop,
    decisions_of,
    make_platform_role,
    reports_of,
)
from tests.factories import TEAM, make_role
from tests.helpers import assert_escaped


def text_of(message: Posted) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def open_pivot(sandbox: Sandbox, user: str, debrief: Posted) -> None:
    element = button(debrief, "decision_pivot")
    assert element is not None
    sandbox.click(user, "decision_pivot", str(element["value"]), message=debrief, block_id="decision")


def test_pivot_moves_the_candidate_with_scorecards_and_history(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox, stage="onsite")
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UHANA", debrief)
    reply = sandbox.submit(
        "UHANA", {"role": str(platform.id), "note": "Loves operations; better fit for platform."}
    )
    assert reply.status == 200 and reply.body == ""

    candidate = candidate_now(db, loop.candidate.id)
    # the platform plan also has an "onsite" stage: the candidate keeps it
    assert (candidate.role_id, candidate.stage_key, candidate.status) == (platform.id, "onsite", "active")
    (decision,) = decisions_of(db, loop.candidate.id)
    assert (decision.outcome, decision.role_id, decision.target_role_id, decision.stage_key) == (
        "pivot",
        loop.role.id,
        platform.id,
        "onsite",
    )
    assert decision.note == "Loves operations; better fit for platform."
    assert audit_actions(db, loop.candidate.id) == [("decision.pivot", "UHANA"), ("report.drafted", "UHANA")]
    with db.uow(TEAM) as uow:
        cards = list(
            uow.session.scalars(select(Scorecard).where(Scorecard.candidate_id == loop.candidate.id))
        )
        panels = list(uow.session.scalars(select(Panel).where(Panel.candidate_id == loop.candidate.id)))
    assert len(cards) == 4 and len(panels) == 1  # nothing is lost or copied

    # the old channel's debrief says where the candidate went
    assert "*Pivoted to Platform Engineer* after the On-site" in text_of(debrief)
    assert not any(b["type"] == "actions" for b in debrief.blocks)
    # the other role's channel gets the candidate, their scorecards and history
    (arrival,) = sandbox.fake.posts("CPLATFORM")
    body = text_of(arrival)
    assert "Pivoted to Platform Engineer: Grace Hopper" in body
    assert "<@UHANA> moved *Grace Hopper* from *Senior Backend Engineer* to *Platform Engineer*" in body
    assert "They continue at *Platform on-site*" in body and "Hiring manager: <@UDORA>" in body
    assert "> Loves operations; better fit for platform." in body
    assert "*Scorecards so far*" in body and "<@USAM>" in body and "<@ULEE>" in body
    assert "*History*" in body and "On-site (Senior Backend Engineer): pivot by <@UHANA>" in body
    assert f"/interview decide #{loop.candidate.id}" in body
    # and its hiring manager a DM
    (notice,) = sandbox.fake.dms("UDORA")
    assert (
        "pivoted *Grace Hopper* from *Senior Backend Engineer* to your role *Platform Engineer*"
        in text_of(notice)
    )
    assert "<#CPLATFORM>" in text_of(notice)
    # the recruiter of the role decided on gets the report
    (report,) = reports_of(db, loop.candidate.id)
    assert "closer fit for our Platform Engineer role" in report.body
    assert len(sandbox.fake.dms("URITA")) == 1


def test_stage_resets_when_the_other_plan_has_no_such_stage(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox, stage="screen")
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UADMIN", debrief)
    sandbox.submit("UADMIN", {"role": str(platform.id)})
    candidate = candidate_now(db, loop.candidate.id)
    assert (candidate.role_id, candidate.stage_key) == (platform.id, "intro")
    assert "They continue at *Intro call*" in text_of(sandbox.fake.posts("CPLATFORM")[0])


def test_the_new_hiring_manager_decides_from_now_on(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox, stage="screen")
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UHANA", debrief)
    sandbox.submit("UHANA", {"role": str(platform.id)})
    sandbox.command("UHANA", "decide Grace Hopper")
    assert (
        sandbox.last_reply("UHANA") == "Only the hiring manager (<@UDORA>) or a workspace admin may decide."
    )
    sandbox.command("UDORA", "decide Grace Hopper")
    prompt = sandbox.fake.ephemerals("UDORA")[-1]
    assert "Decide: Grace Hopper — Intro call" in text_of(prompt)
    element = button(prompt, "decision_advance")
    assert element is not None and str(element["value"]).startswith(
        f"{loop.candidate.id}:{platform.id}:intro:"
    )
    sandbox.click("UDORA", "decision_advance", str(element["value"]), message=prompt)
    assert candidate_now(db, loop.candidate.id).stage_key == "onsite"
    assert [d.outcome for d in decisions_of(db, loop.candidate.id)] == ["pivot", "advance"]
    # the old debrief's stale buttons are refused
    stale = sandbox.fake.posts("CHIRING")[0].history[0]
    value = next(e["value"] for b in stale["blocks"] if b["type"] == "actions" for e in b["elements"])
    sandbox.click("UHANA", "decision_reject", value, message=sandbox.fake.posts("CHIRING")[0])
    assert "Only the hiring manager (<@UDORA>)" in sandbox.last_reply("UHANA")


def test_pivot_needs_another_open_role(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    open_pivot(sandbox, "UHANA", debrief)
    assert "no other open role" in sandbox.last_reply("UHANA")
    assert sandbox.fake.last_view("UHANA") is None
    assert decisions_of(db, loop.candidate.id) == []


def test_a_closed_or_unchosen_role_is_an_error_in_the_modal(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox)
    platform = make_platform_role(db, clock)
    other = make_role(db, clock, title="Data Engineer", channel="CPLATFORM", recruiters=())
    open_pivot(sandbox, "UHANA", debrief)
    with db.uow(TEAM) as uow:
        stored = uow.roles.get(other.id)
        assert stored is not None
        stored.status = "closed"
        uow.commit()
    reply = sandbox.submit("UHANA", {"role": str(other.id)})
    assert reply.json()["errors"] == {"role": "Choose an open role."}
    assert decisions_of(db, loop.candidate.id) == []
    reply = sandbox.submit("UHANA", {"role": str(platform.id)})
    assert reply.body == ""
    assert [d.target_role_id for d in decisions_of(db, loop.candidate.id)] == [platform.id]


def test_a_doubled_pivot_submission_pivots_once(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox)
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UHANA", debrief)
    view = sandbox.fake.last_view("UHANA")
    sandbox.submit("UHANA", {"role": str(platform.id)}, view=view)
    second = sandbox.submit("UHANA", {"role": str(platform.id)}, view=view)
    assert second.status == 200
    assert len(decisions_of(db, loop.candidate.id)) == 1
    assert len(sandbox.fake.posts("CPLATFORM")) == 1 and len(sandbox.fake.dms("UDORA")) == 1


def test_an_outsider_cannot_submit_a_pivot(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox)
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UHANA", debrief)
    view = sandbox.fake.last_view("UHANA")
    reply = sandbox.submit("UOTTO", {"role": str(platform.id)}, view=view)  # a forged submission
    assert "Only the hiring manager" in reply.json()["errors"]["role"]
    assert decisions_of(db, loop.candidate.id) == []


def test_pivot_note_is_escaped(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    _, debrief = debriefed_loop(sandbox)
    platform = make_platform_role(db, clock)
    open_pivot(sandbox, "UHANA", debrief)
    sandbox.submit("UHANA", {"role": str(platform.id), "note": "<!channel> *now* <@UOTTO>"})
    for message in (sandbox.fake.posts("CPLATFORM")[0], sandbox.fake.dms("UDORA")[0], debrief):
        for hostile in ("<!channel>", "*now*", "<@UOTTO>"):
            assert_escaped(hostile, message.blocks, message.text)
        assert "&lt;!channel&gt; ∗now∗ &lt;@UOTTO&gt;" in text_of(message)
