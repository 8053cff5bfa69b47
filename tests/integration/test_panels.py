"""`/interview panel`: the modal, fair prefill, stage switching, validation, saving, summaries (both databases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from handlers.view_state import metadata
from storage.models import AuditEvent, Interview, Panel, Seat, SlackMessage
from tests.factories import TEAM
from tests.helpers import assert_escaped
from tests.loops import setup_loop


def blocks(view: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert view is not None
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def panels(sandbox: Sandbox) -> list[Panel]:
    with sandbox.app.db.uow(TEAM) as uow:
        return list(uow.session.scalars(select(Panel).order_by(Panel.id)))


def seats(sandbox: Sandbox) -> dict[str, list[tuple[str, str]]]:
    """`{interview_key: [(user, kind), ...]}` of every stored seat."""
    with sandbox.app.db.uow(TEAM) as uow:
        rows = uow.session.execute(
            select(Interview.interview_key, Seat.user_id, Seat.kind)
            .join(Seat, Seat.interview_id == Interview.id)
            .order_by(Interview.position, Seat.user_id)
        ).all()
    result: dict[str, list[tuple[str, str]]] = {}
    for key, user_id, kind in rows:
        result.setdefault(key, []).append((user_id, kind))
    return result


def panel_events(sandbox: Sandbox) -> list[AuditEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [e for e in uow.audit.all() if e.action.startswith("panel.")]


def test_the_modal_opens_on_the_current_stage_prefilled_by_rotation(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox)
    sandbox.command("UHANA", "panel grace hopper")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and view["callback_id"] == "panel_modal"
    b = blocks(view)
    stage = b["stage"]
    assert stage["dispatch_action"] is True
    assert stage["element"]["initial_option"]["value"] == "onsite"
    assert [o["value"] for o in stage["element"]["options"]] == ["screen", "onsite", "offer"]
    assert b["iv:coding"]["element"]["initial_users"] == ["UJONAS", "ULEE"]
    assert b["iv:design"]["element"]["initial_users"] == ["UPRIYA", "USAM"]
    assert b["iv:manager"]["element"]["initial_users"] == ["UHANA"]
    assert b["sh:coding"]["element"]["initial_user"] == "UMIA"
    assert "initial_user" not in b["sh:design"]["element"]  # the one shadow already sits in coding
    assert "sh:manager" not in b  # the plan allows no shadow there
    assert b["iv:design"]["label"]["text"] == "System design · 1 h · video · choose 2"
    assert "4 qualified" in b["iv:design"]["hint"]["text"]
    assert b["sh:coding"]["optional"] is True
    assert metadata(view) == {"candidate_id": candidate.id, "stage_key": "onsite", "revision": 0}
    assert len(view["blocks"]) <= 100


def test_changing_the_stage_redraws_the_modal_and_saves_that_stage(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None
    sandbox.click("UHANA", "panel_stage", view=view, selected="screen", block_id="stage")
    redrawn = sandbox.fake.last_view("UHANA")
    assert redrawn is not None and redrawn["id"] == view["id"]
    assert sandbox.fake.calls_to("views.update")
    b = blocks(redrawn)
    assert b["stage"]["element"]["initial_option"]["value"] == "screen"
    assert b["iv:recruiter"]["element"]["initial_users"] == ["URITA"]
    assert "iv:coding" not in b
    assert metadata(redrawn)["stage_key"] == "screen"
    sandbox.submit("UHANA", {})
    [panel] = panels(sandbox)
    assert panel.stage_key == "screen" and panel.status == "ready"
    assert seats(sandbox) == {"recruiter": [("URITA", "interviewer")]}
    # a stage without interviews says so, and saving it is refused next to the stage
    sandbox.click("UHANA", "panel_stage", view=redrawn, selected="offer", block_id="stage")
    empty = sandbox.fake.last_view("UHANA")
    assert "no interviews to staff" in str(empty)
    reply = sandbox.submit("UHANA", {})
    assert "no interviews to staff" in reply.json()["errors"]["stage"]


def test_saving_stores_interviews_and_seats_and_posts_one_summary_even_when_doubled(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    values = {"iv:design": ["UPRIYA", "UNOAH"], "sh:design": "UMIA", "sh:coding": None}
    first = sandbox.submit("UHANA", values, view=view)
    second = sandbox.submit("UHANA", values, view=view)
    assert (first.status, first.body, second.status) == (200, "", 200)
    [panel] = panels(sandbox)
    assert (panel.stage_key, panel.status, panel.created_by) == ("onsite", "ready", "UHANA")
    with sandbox.app.db.uow(TEAM) as uow:
        stored = uow.panels.get(panel.id)
        assert stored is not None
        interviews = [
            (i.interview_key, i.title, i.duration_minutes, i.mode, i.status, i.start_at)
            for i in stored.interviews
        ]
    assert interviews == [
        ("coding", "Coding", 60, "video", "planned", None),
        ("design", "System design", 60, "video", "planned", None),
        ("manager", "Hiring manager chat", 45, "video", "planned", None),
    ]
    assert seats(sandbox) == {
        "coding": [("UJONAS", "interviewer"), ("ULEE", "interviewer")],
        "design": [("UMIA", "shadow"), ("UNOAH", "interviewer"), ("UPRIYA", "interviewer")],
        "manager": [("UHANA", "interviewer")],
    }
    [event] = panel_events(sandbox)
    assert (event.action, event.actor_id, event.candidate_id, event.before) == (
        "panel.created",
        "UHANA",
        panel.candidate_id,
        None,
    )
    assert event.after and event.after["interviews"]["design"] == {
        "interviewers": ["UPRIYA", "UNOAH"],
        "shadows": ["UMIA"],
    }
    [post] = sandbox.fake.posts(HIRING_CHANNEL)
    text = post.blocks[0]["text"]["text"]
    assert "*Panel ready* for *Grace Hopper* (Senior Backend Engineer) — Onsite" in text
    assert "*System design* · 1 h · video — <@UPRIYA>, <@UNOAH>; shadow <@UMIA>" in text
    assert "score" not in str(post.blocks).lower() and "rating" not in str(post.blocks).lower()
    with sandbox.app.db.uow(TEAM) as uow:
        [message] = uow.session.scalars(select(SlackMessage)).all()
    assert (message.channel_id, message.ts, message.kind, message.candidate_id) == (
        HIRING_CHANNEL,
        post.ts,
        "panel",
        panel.candidate_id,
    )


def test_interviewers_must_be_n_of_the_pool_and_shadows_distinct(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    reply = sandbox.submit(
        "UHANA",
        {
            "iv:coding": ["UJONAS", "UOTTO"],
            "iv:design": ["UPRIYA"],
            "iv:manager": ["UMIA"],
            "sh:coding": "UJONAS",
        },
    )
    errors = reply.json()["errors"]
    assert errors["iv:design"] == "Choose 2 interviewers for System design (you chose 1)."
    assert errors["iv:coding"].startswith(
        "Otto Outsider is not a qualified or reverse-shadow member of an engineer pool, so can't run Coding."
    )
    assert "Mia Rossi" in errors["iv:manager"] and "of a hiring manager pool" in errors["iv:manager"]
    assert "Jonas Berg already interviews in Coding" in errors["sh:coding"]
    # a shadow-level member can't run an interview; several outsiders are named together
    reply = sandbox.submit("UHANA", {"iv:coding": ["UMIA", "UOTTO"], "sh:coding": "UDORA"})
    errors = reply.json()["errors"]
    assert "Mia Rossi, Otto Outsider are not qualified or reverse-shadow members" in errors["iv:coding"]
    assert "Dora Director is not in an engineer pool" in errors["sh:coding"]
    assert panels(sandbox) == [] and panel_events(sandbox) == []
    assert sandbox.fake.posts(HIRING_CHANNEL) == []
    # fixed: the same modal saves
    assert sandbox.submit("UHANA", {"iv:coding": ["UJONAS", "UNOAH"]}).body == ""
    assert len(panels(sandbox)) == 1


def test_re_saving_replaces_the_seats_and_is_audited_before_and_after(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    sandbox.submit("UHANA", {})
    sandbox.command("URITA", "panel Grace Hopper")
    view = sandbox.fake.last_view("URITA")
    b = blocks(view)
    assert b["iv:coding"]["element"]["initial_users"] == ["UJONAS", "ULEE"]  # the saved panel, not rotation
    assert "saving again replaces" in str(view)
    sandbox.submit(
        "URITA", {"iv:coding": ["UNOAH", "ULEE"], "sh:coding": None, "sh:design": "UMIA"}, view=view
    )
    assert len(panels(sandbox)) == 1
    assert seats(sandbox)["coding"] == [("ULEE", "interviewer"), ("UNOAH", "interviewer")]
    assert seats(sandbox)["design"] == [
        ("UMIA", "shadow"),
        ("UPRIYA", "interviewer"),
        ("USAM", "interviewer"),
    ]
    created, updated = panel_events(sandbox)
    assert created.action == "panel.created"
    assert (updated.action, updated.actor_id) == ("panel.updated", "URITA")
    assert updated.before and updated.before["interviews"]["coding"] == {
        "interviewers": ["UJONAS", "ULEE"],
        "shadows": ["UMIA"],
    }
    assert updated.after and updated.after["interviews"]["coding"] == {
        "interviewers": ["ULEE", "UNOAH"],
        "shadows": [],
    }
    posts = sandbox.fake.posts(HIRING_CHANNEL)
    assert len(posts) == 2 and "Panel updated" in posts[1].text
    assert "Changed by <@URITA>" in str(posts[1].blocks)
    # saving it again unchanged posts nothing new
    sandbox.command("URITA", "panel Grace Hopper")
    sandbox.submit("URITA", {}, view=sandbox.fake.last_view("URITA"))
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 2
    assert len(panels(sandbox)) == 1


def test_a_booked_panel_can_not_be_changed_here(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    sandbox.submit("UHANA", {})
    sandbox.command("UHANA", "panel Grace Hopper")
    stale = sandbox.fake.last_view("UHANA")
    with sandbox.app.db.uow(TEAM) as uow:
        [panel] = uow.session.scalars(select(Panel)).all()
        panel.status = "booked"
        uow.commit()
    reply = sandbox.submit("UHANA", {"iv:coding": ["USAM", "UPRIYA"]}, view=stale)
    assert "already booked — use `/interview reschedule`" in reply.json()["errors"]["stage"]
    assert seats(sandbox)["coding"] == [
        ("UJONAS", "interviewer"),
        ("ULEE", "interviewer"),
        ("UMIA", "shadow"),
    ]
    assert len(panel_events(sandbox)) == 1
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    assert "already booked" in str(view) and "iv:coding" not in blocks(view)


def test_outsiders_are_refused_and_nothing_is_saved(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.command("UOTTO", "panel Grace Hopper")
    assert "Only the hiring manager (<@UHANA>)" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.last_view("UOTTO") is None
    sandbox.command("USAM", "panel Grace Hoper")
    assert "Did you mean" not in sandbox.last_reply("USAM")  # no names hinted to people outside the role
    sandbox.command("URITA", "panel Grace Hoper")
    assert "Did you mean “Grace Hopper”" in sandbox.last_reply("URITA")
    sandbox.command("UHANA", "panel Grace Hopper")
    reply = sandbox.submit("UOTTO", {}, view=sandbox.fake.last_view("UHANA"))
    assert "Only the hiring manager" in reply.json()["errors"]["stage"]
    assert panels(sandbox) == [] and panel_events(sandbox) == []
    assert sandbox.fake.posts(HIRING_CHANNEL) == []


def test_inactive_candidates_get_no_panel(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    with sandbox.app.db.uow(TEAM) as uow:
        stored = uow.candidates.get(candidate.id)
        assert stored is not None
        stored.status = "rejected"
        uow.commit()
    reply = sandbox.submit("UHANA", {})
    assert "This candidate is rejected" in reply.json()["errors"]["stage"]
    assert panels(sandbox) == []


def test_slack_errors_when_posting_are_retried_or_explained(sandbox: Sandbox) -> None:
    setup_loop(sandbox)
    sandbox.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=0)
    sandbox.command("UHANA", "panel Grace Hopper")
    sandbox.submit("UHANA", {})
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 1  # retried after Retry-After
    sandbox.fake.channels[HIRING_CHANNEL].bot_is_member = False
    sandbox.advance(minutes=5)
    sandbox.command("UHANA", "panel Grace Hopper")
    sandbox.submit("UHANA", {"iv:coding": ["UJONAS", "UNOAH"]})
    [dm] = sandbox.fake.dms("UHANA")
    assert "The panel is saved, but its summary could not be posted" in dm.text
    assert "not a member of that channel" in dm.text
    assert seats(sandbox)["coding"] == [
        ("UJONAS", "interviewer"),
        ("UMIA", "shadow"),
        ("UNOAH", "interviewer"),
    ]
    # once Loopbot is invited, saving the unchanged panel posts the summary that was missed
    sandbox.fake.channels[HIRING_CHANNEL].bot_is_member = True
    sandbox.command("UHANA", "panel Grace Hopper")
    sandbox.submit("UHANA", {})
    posts = sandbox.fake.posts(HIRING_CHANNEL)
    assert len(posts) == 2 and "Panel updated" in posts[1].text and "<@UNOAH>" in str(posts[1].blocks)
    assert len(panel_events(sandbox)) == 2  # created, updated: the unchanged save is not a change


def test_hostile_candidate_names_are_escaped(sandbox: Sandbox) -> None:
    hostile = "<!channel> *Eve* <@UOTTO> <http://evil.example|click>"
    setup_loop(sandbox, name=hostile)
    sandbox.command("UHANA", f"panel {hostile}")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None
    for part in ("<!channel>", "*Eve*", "<@UOTTO>", "<http://evil"):
        assert_escaped(part, view["blocks"])
    sandbox.submit("UHANA", {})
    [post] = sandbox.fake.posts(HIRING_CHANNEL)
    for part in ("<!channel>", "*Eve*", "<@UOTTO>", "<http://evil"):
        assert_escaped(part, post.blocks, post.text)
    shown_name = "&lt;!channel&gt; ∗Eve∗ &lt;@UOTTO&gt; &lt;http://evil.example|click&gt;"
    assert shown_name in str(view["blocks"]) and shown_name in str(post.blocks)
