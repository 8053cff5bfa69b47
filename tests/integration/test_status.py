"""`/interview status`: full for the role's managers, own schedule for interviewers, refused otherwise."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.harness import START, Sandbox
from storage.models import Candidate, Decision, Scorecard
from tests.factories import TEAM, make_booked_panel, make_person
from tests.helpers import assert_escaped
from tests.loops import setup_loop

TUESDAY_10 = START + timedelta(days=1, hours=2)  # Tue 24 Nov 10:00 UTC


def loop_in_progress(sandbox: Sandbox, *, name: str = "Grace Hopper") -> Candidate:
    """A booked onsite (SAM+PRIYA coding with MIA shadowing, JONAS+LEE design, HANA), an unbooked
    screen panel, one scorecard in (plus a draft and a shadow's), and two decisions."""
    role, candidate = setup_loop(sandbox, name=name)
    db, clock = sandbox.app.db, sandbox.clock
    make_booked_panel(
        db,
        clock,
        candidate,
        start=TUESDAY_10,
        interviewers={"coding": ["USAM", "UPRIYA"], "design": ["UJONAS", "ULEE"], "manager": ["UHANA"]},
        shadows={"coding": ["UMIA"]},
    )
    make_booked_panel(
        db, clock, candidate, start=START, interviewers=["URITA"], stage_key="screen", status="ready"
    )
    now = clock.now()
    with db.uow(TEAM) as uow:
        panel = uow.panels.current(candidate.id, "onsite")
        assert panel is not None
        coding = panel.interviews[0]
        for author, status, shadow in (
            ("USAM", "submitted", False),
            ("UPRIYA", "draft", False),
            ("UMIA", "submitted", True),
        ):
            uow.session.add(
                Scorecard(
                    team_id=TEAM,
                    interview_id=coding.id,
                    candidate_id=candidate.id,
                    stage_key="onsite",
                    author_id=author,
                    is_shadow=shadow,
                    status=status,
                    ratings={"technical_depth": 4},
                    recommendation="strong_yes",
                    evidence="SECRET-EVIDENCE of great work",
                    created_at=now,
                    updated_at=now,
                    submitted_at=now if status == "submitted" else None,
                )
            )
        for stage, outcome, at in (("screen", "advance", now - timedelta(days=2)), ("onsite", "hold", now)):
            uow.session.add(
                Decision(
                    team_id=TEAM,
                    candidate_id=candidate.id,
                    role_id=role.id,
                    stage_key=stage,
                    outcome=outcome,
                    decided_by="UHANA",
                    decided_at=at,
                    note="PRIVATE-NOTE",
                )
            )
        uow.commit()
    return candidate


def reply(sandbox: Sandbox, user_id: str) -> tuple[str, str]:
    """(fallback text, all block text) of the user's newest ephemeral reply."""
    message = sandbox.fake.ephemerals(user_id)[-1]
    texts = []
    for block in message.blocks:
        if block.get("text"):
            texts.append(block["text"]["text"])
        texts.extend(e.get("text", "") for e in block.get("elements", []))
    return message.text, "\n".join(texts)


def test_managers_see_stage_panels_times_scorecard_counts_and_the_latest_decision(sandbox: Sandbox) -> None:
    loop_in_progress(sandbox)
    # times in each viewer's own time zone: London for Hana and the admin, New York for Rita
    clocks = {
        "UHANA": ("Mon 23 Nov 08:00", "Tue 24 Nov 10:00 (Europe/London)", "Tue 24 Nov 11:00"),
        "UADMIN": ("Mon 23 Nov 08:00", "Tue 24 Nov 10:00 (Europe/London)", "Tue 24 Nov 11:00"),
        "URITA": ("Mon 23 Nov 03:00", "Tue 24 Nov 05:00 (America/New_York)", "Tue 24 Nov 06:00"),
    }
    for manager, (now, coding_at, design_at) in clocks.items():
        sandbox.command(manager, "status grace hopper")
        fallback, text = reply(sandbox, manager)
        assert fallback == "Status of Grace Hopper"
        assert "*Grace Hopper* — Senior Backend Engineer" in text
        assert f"Stage: *Onsite* · active since {now}" in text
        assert "*Recruiter screen* panel (ready, not booked yet)" in text
        assert "*Recruiter call* · 30 min · video — <@URITA> — not booked" in text
        assert "*Onsite* panel (booked)" in text
        assert f"*Coding* · 60 min · video — <@USAM>, <@UPRIYA>; shadow <@UMIA> — {coding_at}" in text
        assert f"*System design* · 60 min · video — <@UJONAS>, <@ULEE> — {design_at}" in text
        assert "*Scorecards in:* Recruiter screen: 0 of 1; Onsite: 1 of 5" in text
        assert f"*Latest decision:* put on hold after Onsite, by <@UHANA> on {now}" in text
        for secret in ("SECRET", "PRIVATE", "strong", "technical_depth", "4 –"):
            assert secret not in text
    # the screen panel comes first: stages in plan order
    _, text = reply(sandbox, "UHANA")
    assert text.index("Recruiter screen* panel") < text.index("Onsite* panel")


def test_an_interviewer_sees_only_the_schedule_of_their_interviews_in_their_time_zone(
    sandbox: Sandbox,
) -> None:
    loop_in_progress(sandbox)
    make_person(sandbox.app.db, sandbox.clock, "UPRIYA", tz="Asia/Kolkata")
    sandbox.command("UPRIYA", "status Grace Hopper")
    fallback, text = reply(sandbox, "UPRIYA")
    assert fallback == "Your interviews with Grace Hopper"
    assert "*Coding* · 60 min · video — Tue 24 Nov 15:30 (Asia/Kolkata) (you interview)" in text
    for hidden in (
        "System design",
        "Recruiter call",
        "<@UJONAS>",
        "<@USAM>",
        "Scorecards",
        "decision",
        "hold",
    ):
        assert hidden not in text
    sandbox.command("UMIA", "status Grace Hopper")
    _, text = reply(sandbox, "UMIA")
    assert "*Coding*" in text and "(you shadow)" in text and "Hiring manager chat" not in text


def test_anyone_else_is_refused_and_gets_no_name_hints(sandbox: Sandbox) -> None:
    loop_in_progress(sandbox)
    sandbox.command("UOTTO", "status Grace Hopper")
    assert "Only the hiring manager (<@UHANA>), the role's recruiters" in sandbox.last_reply("UOTTO")
    sandbox.command("UOTTO", "status Grace Hoper")
    assert sandbox.last_reply("UOTTO") == "No candidate called “Grace Hoper”."
    sandbox.command("UDORA", "status")
    assert "Name the candidate" in sandbox.last_reply("UDORA")
    sandbox.command("USAM", "status Grace Hoper")  # SAM interviews her: he may be told her name
    assert "Did you mean “Grace Hopper”" in sandbox.last_reply("USAM")


def test_a_candidate_without_panels_says_what_to_do_next(sandbox: Sandbox) -> None:
    setup_loop(sandbox, pools=False)
    sandbox.command("UHANA", "status Grace Hopper")
    _, text = reply(sandbox, "UHANA")
    assert "No panel yet. Build one with `/interview panel`." in text
    assert "*Scorecards in:* none yet" in text and "*Latest decision:* none yet" in text


def test_hostile_candidate_names_are_escaped_in_status(sandbox: Sandbox) -> None:
    hostile = "<!here> _Mal_ <@UOTTO>"
    loop_in_progress(sandbox, name=hostile)
    for viewer in ("UHANA", "USAM"):
        sandbox.command(viewer, f"status {hostile}")
        message = sandbox.fake.ephemerals(viewer)[-1]
        assert message.blocks
        for part in ("<!here>", "_Mal_", "<@UOTTO>"):
            assert_escaped(part, message.blocks, message.text)
        assert "&lt;!here&gt; ˍMalˍ &lt;@UOTTO&gt;" in str(message.blocks)
