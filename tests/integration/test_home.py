"""The App Home tab through the real HTTP endpoint (`app_home_opened` → `views.publish`), on SQLite and
PostgreSQL: my interviews in my time zone, my pending scorecards, my roles, paging and refreshes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.views import View

from bot.sandbox.harness import Sandbox
from storage.models import Candidate
from tests.factories import TEAM, make_booked_panel, make_role
from tests.feedback_support import at, buttons, good_values, make_loop, text_of, tick


def open_home(sandbox: Sandbox, user_id: str, **kw: Any) -> dict[str, Any]:
    reply = sandbox.slack.open_home(user_id, **kw)
    assert reply.status == 200
    sandbox.idle()
    home = sandbox.fake.home_tabs[user_id]
    parsed = View(**{k: home[k] for k in ("type", "blocks", "callback_id")})
    parsed.validate_json()
    assert parsed.type == "home" and len(home["blocks"]) <= 100
    return home


def more(home: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    block = next((b for b in home["blocks"] if b.get("block_id") == block_id), None)
    return block["elements"][0] if block else None


def bulk_candidates(sandbox: Sandbox, role_id: int, names: list[str], stage_key: str) -> list[Candidate]:
    now = sandbox.clock.now()
    with sandbox.app.db.uow(TEAM) as uow:
        rows = [
            Candidate(
                team_id=TEAM,
                role_id=role_id,
                name=name,
                stage_key=stage_key,
                status="active",
                status_changed_at=now,
                created_by="UHANA",
                created_at=now,
                updated_at=now,
            )
            for name in names
        ]
        uow.session.add_all(rows)
        uow.commit()
        return rows


def test_home_shows_my_interviews_in_my_time_zone_my_scorecards_and_my_roles(sandbox: Sandbox) -> None:
    grace = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    make_loop(
        sandbox,
        start=at(10, days=3),
        interviewers=["USAM"],
        shadows={"fb-screen": ["UPRIYA"]},
        name="Alan Turing",
    )
    sandbox.clock.set(at(12))

    sam = open_home(sandbox, "USAM")
    shown = text_of(sam["blocks"])
    assert "Times in Europe/London" in shown
    assert "*Thu 26 Nov 10:00* · *Technical screen* with Alan Turing" in shown
    (button,) = buttons(sam["blocks"], "scorecard_open")
    assert button["value"] == str(grace.first.id) and "Grace Hopper" in shown
    assert "Your roles" not in shown  # interviewers manage no roles

    priya = text_of(open_home(sandbox, "UPRIYA")["blocks"])
    assert "*Thu 26 Nov 15:30* · *Technical screen* with Alan Turing · shadowing" in priya
    assert "Times in Asia/Kolkata" in priya

    hana = open_home(sandbox, "UHANA")
    shown = text_of(hana["blocks"])
    assert "Your roles" in shown and "*Feedback Engineer*" in shown
    assert "*Technical screen* (2): Alan Turing, Grace Hopper" in shown and "No one at: On-site" in shown
    assert "Late scorecards" not in shown
    (select,) = buttons(hana["blocks"], "feedback_view")
    assert [o["text"]["text"] for o in select["options"]] == ["Alan Turing", "Grace Hopper"]

    # A day later Sam's scorecard is late: the hiring manager and the recruiter see it.
    sandbox.clock.set(at(11, days=2))
    assert "<@USAM> — Grace Hopper, Technical screen (due Wed 25 Nov 05:45)" in text_of(
        open_home(sandbox, "URITA")["blocks"]
    )
    publishes = len(sandbox.fake.calls_to("views.publish"))
    open_home(sandbox, "UHANA", event_id="EvHOME1")
    open_home(sandbox, "UHANA", event_id="EvHOME1", retry_num=1)  # Slack's retry: handled once
    assert len(sandbox.fake.calls_to("views.publish")) == publishes + 1

    # Picking a candidate in the hiring manager's select opens their feedback.
    sandbox.click(
        "UHANA", "feedback_view", view=sandbox.fake.home_tabs["UHANA"], selected=select["options"][1]["value"]
    )
    modal = sandbox.fake.last_view("UHANA")
    assert modal is not None and "0 of 1 scorecards in" in text_of(modal["blocks"])

    # Sam submits from the Home tab: Sam's, the hiring manager's and the recruiter's tabs refresh.
    sandbox.click("USAM", "scorecard_open", str(grace.first.id), view=sandbox.fake.home_tabs["USAM"])
    sandbox.submit("USAM", good_values(sandbox.fake.last_view("USAM")))
    assert buttons(sandbox.fake.home_tabs["USAM"]["blocks"], "scorecard_open") == []
    assert "Nothing to submit" in text_of(sandbox.fake.home_tabs["USAM"]["blocks"])
    for manager in ("UHANA", "URITA"):
        assert "Late scorecards" not in text_of(sandbox.fake.home_tabs[manager]["blocks"])


def test_home_stays_within_block_kit_limits_for_large_roles_and_pages_with_more(sandbox: Sandbox) -> None:
    make_loop(sandbox, start=at(9), interviewers=["USAM"])  # creates the plan and the first role
    db, clock = sandbox.app.db, sandbox.clock
    roles = [make_role(db, clock, title=f"Role {n:02d}", plan_key="feedback-test") for n in range(6)]
    big = roles[0]
    screen = bulk_candidates(sandbox, big.id, [f"Screen {n:03d}" for n in range(45)], "screen")
    bulk_candidates(sandbox, big.id, [f"Onsite {n:03d}" for n in range(30)], "onsite")
    for role in roles[1:]:
        bulk_candidates(sandbox, role.id, [f"{role.title} person {n}" for n in range(25)], "screen")
    # Sam: 12 more interviews that ended without a scorecard, and 20 to come.
    for n, candidate in enumerate(screen[:32]):
        start = at(8, days=-1) + timedelta(hours=n) if n < 12 else at(8, days=2) + timedelta(hours=n)
        make_booked_panel(db, clock, candidate, start=start, interviewers=["USAM"])
    make_role(
        db, clock, title="Role 99", plan_key="feedback-test", hiring_manager="UJONAS", recruiters=["URITA"]
    )
    sandbox.clock.set(at(12))

    sam = open_home(sandbox, "USAM")
    assert len(buttons(sam["blocks"], "scorecard_open")) == 8
    upcoming = more(sam, "more:upcoming")
    assert upcoming is not None and upcoming["text"]["text"] == "More interviews (8 of 20 shown)"
    assert "Screen 012" in text_of(sam["blocks"]) and "Screen 020" not in text_of(sam["blocks"])
    sandbox.click("USAM", "home_more", upcoming["value"], view=sam)
    page2 = sandbox.fake.home_tabs["USAM"]
    assert "Screen 020" in text_of(page2["blocks"]) and "Screen 012" not in text_of(page2["blocks"])
    assert len(buttons(page2["blocks"], "scorecard_open")) == 8  # the other lists keep their page
    pending = more(page2, "more:pending")
    assert pending is not None
    sandbox.click("USAM", "home_more", pending["value"], view=page2)
    page3 = sandbox.fake.home_tabs["USAM"]
    assert len(buttons(page3["blocks"], "scorecard_open")) == 5  # 13 owed (with the first loop): 8 + 5
    back = more(page3, "more:pending")
    assert back is not None and back["text"]["text"] == "Back to the first scorecards"

    # URITA recruits for all seven roles (325 candidates): pages of roles, pages of candidates.
    rita = open_home(sandbox, "URITA")
    titles = ["Feedback Engineer", *(r.title for r in roles), "Role 99"]
    seen_roles: set[str] = set()
    for _ in range(10):
        text = text_of(rita["blocks"])
        seen_roles |= {t for t in titles if f"*{t}*" in text}
        forward = more(rita, "more:roles")
        assert forward is not None
        if forward["text"]["text"].startswith("Back"):
            break
        sandbox.click("URITA", "home_more", forward["value"], view=rita)
        rita = sandbox.fake.home_tabs["URITA"]
    assert seen_roles == set(titles)

    rita = open_home(sandbox, "URITA")
    stage_more = more(rita, f"more:{big.id}:screen")
    assert stage_more is not None and stage_more["text"]["text"] == "More candidates (20 of 45 shown)"
    assert "Screen 019" in text_of(rita["blocks"]) and "Screen 020" not in text_of(rita["blocks"])
    sandbox.click("URITA", "home_more", stage_more["value"], view=rita)
    paged = sandbox.fake.home_tabs["URITA"]
    assert "Screen 020" in text_of(paged["blocks"]) and "Screen 019" not in text_of(paged["blocks"])
    assert len(paged["blocks"]) <= 100
    assert sandbox.fake.block_errors == []


def test_the_scorecard_request_refreshes_the_home_tab(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    sandbox.clock.set(at(10, 30))
    assert buttons(open_home(sandbox, "USAM")["blocks"], "scorecard_open") == []
    sandbox.clock.set(at(10, 45))
    tick(sandbox)
    (button,) = buttons(sandbox.fake.home_tabs["USAM"]["blocks"], "scorecard_open")
    assert button["value"] == str(loop.first.id)
