"""Scorecards after interviews through the real HTTP endpoint: the request DM, the modal, drafts, edits
until the decision, shadows and idempotency, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from hiring.permissions import Actor
from storage.models import AuditEvent
from tests.factories import TEAM
from tests.feedback_support import (
    EVIDENCE,
    at,
    blocks_of,
    buttons,
    decide,
    good_values,
    input_block,
    make_loop,
    scorecards,
    text_of,
    tick,
    view_of,
)


def audit_actions(sandbox: Sandbox) -> list[tuple[str, str]]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [
            (e.action, e.actor_id)
            for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.action.startswith("scorecard.")
        ]


def request_dm(sandbox: Sandbox, user_id: str):  # type: ignore[no-untyped-def]
    requests = [m for m in sandbox.fake.dms(user_id) if "submit your" in m.text]
    assert len(requests) == 1, f"{user_id} got {len(requests)} scorecard requests"
    return requests[0]


def open_from_dm(sandbox: Sandbox, user_id: str) -> dict:  # type: ignore[type-arg]
    message = request_dm(sandbox, user_id)
    (button,) = buttons(message.blocks, "scorecard_open")
    before = len(sandbox.fake.calls_to("views.open"))
    sandbox.click(user_id, "scorecard_open", button["value"], message=message)
    assert len(sandbox.fake.calls_to("views.open")) == before + 1
    view = sandbox.fake.last_view(user_id)
    assert view is not None
    return view


def test_the_end_of_an_interview_sends_each_interviewer_and_shadow_one_request(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM", "UPRIYA"], shadows={"fb-screen": ["UMIA"]})
    sandbox.clock.set(at(10, 44))
    tick(sandbox)
    assert not [m for m in sandbox.fake.dms("USAM") if "submit your" in m.text]

    sandbox.clock.set(at(10, 45))
    assert tick(sandbox).sent == 3
    sam = request_dm(sandbox, "USAM")
    blocks = blocks_of(sam)
    assert [b.type for b in blocks] == ["section", "actions", "context"]
    (button,) = buttons(sam.blocks, "scorecard_open")
    assert button["value"] == str(loop.first.id) and button["text"]["text"] == "Submit scorecard"
    assert "by *Wed 25 Nov 10:45 (Europe/London)*" in text_of(sam.blocks)
    assert "by *Wed 25 Nov 16:15 (Asia/Kolkata)*" in text_of(request_dm(sandbox, "UPRIYA").blocks)
    shadow = request_dm(sandbox, "UMIA")
    assert buttons(shadow.blocks, "scorecard_open")[0]["text"]["text"] == "Submit shadow scorecard"
    # The App Home of each person now shows the pending scorecard.
    assert buttons(sandbox.fake.home_tabs["USAM"]["blocks"], "scorecard_open")[0]["value"] == str(
        loop.first.id
    )

    sandbox.advance(hours=1)
    assert tick(sandbox).sent == 0
    assert len([m for m in sandbox.fake.dms("USAM") if "submit your" in m.text]) == 1


def test_the_modal_rates_each_competency_on_the_plans_scale_and_stores_the_scorecard(
    sandbox: Sandbox,
) -> None:
    loop = make_loop(
        sandbox, start=at(10), interviewers={"fb-design": ["ULEE"], "fb-coding": ["UMIA"]}, stage_key="onsite"
    )
    design = loop.first
    sandbox.clock.set(at(11))
    tick(sandbox)
    view = open_from_dm(sandbox, "ULEE")
    parsed = view_of(view)
    assert parsed.callback_id == "scorecard_modal" and parsed.notify_on_close is True
    assert json.loads(view["private_metadata"]) == {"interview_id": design.id}
    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["c:fb_design", "c:fb_communication", "recommendation", "evidence", "private_note"]
    scale = [o["text"]["text"] for o in input_block(view, "c:fb_design")["element"]["options"]]
    assert scale == ["1 – Not yet", "2", "3", "4 – Meets the bar", "5", "6", "7 – Role model"]
    recommendations = input_block(view, "recommendation")["element"]["options"]
    assert [o["value"] for o in recommendations] == ["strong_no", "no", "yes", "strong_yes"]
    assert input_block(view, "private_note")["optional"] is True

    reply = sandbox.submit(
        "ULEE", good_values(view, **{"c:fb_design": "6", "private_note": "Might suit the platform team."})
    )
    assert reply.status == 200 and reply.body == ""
    (card,) = scorecards(sandbox)
    assert (card.status, card.author_id, card.interview_id, card.stage_key) == (
        "submitted",
        "ULEE",
        design.id,
        "onsite",
    )
    assert card.ratings == {"fb_design": 6, "fb_communication": 7}
    assert (card.recommendation, card.evidence, card.private_note) == (
        "yes",
        EVIDENCE,
        "Might suit the platform team.",
    )
    assert card.is_shadow is False and card.submitted_at == at(11)
    assert audit_actions(sandbox) == [("scorecard.submitted", "ULEE")]
    receipt = sandbox.fake.dms("ULEE")[-1]
    assert "Thanks — your scorecard for *System design*" in text_of(receipt.blocks)
    assert {b["action_id"] for b in receipt.blocks[1]["elements"]} == {"scorecard_open", "feedback_view"}
    # Home tabs refresh: no longer pending for the author; the hiring manager's is published too.
    assert buttons(sandbox.fake.home_tabs["ULEE"]["blocks"], "scorecard_open") == []
    assert "UHANA" in sandbox.fake.home_tabs and "URITA" in sandbox.fake.home_tabs


def test_bad_input_gets_a_clear_error_next_to_each_field_and_saves_nothing(sandbox: Sandbox) -> None:
    make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    open_from_dm(sandbox, "USAM")
    reply = sandbox.submit("USAM", {"evidence": "Good."})
    body = reply.json()
    assert body["response_action"] == "errors"
    errors = body["errors"]
    assert set(errors) == {"c:fb_coding", "c:fb_communication", "recommendation", "evidence"}
    assert errors["c:fb_coding"] == "Rate fb coding on the 1–4 scale."
    assert "at least 50 characters of evidence" in errors["evidence"] and "(you have 5)" in errors["evidence"]
    assert "strong no, no, yes or strong yes" in errors["recommendation"]
    reply = sandbox.submit("USAM", good_values(sandbox.fake.last_view("USAM"), evidence=" " * 60))
    assert "it is empty" in reply.json()["errors"]["evidence"]
    assert scorecards(sandbox) == []
    assert audit_actions(sandbox) == []


def test_closing_the_modal_keeps_a_draft_that_reopens_filled(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    view = open_from_dm(sandbox, "USAM")
    sandbox.slack.close("USAM")  # an untouched modal leaves nothing behind
    sandbox.idle()
    assert scorecards(sandbox) == []

    sandbox.slack.close("USAM", view=view, values={"c:fb_coding": "3", "evidence": "Half-written thought"})
    sandbox.idle()
    (draft,) = scorecards(sandbox)
    assert (draft.status, draft.ratings, draft.evidence, draft.submitted_at) == (
        "draft",
        {"fb_coding": 3},
        "Half-written thought",
        None,
    )
    assert audit_actions(sandbox) == [("scorecard.draft_saved", "USAM")]
    home = sandbox.fake.home_tabs["USAM"]["blocks"]
    assert buttons(home, "scorecard_open")[0]["text"]["text"] == "Continue draft"

    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    reopened = sandbox.fake.last_view("USAM")
    assert reopened is not None and reopened["id"] != view["id"]
    assert input_block(reopened, "c:fb_coding")["element"]["initial_option"]["value"] == "3"
    assert input_block(reopened, "evidence")["element"]["initial_value"] == "Half-written thought"
    assert "Your draft was saved" in text_of(reopened["blocks"])
    sandbox.submit("USAM", good_values(reopened, **{"c:fb_coding": "3"}))
    (card,) = scorecards(sandbox)
    assert card.id == draft.id and card.status == "submitted" and card.ratings["fb_coding"] == 3
    # Closing a later edit form never turns the submitted scorecard back into a draft.
    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    sandbox.slack.close("USAM", values={"evidence": "scribble"})
    sandbox.idle()
    assert scorecards(sandbox)[0].status == "submitted" and scorecards(sandbox)[0].evidence == EVIDENCE


def test_edits_are_allowed_until_the_stage_decision_is_recorded(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    sandbox.submit("USAM", good_values(open_from_dm(sandbox, "USAM")))
    receipt = sandbox.fake.dms("USAM")[-1]
    sandbox.advance(hours=2)
    sandbox.click("USAM", "scorecard_open", str(loop.first.id), message=receipt)
    edit = sandbox.fake.last_view("USAM")
    assert edit is not None and edit["submit"]["text"] == "Save changes"
    assert input_block(edit, "recommendation")["element"]["initial_option"]["value"] == "yes"
    assert "Submitted Tue 24 Nov 10:45" in text_of(edit["blocks"])
    sandbox.submit("USAM", {"recommendation": "strong_yes"})
    (card,) = scorecards(sandbox)
    assert card.recommendation == "strong_yes" and card.evidence == EVIDENCE
    assert card.submitted_at == at(10, 45) and card.updated_at == at(12, 45)
    assert audit_actions(sandbox) == [("scorecard.submitted", "USAM"), ("scorecard.updated", "USAM")]
    assert "is updated" in sandbox.fake.dms("USAM")[-1].text

    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    stale = sandbox.fake.last_view("USAM")
    decide(sandbox, loop)
    reply = sandbox.submit("USAM", {"recommendation": "no"}, view=stale)
    assert (
        "decision on Grace Hopper's Technical screen has been recorded"
        in reply.json()["errors"]["c:fb_coding"]
    )
    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    notice = sandbox.fake.last_view("USAM")
    assert notice is not None and notice["callback_id"] == "notice"
    assert "can no longer be changed" in text_of(notice["blocks"])
    assert scorecards(sandbox)[0].recommendation == "strong_yes"


def test_only_the_interviewer_of_the_interview_may_open_or_submit_it(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(9))
    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    early = sandbox.fake.last_view("USAM")
    assert early is not None and "has not started yet" in text_of(early["blocks"])

    sandbox.clock.set(at(10, 45))
    sandbox.click("UOTTO", "scorecard_open", str(loop.first.id))
    refused = sandbox.fake.last_view("UOTTO")
    assert refused is not None and refused["callback_id"] == "notice"
    assert "Only the people who ran this interview" in text_of(refused["blocks"])

    sandbox.click("USAM", "scorecard_open", str(loop.first.id))
    sams_view = sandbox.fake.last_view("USAM")
    assert sams_view is not None
    reply = sandbox.submit("UOTTO", good_values(sams_view), view=sams_view)  # a forged submission
    assert "Only the people who ran this interview" in next(iter(reply.json()["errors"].values()))
    sandbox.slack.close("UOTTO", view=sams_view, values=good_values(sams_view))
    sandbox.idle()
    assert scorecards(sandbox) == []


def test_a_shadow_submits_a_shadow_scorecard_that_is_shown_but_not_counted(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"], shadows={"fb-screen": ["UMIA"]})
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    view = open_from_dm(sandbox, "UMIA")
    assert view["title"]["text"] == "Shadow scorecard"
    assert "*shadow* scorecard" in text_of(view["blocks"])
    sandbox.submit("UMIA", good_values(view, recommendation="strong_no"))
    sandbox.submit("USAM", good_values(open_from_dm(sandbox, "USAM")))
    shadow, counted = sorted(scorecards(sandbox), key=lambda c: c.author_id)
    assert (shadow.author_id, shadow.is_shadow, counted.is_shadow) == ("UMIA", True, False)

    feedback = sandbox.app.services.scorecards.visible_scorecards(
        Actor(TEAM, "UHANA"), loop.candidate.id, "screen"
    )
    assert (feedback.submitted, feedback.expected) == (1, 1)
    by_author = {e.author_id: e for e in feedback.entries}
    assert by_author["UMIA"].visible and not by_author["UMIA"].counted
    assert by_author["USAM"].counted
    sandbox.command("UHANA", "feedback Grace Hopper")
    shown = text_of(sandbox.fake.ephemerals("UHANA")[-1].blocks)
    assert "1 of 1 scorecards in" in shown and "shadow, not counted" in shown and "Strong no" in shown


def test_a_double_click_and_a_retried_or_simultaneous_submission_store_one_scorecard(
    sandbox: Sandbox,
) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    message = request_dm(sandbox, "USAM")
    value = str(loop.first.id)
    sandbox.click("USAM", "scorecard_open", value, message=message)
    first = sandbox.fake.last_view("USAM")
    sandbox.click("USAM", "scorecard_open", value, message=message)
    second = sandbox.fake.last_view("USAM")
    assert first is not None and second is not None and first["id"] != second["id"]

    replies: list[int] = []

    def submit(view: dict) -> None:  # type: ignore[type-arg]
        replies.append(sandbox.slack.submit("USAM", good_values(view), view=view).status)

    threads = [threading.Thread(target=submit, args=(v,)) for v in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sandbox.idle()
    assert replies == [200, 200]
    assert len(scorecards(sandbox)) == 1
    assert sorted(audit_actions(sandbox)) == [("scorecard.submitted", "USAM"), ("scorecard.updated", "USAM")]

    # Slack retrying the very same submission changes nothing.
    sandbox.submit("USAM", good_values(first, recommendation="no"), view=first)
    assert len(scorecards(sandbox)) == 1 and scorecards(sandbox)[0].recommendation == "yes"
    assert len(audit_actions(sandbox)) == 2


def test_interview_feedback_lists_my_pending_scorecards_with_buttons(sandbox: Sandbox) -> None:
    first = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    second = make_loop(sandbox, start=at(13), interviewers=["USAM"], name="Alan Turing")
    make_loop(sandbox, start=at(10, days=5), interviewers=["USAM"], name="Ada Lovelace")
    sandbox.clock.set(at(14))
    sandbox.command("USAM", "feedback")
    reply = sandbox.fake.ephemerals("USAM")[-1]
    blocks_of(reply)
    assert [b["value"] for b in buttons(reply.blocks, "scorecard_open")] == [
        str(first.first.id),
        str(second.first.id),
    ]
    assert "Scorecards you owe:* 2" in text_of(reply.blocks) and "Ada Lovelace" not in text_of(reply.blocks)

    sandbox.click("USAM", "scorecard_open", str(first.first.id), message=reply)
    sandbox.submit("USAM", good_values(sandbox.fake.last_view("USAM")))
    sandbox.clock.set(at(14, days=2))  # the second is now late
    sandbox.command("USAM", "feedback")
    reply = sandbox.fake.ephemerals("USAM")[-1]
    assert [b["value"] for b in buttons(reply.blocks, "scorecard_open")] == [str(second.first.id)]
    assert "late" in text_of(reply.blocks)

    decide(sandbox, second)
    sandbox.command("USAM", "feedback")
    assert "all caught up" in sandbox.last_reply("USAM")
