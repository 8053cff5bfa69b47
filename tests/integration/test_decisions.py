"""Every decision button for the hiring manager, a recruiter, an outsider and an admin; double clicks,
stale messages, holds, the last stage, and `/interview decide`."""

from __future__ import annotations

import json

import pytest

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import Sandbox
from tests.debrief_support import (
    audit_actions,
    button,
    candidate_now,
    debriefed_loop,
    decisions_of,
    make_loop,
    make_platform_role,
    reports_of,
    score,
)
from tests.factories import make_candidate

REFUSAL = "Only the hiring manager (<@UHANA>) or a workspace admin may decide."


def text_of(message: Posted) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def press(sandbox: Sandbox, user: str, action_id: str, message: Posted) -> None:
    element = button(message, action_id)
    assert element is not None, f"no {action_id} button"
    sandbox.click(user, action_id, str(element["value"]), message=message, block_id="decision")


def refused_for_others(sandbox: Sandbox, action_id: str, message: Posted, candidate_id: int) -> None:
    """A recruiter and an outsider pressing the button get an ephemeral refusal; nothing changes."""
    before = candidate_now(sandbox.app.db, candidate_id)
    for user in ("URITA", "UOTTO"):
        press(sandbox, user, action_id, message)
        replies = sandbox.fake.ephemerals(user)
        assert replies and replies[-1].text == REFUSAL and replies[-1].channel == "CHIRING"
        assert sandbox.fake.last_view(user) is None
    after = candidate_now(sandbox.app.db, candidate_id)
    assert (after.stage_key, after.status, after.role_id) == (before.stage_key, before.status, before.role_id)
    assert decisions_of(sandbox.app.db, candidate_id) == []
    assert not message.history, "the debrief was not touched"


OUTCOMES = [
    ("decision_advance", "screen", "advance", ("onsite", "active"), "Advanced to On-site"),
    ("decision_reject", "screen", "reject", ("screen", "rejected"), "Rejected"),
    ("decision_hold", "screen", "hold", ("screen", "on_hold"), "Put on hold"),
    ("decision_offer", "final", "offer", ("final", "offer"), "Offer approved"),
]


@pytest.mark.parametrize("decider", ["UHANA", "UADMIN"])
@pytest.mark.parametrize(("action_id", "stage", "outcome", "state", "shown"), OUTCOMES)
def test_decision_buttons(
    sandbox: Sandbox,
    decider: str,
    action_id: str,
    stage: str,
    outcome: str,
    state: tuple[str, str],
    shown: str,
) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox, stage=stage)
    refused_for_others(sandbox, action_id, debrief, loop.candidate.id)

    press(sandbox, decider, action_id, debrief)
    candidate = candidate_now(db, loop.candidate.id)
    assert (candidate.stage_key, candidate.status) == state
    (decision,) = decisions_of(db, loop.candidate.id)
    assert (decision.outcome, decision.stage_key, decision.decided_by, decision.role_id) == (
        outcome,
        stage,
        decider,
        loop.role.id,
    )
    assert decision.decided_at == sandbox.clock.now()
    assert audit_actions(db, loop.candidate.id) == [
        (f"decision.{outcome}", decider),
        ("report.drafted", decider),
    ]
    # the debrief now says who decided what and when
    assert len(debrief.history) == 1
    body = text_of(debrief)
    assert f"*{shown}* after the" in body and f"<@{decider}>" in body and "Mon 23 Nov 11:00" in body
    if outcome == "hold":
        assert button(debrief, "decision_hold") is None
        assert (
            button(debrief, "decision_advance") is not None and button(debrief, "decision_reject") is not None
        )
    else:
        assert not any(b["type"] == "actions" for b in debrief.blocks)
    # the recruiter has the drafted report
    (report,) = reports_of(db, loop.candidate.id)
    assert report.decision_id == decision.id and report.status == "draft"
    (dm,) = sandbox.fake.dms("URITA")
    assert "Feedback report for Grace Hopper" in dm.text
    # the decider pressed the debrief itself: no extra confirmation
    assert not [m for m in sandbox.fake.ephemerals(decider) if "Recorded" in m.text]


@pytest.mark.parametrize("decider", ["UHANA", "UADMIN"])
def test_pivot_button_opens_the_modal_only_for_deciders(sandbox: Sandbox, decider: str) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop, debrief = debriefed_loop(sandbox)
    platform = make_platform_role(db, clock)
    refused_for_others(sandbox, "decision_pivot", debrief, loop.candidate.id)
    press(sandbox, decider, "decision_pivot", debrief)
    view = sandbox.fake.last_view(decider)
    assert view is not None and view["callback_id"] == "pivot_modal"
    options = next(b for b in view["blocks"] if b.get("block_id") == "role")["element"]["options"]
    assert [o["value"] for o in options] == [str(platform.id)]  # never the candidate's own role
    assert json.loads(view["private_metadata"]) == {
        "candidate_id": loop.candidate.id,
        "role_id": loop.role.id,
        "stage_key": "screen",
    }
    assert decisions_of(db, loop.candidate.id) == []  # nothing is decided until the modal is submitted


def test_a_double_click_records_one_decision(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    value = str(button(debrief, "decision_reject")["value"])  # type: ignore[index]
    first = sandbox.slack.click("UHANA", "decision_reject", value, message=debrief)
    second = sandbox.slack.click("UHANA", "decision_reject", value, message=debrief)
    sandbox.idle()
    assert first.status == second.status == 200
    assert [d.outcome for d in decisions_of(db, loop.candidate.id)] == ["reject"]
    assert len(reports_of(db, loop.candidate.id)) == 1
    assert len(sandbox.fake.dms("URITA")) == 1


def test_a_click_on_a_stale_debrief_is_refused(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    stale = Posted(channel=debrief.channel, ts=debrief.ts, text=debrief.text, blocks=list(debrief.blocks))
    press(sandbox, "UHANA", "decision_advance", debrief)
    press(sandbox, "UHANA", "decision_reject", stale)
    assert sandbox.last_reply("UHANA").startswith("Already decided: advanced by <@UHANA> on Mon 23 Nov 11:00")
    assert [d.outcome for d in decisions_of(db, loop.candidate.id)] == ["advance"]
    assert candidate_now(db, loop.candidate.id).status == "active"


def test_hold_then_a_later_decision(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    press(sandbox, "UHANA", "decision_hold", debrief)
    sandbox.advance(days=2)
    press(sandbox, "UHANA", "decision_advance", debrief)
    assert [d.outcome for d in decisions_of(db, loop.candidate.id)] == ["hold", "advance"]
    candidate = candidate_now(db, loop.candidate.id)
    assert (candidate.stage_key, candidate.status) == ("onsite", "active")
    assert "*Advanced to On-site* after the Technical screen" in text_of(debrief)
    assert "Put on hold" not in text_of(debrief)
    assert len(reports_of(db, loop.candidate.id)) == 2
    assert len(sandbox.fake.dms("URITA")) == 2


def test_the_last_stage_offers_an_offer_and_refuses_advance(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox, stage="final")
    assert button(debrief, "decision_advance") is None
    offer = button(debrief, "decision_offer")
    assert offer is not None and offer.get("confirm")
    sandbox.click("UHANA", "decision_advance", str(offer["value"]), message=debrief)  # a forged advance
    assert "last stage of the plan" in sandbox.last_reply("UHANA")
    assert decisions_of(db, loop.candidate.id) == []


def test_an_offer_before_the_last_stage_is_refused(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    value = str(button(debrief, "decision_advance")["value"])  # type: ignore[index]
    sandbox.click("UHANA", "decision_offer", value, message=debrief)
    assert "An offer comes after the last stage" in sandbox.last_reply("UHANA")
    assert decisions_of(db, loop.candidate.id) == []


def test_decide_command_offers_the_same_decisions(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    sandbox.command("URITA", "decide Grace Hopper")
    assert sandbox.last_reply("URITA") == REFUSAL
    sandbox.command("UHANA", "decide grace hoper")
    assert "Did you mean “Grace Hopper”" in sandbox.last_reply("UHANA")
    sandbox.command("UHANA", "decide Grace Hopper")
    prompt = sandbox.fake.ephemerals("UHANA")[-1]
    body = text_of(prompt)
    assert "Decide: Grace Hopper — Technical screen" in body and "2 of 2 scorecards in" in body
    assert button(prompt, "decision_advance") is not None
    press(sandbox, "UHANA", "decision_advance", prompt)
    confirmation = sandbox.fake.ephemerals("UHANA")[-1]
    assert confirmation.text.startswith(":white_check_mark: Recorded: Grace Hopper advances to *On-site*")
    assert "*Advanced to On-site*" in text_of(debrief)  # the channel's debrief is updated as well
    assert [d.outcome for d in decisions_of(db, loop.candidate.id)] == ["advance"]
    sandbox.command("UHANA", "decide Grace Hopper")
    follow = text_of(sandbox.fake.ephemerals("UHANA")[-1])
    assert "Decide: Grace Hopper — On-site" in follow and "no interviews at this stage" in follow


def test_decide_without_interviews_at_the_stage(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    other = make_candidate(db, clock, loop.role, name="Alan Turing", stage_key="onsite")
    sandbox.command("UADMIN", "decide Alan Turing")
    prompt = sandbox.fake.ephemerals("UADMIN")[-1]
    assert "no interviews at this stage" in text_of(prompt)
    press(sandbox, "UADMIN", "decision_hold", prompt)
    assert candidate_now(db, other.id).status == "on_hold"
    sandbox.command("UADMIN", "decide Alan Turing")
    again = sandbox.fake.ephemerals("UADMIN")[-1]
    assert "*Put on hold* after the On-site" in text_of(again) and button(again, "decision_hold") is None


def test_a_decider_who_owes_a_scorecard_does_not_see_the_others(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock, interviewers=("UHANA", "USAM"))
    sandbox.advance(hours=2)
    score(
        db,
        clock,
        loop.interviews[0],
        "USAM",
        {"technical_depth": 1},
        "strong_no",
        evidence="Weak on caching.",
    )
    sandbox.command("UHANA", "decide Grace Hopper")
    body = text_of(sandbox.fake.ephemerals("UHANA")[-1])
    assert "You still owe a scorecard" in body
    assert "Weak on caching" not in body and "USAM" not in body and "Strong no" not in body
    sandbox.command("UADMIN", "decide Grace Hopper")
    admin_view = text_of(sandbox.fake.ephemerals("UADMIN")[-1])
    assert "Weak on caching" in admin_view and "1 scorecard missing: <@UHANA>" in admin_view


def test_decide_on_a_candidate_already_out_of_process_shows_the_decision(sandbox: Sandbox) -> None:
    _, debrief = debriefed_loop(sandbox)
    press(sandbox, "UHANA", "decision_reject", debrief)
    sandbox.command("UHANA", "decide Grace Hopper")
    prompt = sandbox.fake.ephemerals("UHANA")[-1]
    body = text_of(prompt)
    assert "*Rejected* after the Technical screen by <@UHANA>" in body
    assert not any(b["type"] == "actions" for b in prompt.blocks)
