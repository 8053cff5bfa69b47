"""`/interview plans`, `/interview plan [key]` and the YAML plan modal, through the real endpoint."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent, Plan
from tests.factories import make_role
from tests.helpers import assert_escaped

TEAM = "T0LOOPBOT"

GOOD = """\
key: platform-backend
name: Platform backend
competencies:
  coding: Writes clear, working code
  design: Designs services and weighs trade-offs
stages:
  - key: screen
    name: Technical screen
    interviews:
      - {key: screen, name: Coding screen, duration_minutes: 45, competencies: [coding]}
  - key: onsite
    name: On-site
    constraints: {same_day: true, buffer_minutes: 15}
    interviews:
      - {key: design, name: System design, duration_minutes: 60, pool: senior_engineer,
         competencies: [design], mode: onsite}
"""


def custom_plans(sandbox: Sandbox) -> list[Plan]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [p for p in uow.plans.all() if p.source != "builtin"]


def plan_events(sandbox: Sandbox) -> list[tuple[str, str]]:
    with sandbox.app.db.uow(TEAM) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "plan"))
        return [(e.action, e.actor_id) for e in rows]


def reply_text(sandbox: Sandbox, user_id: str) -> str:
    """Everything the newest ephemeral reply shows (fallback text and blocks)."""
    reply = sandbox.fake.ephemerals(user_id)[-1]
    return reply.text + "\n" + str(reply.blocks)


def test_anyone_can_list_plans_and_read_one(sandbox: Sandbox) -> None:
    sandbox.command("UOTTO", "plans")
    listing = reply_text(sandbox, "UOTTO")
    for name in ("Senior Backend (public-sector publishing)", "Backend Developer (online loop)"):
        assert name in listing
    assert "Technical phone interview (30 min) → On-site interview (6 interviews, 2 h 40 min)" in listing

    sandbox.command("UOTTO", "plan streaming-backend-centralized")
    detail = reply_text(sandbox, "UOTTO")
    assert "Round 1 interviews" in detail and "45 min · engineering director · on site" in detail
    assert "Take-home coding exercise (not scheduled)" in detail
    assert "centralized hiring" in detail

    sandbox.command("UOTTO", "plan online-loop")
    assert "There is no plan `online-loop`. Did you mean" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.calls_to("views.open") == []


def test_bad_yaml_is_reported_next_to_the_field_and_nothing_is_saved(sandbox: Sandbox) -> None:
    sandbox.command("UADMIN", "plan")
    view = sandbox.fake.last_view("UADMIN")
    assert view is not None and view["callback_id"] == "plan_modal"

    bad = GOOD.replace("duration_minutes: 60", "duration_minutes: 3").replace("[design]", "[desing]")
    reply = sandbox.submit("UADMIN", {"definition": bad})
    body = reply.json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"definition"}
    assert body["errors"]["definition"].splitlines() == [
        "stages.1.interviews.0.competencies: unknown 'desing'; define it under `competencies` first",
        "stages.1.interviews.0.duration_minutes: Input should be greater than or equal to 5",
    ]

    reply = sandbox.submit("UADMIN", {"definition": "key: [oops\nname: x"})
    assert reply.json()["errors"]["definition"].startswith("line 2, column 5:")

    reply = sandbox.submit("UADMIN", {"definition": GOOD.replace("platform-backend", "online-backend-loop")})
    assert "is the key of a built-in plan" in reply.json()["errors"]["definition"]

    assert custom_plans(sandbox) == [] and plan_events(sandbox) == []
    assert sandbox.fake.dms("UADMIN") == []


def test_good_yaml_is_saved_audited_confirmed_and_listed(sandbox: Sandbox) -> None:
    sandbox.command("UADMIN", "plan")
    view = sandbox.fake.last_view("UADMIN")
    assert sandbox.submit("UADMIN", {"definition": GOOD}, view=view).body == ""
    assert sandbox.submit("UADMIN", {"definition": GOOD}, view=view).body == ""  # a doubled submission
    [plan] = custom_plans(sandbox)
    assert (plan.key, plan.name, plan.source) == ("platform-backend", "Platform backend", "modal")
    assert plan_events(sandbox) == [("plan.created", "UADMIN")]
    [dm] = sandbox.fake.dms("UADMIN")
    assert "Saved the interview plan" in dm.text and "Technical screen (45 min)" in str(dm.blocks)

    sandbox.command("UHANA", "plans")
    assert "Platform backend" in reply_text(sandbox, "UHANA") and "added in Slack" in reply_text(
        sandbox, "UHANA"
    )
    sandbox.command("UHANA", "role")
    role_view = sandbox.fake.last_view("UHANA")
    assert role_view is not None
    options = next(b for b in role_view["blocks"] if b["block_id"] == "plan")["element"]
    assert "Platform backend" in [o["text"]["text"] for o in options["options"]]


def test_only_role_managers_and_admins_add_plans(sandbox: Sandbox) -> None:
    sandbox.command("UOTTO", "plan")
    assert "Only hiring managers and recruiters of an open role, or a workspace admin" in sandbox.last_reply(
        "UOTTO"
    )
    assert sandbox.fake.calls_to("views.open") == []

    make_role(sandbox.app.db, sandbox.clock, hiring_manager="UHANA", recruiters=("URITA",))
    sandbox.command("URITA", "plan")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == "plan_modal"
    sandbox.submit("URITA", {"definition": GOOD})
    assert [p.key for p in custom_plans(sandbox)] == ["platform-backend"]

    # A modal kept open by someone who no longer manages anything saves nothing.
    sandbox.command("UADMIN", "plan")
    admin_view = sandbox.fake.last_view("UADMIN")
    reply = sandbox.submit(
        "UOTTO", {"definition": GOOD.replace("platform-backend", "otto-plan")}, view=admin_view
    )
    assert "Only hiring managers" in reply.json()["errors"]["definition"]
    assert [p.key for p in custom_plans(sandbox)] == ["platform-backend"]


def test_replacing_a_plan_a_role_uses_needs_that_roles_managers(sandbox: Sandbox) -> None:
    make_role(sandbox.app.db, sandbox.clock, title="Platform", hiring_manager="UHANA", recruiters=())
    sandbox.command("UHANA", "plan")
    sandbox.submit("UHANA", {"definition": GOOD})
    make_role(
        sandbox.app.db,
        sandbox.clock,
        title="Platform squad",
        plan_key="platform-backend",
        hiring_manager="UHANA",
        recruiters=(),
    )
    make_role(sandbox.app.db, sandbox.clock, title="Data", hiring_manager="URITA", recruiters=())
    sandbox.command("URITA", "plan")
    reply = sandbox.submit("URITA", {"definition": GOOD.replace("name: Platform backend", "name: Mine now")})
    assert (
        "may replace the plan “Platform backend” used by “Platform squad”"
        in reply.json()["errors"]["definition"]
    )
    sandbox.command("UHANA", "plan")
    sandbox.submit(
        "UHANA", {"definition": GOOD.replace("name: Platform backend", "name: Platform backend v2")}
    )
    assert [p.name for p in custom_plans(sandbox)] == ["Platform backend v2"]
    assert plan_events(sandbox) == [("plan.created", "UHANA"), ("plan.updated", "UHANA")]
    assert "Updated the interview plan" in sandbox.fake.dms("UHANA")[-1].text


def test_plan_text_is_escaped(sandbox: Sandbox) -> None:
    hostile = GOOD.replace("name: Platform backend", 'name: "<!channel> *boss* <@UOTTO>"').replace(
        "name: On-site", "name: <!here> on-site"
    )
    sandbox.command("UADMIN", "plan")
    sandbox.submit("UADMIN", {"definition": hostile})
    sandbox.command("UADMIN", "plans")
    listing = sandbox.fake.ephemerals("UADMIN")[-1]
    sandbox.command("UADMIN", "plan platform-backend")
    detail = sandbox.fake.ephemerals("UADMIN")[-1]
    dm = sandbox.fake.dms("UADMIN")[-1]
    for message in (listing, detail, dm):
        for raw in ("<!channel>", "*boss*", "<@UOTTO>", "<!here>"):
            assert_escaped(raw, message.blocks, message.text)
    assert "&lt;!channel&gt; ∗boss∗" in str(listing.blocks)
    assert "&lt;!here&gt; on-site" in str(detail.blocks)
