"""The demo's decision flow: the debrief reaches the hiring channel, the hiring manager advances the
candidate, and the recruiter edits the drafted feedback report and marks it sent."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.feedback import book_back_to_back, stage_panel
from bot.demo.session import Demo, shown
from bot.sandbox.fake_slack import Posted
from bot.sandbox.transcript import blocks_text
from bot.sources import debrief_sources
from hiring.plans.plans import spec_of
from hiring.roles.candidates import live_candidate
from storage.models import Panel, Scorecard

CANDIDATE = "Grace Hopper"
EVIDENCE = (
    "She explained the trade-offs of the retry design clearly and held up well under follow-up questions. "
    "She struggled to say how she would measure whether the fix worked."
)


def _ended_panel(demo: Demo) -> Panel:
    """Grace Hopper's current stage panel, booked and over. Without earlier flows, the demo books one
    directly in the database (yesterday, back to back)."""
    box = demo.box
    team = box.fake.team_id
    found = box.app.services.candidates.find(team, CANDIDATE)
    now = box.clock.now()
    with box.app.db.uow(team) as uow:
        candidate = live_candidate(uow, found.id)
        panel = uow.panels.current(candidate.id, candidate.stage_key)
        if panel is None or not any(i.end_at for i in panel.interviews):
            print("  (No earlier flow booked Grace Hopper's current stage, so the demo books it directly.)")
            panel = stage_panel(uow, candidate, now, {"USAM": "interviewer"})
            book_back_to_back(panel, now - timedelta(days=1), now)
            uow.commit()
        return panel


def _score_the_rest(demo: Demo, panel: Panel) -> list[str]:
    """Write the scorecards still missing (counted seats only) straight to the database."""
    box = demo.box
    team = box.fake.team_id
    now = box.clock.now()
    written = []
    with box.app.db.uow(team) as uow:
        fresh = uow.panels.get(panel.id)
        assert fresh is not None
        spec = spec_of(fresh.candidate.role.plan)
        cards = uow.decisions.scorecards_by_interview(i.id for i in fresh.interviews)
        for interview in fresh.interviews:
            if interview.status == "cancelled":
                continue
            done = {c.author_id for c in cards.get(interview.id, []) if c.status == "submitted"}
            competencies = spec.interview(fresh.stage_key, interview.interview_key).competencies
            scale = spec.scales.get(spec.interview(fresh.stage_key, interview.interview_key).scale)
            top = scale.max if scale else 4
            for seat in interview.seats:
                if seat.kind == "shadow" or seat.user_id in done:
                    continue
                existing = next((c for c in cards.get(interview.id, []) if c.author_id == seat.user_id), None)
                card = existing or Scorecard(
                    team_id=team,
                    interview_id=interview.id,
                    candidate_id=fresh.candidate_id,
                    stage_key=fresh.stage_key,
                    author_id=seat.user_id,
                    created_at=now,
                )
                card.ratings = {c: top - 1 - n % 3 for n, c in enumerate(competencies)}
                card.recommendation = "yes"
                card.evidence = EVIDENCE
                card.status = "submitted"
                card.updated_at = now
                card.submitted_at = now
                uow.feedback.add(card)
                written.append(seat.user_id)
        uow.commit()
    return written


def _buttons(message: Posted) -> dict[str, str]:
    """Action id → value of a message's buttons."""
    return {
        str(e.get("action_id")): str(e.get("value", ""))
        for b in message.blocks
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    }


def _reads(demo: Demo, where: str, message: Posted, blocks: int) -> None:
    """Print the last blocks of a message that Loopbot updated in place."""
    shown(f"{where}, updated in place, now ends with", blocks_text(demo.fake, message.blocks[-blocks:]))


def flow_decisions(demo: Demo) -> None:
    """The debrief when the stage's feedback is in, a decision, and the candidate's feedback report."""
    box = demo.box
    demo.step("Grace Hopper's stage is over and every interviewer's scorecard is in")
    panel = _ended_panel(demo)
    ends = [i.end_at for i in panel.interviews if i.end_at is not None]
    if ends and box.clock.now() < max(ends):
        box.clock.set(max(ends) + timedelta(minutes=30))
    written = _score_the_rest(demo, panel)
    if written:
        names = ", ".join(demo.name(u) for u in dict.fromkeys(written))
        print(f"  (The demo writes the scorecards of {names} straight to the database.)")

    demo.step("Every counted scorecard is in: the next tick posts the debrief to the hiring channel")
    box.advance(minutes=1)
    demo.tick(debrief_sources(box.app.services))
    debrief = next(m for m in reversed(box.fake.posts("CHIRING")) if m.text.startswith("Debrief for"))

    demo.step("Only the hiring manager (or an admin) decides")
    buttons = _buttons(debrief)
    action = "decision_advance" if "decision_advance" in buttons else "decision_offer"
    value = buttons[action]
    demo.click("UOTTO", action, value, "presses the decision button", message=debrief, block_id="decision")
    demo.click("UHANA", action, value, "presses it", message=debrief, block_id="decision")
    _reads(demo, "#hiring-backend, the debrief", debrief, 1)

    demo.step("The recruiter edits the drafted feedback report and marks it sent")
    report = next(m for m in reversed(box.fake.dms("URITA")) if m.text.startswith("Feedback report"))
    report_id = _buttons(report)["report_edit"]
    demo.click(
        "URITA", "report_edit", report_id, "clicks “Edit” on the report", message=report, block_id="report"
    )
    view = box.fake.last_view("URITA") or {}
    body = next(b for b in view.get("blocks", []) if b.get("block_id") == "body")["element"]["initial_value"]
    edited = body.replace("Best wishes,", "Do reply if you have any questions.\n\nBest wishes,")
    demo.submit("URITA", {"body": edited}, "adds a line and saves")
    demo.click(
        "URITA",
        "report_sent",
        report_id,
        "sends it to Grace by email and clicks “Mark as sent”",
        message=report,
        block_id="report",
    )
    _reads(demo, "DM to Rita Recruiter, the report", report, 3)

    demo.step("Interviewer calibration for the role")
    demo.say("UHANA", "calibration Senior Backend Engineer")
