"""The independence rule, as a permission matrix through the real HTTP endpoint (SQLite and PostgreSQL).

A panel member sees no one else's ratings, recommendations or evidence for a candidate's stage until
their own scorecard for that stage is in; the hiring manager, recruiters and admins who are not on the
panel see submitted scorecards; private notes are for the hiring manager (and admins); anyone else
sees nothing; drafts are seen by their author only; nothing is posted to a channel.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from hiring.permissions import Actor
from storage.models import AuditEvent
from tests.factories import TEAM
from tests.feedback_support import (
    EVIDENCE,
    Loop,
    at,
    buttons,
    good_values,
    make_loop,
    scorecards,
    text_of,
    tick,
)

AUTHORS = {"USAM": "Sam", "UJONAS": "Jonas", "UMIA": "Mia"}


def evidence(user_id: str) -> str:
    return f"Evidence by {AUTHORS[user_id]}. {EVIDENCE}"


def note(user_id: str) -> str:
    return f"Private note by {AUTHORS[user_id]}"


def submit(sandbox: Sandbox, loop: Loop, user_id: str) -> None:
    sandbox.click(user_id, "scorecard_open", str(loop.first.id))
    view = sandbox.fake.last_view(user_id)
    assert view is not None and view["callback_id"] == "scorecard_modal"
    reply = sandbox.submit(user_id, good_values(view, evidence=evidence(user_id), private_note=note(user_id)))
    assert reply.body == "", reply.body


def seen_through_slack(sandbox: Sandbox, viewer: str) -> str:
    """What `viewer` reads with `/interview feedback Grace Hopper`."""
    sandbox.command(viewer, "feedback Grace Hopper")
    return text_of(sandbox.fake.ephemerals(viewer)[-1].blocks)


def check(
    sandbox: Sandbox, loop: Loop, viewer: str, sees: set[str], notes: set[str], hidden_reason: str | None
) -> None:
    """One row of the matrix, checked through Slack and through the service's answer."""
    shown = seen_through_slack(sandbox, viewer)
    for author in AUTHORS:
        assert (evidence(author) in shown) == (author in sees), f"{viewer} / evidence of {author}"
        assert (note(author) in shown) == (author in notes), f"{viewer} / note of {author}"
    if hidden_reason:
        assert hidden_reason in shown, f"{viewer} should be told why: {shown}"
    feedback = sandbox.app.services.scorecards.visible_scorecards(
        Actor(TEAM, viewer, is_admin=viewer == "UADMIN"), loop.candidate.id, "screen"
    )
    for entry in feedback.entries:
        visible = entry.author_id in sees
        assert entry.visible == visible, f"{viewer} / entry of {entry.author_id}"
        if not visible:
            assert entry.evidence is None and entry.ratings == () and entry.recommendation is None
            assert entry.reason
        assert (entry.private_note is not None) == (entry.author_id in notes)


def viewed_events(sandbox: Sandbox) -> list[tuple[str, str]]:
    with sandbox.app.db.uow(TEAM) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.viewed"))
        return sorted({(e.actor_id, e.subject_id) for e in rows})


def test_the_independence_rule_for_every_role(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM", "UJONAS"], shadows={"fb-screen": ["UMIA"]})
    # UPRIYA interviews the same candidate at a later stage: not on this stage's panel.
    make_loop(
        sandbox,
        start=at(10, days=5),
        interviewers={"fb-design": ["UPRIYA"], "fb-coding": ["ULEE"]},
        stage_key="onsite",
        candidate=loop.candidate,
    )
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    submit(sandbox, loop, "USAM")
    # Jonas starts a draft but does not submit it.
    sandbox.click("UJONAS", "scorecard_open", str(loop.first.id))
    sandbox.slack.close("UJONAS", values={"evidence": evidence("UJONAS"), "private_note": note("UJONAS")})
    sandbox.idle()

    wait = "Other people's feedback stays hidden until you submit your own scorecard"
    outsider = "Only the panel of Technical screen, the hiring manager and the recruiters see its feedback."
    sam = {"USAM"}
    # viewer: (whose evidence they see, whose private notes they see, the reason they are told)
    before = {
        "USAM": (sam, sam, None),  # interviewer, submitted: their own; Jonas's draft stays hidden
        "UJONAS": ({"UJONAS"}, {"UJONAS"}, wait),  # interviewer before submitting: only their draft
        "UMIA": (set(), set(), wait),  # shadow before submitting
        "UHANA": (sam, sam, None),  # hiring manager: submitted ones, with private notes
        "URITA": (sam, set(), None),  # recruiter: submitted ones, no private notes
        "UADMIN": (sam, sam, None),  # workspace admin (may decide)
        "UOTTO": (set(), set(), outsider),  # outsider
        "UPRIYA": (set(), set(), outsider),  # on the candidate's later stage, not on this one
    }
    for viewer, (sees, notes, reason) in before.items():
        check(sandbox, loop, viewer, sees, notes, reason)
    (sams_card,) = [c.id for c in scorecards(sandbox) if c.author_id == "USAM"]
    # Reading someone else's scorecard is audited; nobody read Sam's without being allowed to.
    assert viewed_events(sandbox) == [(v, str(sams_card)) for v in ("UADMIN", "UHANA", "URITA")]

    submit(sandbox, loop, "UJONAS")
    submit(sandbox, loop, "UMIA")
    everyone = {"USAM", "UJONAS", "UMIA"}
    after = {
        "USAM": (everyone, sam, None),
        "UJONAS": (everyone, {"UJONAS"}, None),  # interviewer after submitting
        "UMIA": (everyone, {"UMIA"}, None),  # shadow after submitting their shadow scorecard
        "UHANA": (everyone, everyone, None),
        "URITA": (everyone, set(), None),
        "UOTTO": (set(), set(), outsider),
    }
    for viewer, (sees, notes, reason) in after.items():
        check(sandbox, loop, viewer, sees, notes, reason)

    # The "See the panel's feedback" button of the receipt opens the same view in a modal.
    receipt = sandbox.fake.dms("UJONAS")[-1]
    (button,) = buttons(receipt.blocks, "feedback_view")
    sandbox.click("UJONAS", "feedback_view", button["value"], message=receipt)
    modal = sandbox.fake.last_view("UJONAS")
    assert modal is not None and evidence("USAM") in text_of(modal["blocks"])
    assert note("USAM") not in text_of(modal["blocks"])

    # Nothing Loopbot posted to a channel reveals a score, a recommendation or evidence.
    for post in sandbox.fake.posts(HIRING_CHANNEL):
        shown = text_of(post.blocks) + post.text
        assert "Evidence by" not in shown and "Strong yes" not in shown


def test_a_panel_member_on_two_interviews_of_the_stage_must_submit_both(sandbox: Sandbox) -> None:
    loop = make_loop(
        sandbox,
        start=at(10),
        interviewers={"fb-design": ["USAM", "UJONAS"], "fb-coding": ["USAM"]},
        stage_key="onsite",
    )
    sandbox.clock.set(at(12))
    tick(sandbox)
    submit(sandbox, loop, "UJONAS")  # design
    submit(sandbox, loop, "USAM")  # design only; the pair programming one is still owed
    shown = seen_through_slack(sandbox, "USAM")
    assert evidence("UJONAS") not in shown
    assert "(Pair programming)" in shown
    coding = loop.interviews[1]
    sandbox.click("USAM", "scorecard_open", str(coding.id))
    sandbox.submit("USAM", good_values(sandbox.fake.last_view("USAM")))
    assert evidence("UJONAS") in seen_through_slack(sandbox, "USAM")
