"""Candidate feedback reports: DM'd to the recruiters on every decision, editable in a modal, markable
as sent, and listed while unsent."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent
from tests.debrief_support import button, debriefed_loop, make_loop, reports_of, score, tick
from tests.factories import TEAM, make_candidate


def text_of(message: Posted) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def decide(
    sandbox: Sandbox, debrief: Posted, action_id: str = "decision_reject", user: str = "UHANA"
) -> None:
    element = button(debrief, action_id)
    assert element is not None
    sandbox.click(user, action_id, str(element["value"]), message=debrief, block_id="decision")


def report_dm(sandbox: Sandbox, user: str = "URITA") -> Posted:
    dms = [m for m in sandbox.fake.dms(user) if m.text.startswith("Feedback report")]
    assert dms, f"{user} has no report"
    return dms[-1]


def test_rejection_drafts_a_report_without_names_or_scores(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    sandbox.advance(hours=2)
    interview = loop.interviews[0]
    score(
        db,
        clock,
        interview,
        "USAM",
        {"technical_depth": 4, "communication": 1},
        "no",
        evidence="Grace explained the cache invalidation trade-offs in real depth. "
        "Sam Smith would rate communication a 1. She rambled and did not listen to the questions.",
    )
    score(
        db,
        clock,
        interview,
        "ULEE",
        {"technical_depth": 3, "communication": 2},
        "no",
        evidence="Lee here: I pushed hard on locking. Explained the queue design with clear trade-offs.",
    )
    tick(sandbox)
    (debrief,) = [m for m in sandbox.fake.posts("CHIRING") if m.text.startswith("Debrief")]
    decide(sandbox, debrief)
    (report,) = reports_of(db, loop.candidate.id)
    body = report.body
    assert body.startswith("Hi Grace,")
    assert "not to move forward with your application" in body
    assert (
        "• Technical depth: this came through clearly. You explained the cache invalidation trade-offs"
        in body
    )
    assert "You explained the queue design with clear trade-offs." in body
    assert "• Communication: we would have liked to see more here." in body
    assert "You rambled and did not listen to the questions." in body
    for name in ("Sam", "Smith", "Lee", "Chen", "USAM", "ULEE"):
        assert name not in body
    assert not re.search(r"\d", body)
    dm = report_dm(sandbox)
    shown = text_of(dm)
    assert "Feedback report: Grace Hopper" in shown and "rejected by <@UHANA>" in shown
    assert "You explained the queue design" in shown
    assert button(dm, "report_edit") is not None and button(dm, "report_sent") is not None
    assert button(dm, "report_sent")["value"] == str(report.id)  # type: ignore[index]


def test_every_decision_drafts_a_report_and_without_recruiters_the_hiring_manager_gets_it(
    sandbox: Sandbox,
) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox, recruiters=())
    decide(sandbox, debrief, "decision_advance")
    (report,) = reports_of(db, loop.candidate.id)
    assert "invite you to the next stage of the process (On-site)" in report.body
    dm = report_dm(sandbox, "UHANA")
    assert "advanced by <@UHANA>" in text_of(dm)
    assert sandbox.fake.dms("URITA") == []


def test_edit_in_a_modal_updates_every_recruiters_dm(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox, recruiters=("URITA", "UMIA"))
    decide(sandbox, debrief)
    rita, mia = report_dm(sandbox, "URITA"), report_dm(sandbox, "UMIA")
    (report,) = reports_of(db, loop.candidate.id)
    sandbox.click("URITA", "report_edit", str(report.id), message=rita, block_id="report")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == "report_modal"
    field = next(b for b in view["blocks"] if b.get("block_id") == "body")
    assert field["element"]["initial_value"] == report.body
    reply = sandbox.submit("URITA", {"body": "   "})
    assert reply.json()["errors"] == {"body": "The report cannot be empty."}
    reply = sandbox.submit("URITA", {"body": "Hi Grace,\n\nThank you — <b>bold</b> & more."})
    assert reply.body == ""
    (saved,) = reports_of(db, loop.candidate.id)
    assert saved.body == "Hi Grace,\n\nThank you — <b>bold</b> & more." and saved.status == "draft"
    for message in (rita, mia):
        assert len(message.history) == 1
        assert "Thank you — &lt;b&gt;bold&lt;/b&gt; &amp; more." in text_of(message)
    with db.uow(TEAM) as uow:
        actions = [
            (e.action, e.actor_id)
            for e in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.subject_type == "feedback_report")
            )
        ]
    assert actions == [("report.drafted", "UHANA"), ("report.edited", "URITA")]


def test_mark_as_sent_updates_the_dms_and_stops_edits(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    services = sandbox.app.services
    loop, debrief = debriefed_loop(sandbox, recruiters=("URITA", "UMIA"))
    decide(sandbox, debrief)
    (report,) = reports_of(db, loop.candidate.id)
    assert [u.report_id for u in services.reports.unsent(TEAM)] == [report.id]
    assert [u.report_id for u in services.reports.unsent(TEAM, role_id=loop.role.id)] == [report.id]
    rita, mia = report_dm(sandbox, "URITA"), report_dm(sandbox, "UMIA")
    sandbox.advance(hours=5)
    sandbox.click("UMIA", "report_sent", str(report.id), message=mia, block_id="report")
    (sent,) = reports_of(db, loop.candidate.id)
    assert (sent.status, sent.sent_by, sent.sent_at) == ("sent", "UMIA", sandbox.clock.now())
    for message in (rita, mia):
        body = text_of(message)
        assert "Marked sent by <@UMIA>" in body and "Mon 23 Nov 16:00" in body
        assert button(message, "report_edit") is None and button(message, "report_sent") is None
    assert services.reports.unsent(TEAM) == []
    # a stale Edit button on an old copy is refused
    stale = Posted(channel=rita.channel, ts=rita.ts, text=rita.text, blocks=rita.history[0]["blocks"])
    sandbox.click("URITA", "report_edit", str(report.id), message=stale, block_id="report")
    assert sandbox.fake.last_view("URITA") is None
    assert "already marked sent by <@UMIA>" in sandbox.fake.dms("URITA")[-1].text
    with db.uow(TEAM) as uow:
        events = [
            e.action
            for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.sent"))
        ]
    assert events == ["report.sent"]


def test_only_the_roles_managers_may_edit_or_send(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    decide(sandbox, debrief)
    (report,) = reports_of(db, loop.candidate.id)
    dm = report_dm(sandbox)
    for action in ("report_edit", "report_sent"):
        sandbox.click("UOTTO", action, str(report.id), message=dm, block_id="report")
        assert (
            "Only the hiring manager (<@UHANA>), the role's recruiters" in sandbox.fake.dms("UOTTO")[-1].text
        )
    assert sandbox.fake.last_view("UOTTO") is None
    (unchanged,) = reports_of(db, loop.candidate.id)
    assert unchanged.status == "draft" and unchanged.body == report.body
    sandbox.click("UADMIN", "report_sent", str(report.id), message=dm, block_id="report")
    assert reports_of(db, loop.candidate.id)[0].sent_by == "UADMIN"


def test_a_failed_dm_still_keeps_the_report_listed_as_unsent(sandbox: Sandbox) -> None:
    db = sandbox.app.db
    loop, debrief = debriefed_loop(sandbox)
    sandbox.fake.fail("chat.postMessage", "internal_error", status=500, times=10)
    decide(sandbox, debrief)
    sandbox.fake.faults.clear()
    (report,) = reports_of(db, loop.candidate.id)
    assert [u.report_id for u in sandbox.app.services.reports.unsent(TEAM)] == [report.id]
    assert any(
        "couldn't DM the feedback report to <@URITA>" in m.text for m in sandbox.fake.ephemerals("UHANA")
    )


def test_a_rejection_before_any_interview_gets_a_report_that_does_not_thank_for_interviewing(
    sandbox: Sandbox,
) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)  # Grace's screen is booked an hour from now: not held yet
    make_candidate(db, clock, loop.role, name="Alan Turing")
    sandbox.command("UHANA", "decide Alan Turing")
    prompt = sandbox.fake.ephemerals("UHANA")[-1]
    element = button(prompt, "decision_reject")
    assert element is not None
    sandbox.click("UHANA", "decision_reject", str(element["value"]), message=prompt, block_id="decision")
    sandbox.command("UHANA", "decide Grace Hopper")
    prompt = sandbox.fake.ephemerals("UHANA")[-1]
    element = button(prompt, "decision_reject")
    assert element is not None
    sandbox.click("UHANA", "decision_reject", str(element["value"]), message=prompt, block_id="decision")
    with db.uow(TEAM) as uow:
        alan = next(c for c in uow.candidates.all() if c.name == "Alan Turing")
    (before,) = reports_of(db, alan.id)
    (booked,) = reports_of(db, loop.candidate.id)
    for body in (before.body, booked.body):  # Grace's interview is booked but has not happened
        assert "interviewing" not in body and "time you took to apply" in body
        assert "before any interview" in body
    assert "interviewing" not in text_of(report_dm(sandbox))


def test_a_rejection_after_the_interviews_thanks_for_them(sandbox: Sandbox) -> None:
    loop, debrief = debriefed_loop(sandbox)
    decide(sandbox, debrief)
    (report,) = reports_of(sandbox.app.db, loop.candidate.id)
    assert "Thank you for the time you spent interviewing with us for the" in report.body
    assert "time you took to apply" not in report.body and "before any interview" not in report.body
