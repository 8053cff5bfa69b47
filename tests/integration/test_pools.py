"""Interviewer pools through Slack: create, edit, list, permissions and validation (both databases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent, Person, Pool
from tests.factories import TEAM, make_role
from tests.helpers import assert_escaped

VALUES: dict[str, Any] = {
    "name": "Backend engineers",
    "kind": "engineer",
    "qualified": ["UPRIYA", "USAM", "UJONAS"],
    "reverse_shadow": ["UNOAH"],
    "shadow": ["UMIA"],
    "daily_limit": "2",
    "weekly_limit": "4",
}


def pools(sandbox: Sandbox) -> list[Pool]:
    with sandbox.app.db.uow(TEAM) as uow:
        return uow.pools.all()


def audit(sandbox: Sandbox, prefix: str) -> list[AuditEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [e for e in uow.audit.all() if e.action.startswith(prefix)]


def levels(pool: Pool) -> dict[str, str]:
    return {m.user_id: m.level for m in pool.members}


def open_role(sandbox: Sandbox) -> None:
    make_role(sandbox.app.db, sandbox.clock)  # UHANA manages it, URITA recruits for it


def test_a_manager_creates_a_pool_in_the_modal_audited_with_people_from_slack(sandbox: Sandbox) -> None:
    open_role(sandbox)
    sandbox.command("UHANA", "pool")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and view["callback_id"] == "pool_modal"
    kinds = next(b for b in view["blocks"] if b["block_id"] == "kind")["element"]["options"]
    assert {"engineer", "senior_engineer", "hiring_manager", "recruiter", "director"} <= {
        o["value"] for o in kinds
    }
    reply = sandbox.submit("UHANA", VALUES)
    assert reply.status == 200 and reply.body == ""
    [pool] = pools(sandbox)
    assert (pool.name, pool.kind) == ("Backend engineers", "engineer")
    assert levels(pool) == {
        "UPRIYA": "qualified",
        "USAM": "qualified",
        "UJONAS": "qualified",
        "UNOAH": "reverse_shadow",
        "UMIA": "shadow",
    }
    assert {(m.daily_limit, m.weekly_limit) for m in pool.members} == {(2, 4)}
    [event] = audit(sandbox, "pool.")
    assert (event.action, event.actor_id, event.before) == ("pool.created", "UHANA", None)
    assert event.after and event.after["members"]["UNOAH"] == "reverse_shadow"
    # after the ack, every member is known with their Slack time zone and name
    with sandbox.app.db.uow(TEAM) as uow:
        people = {p.user_id: p for p in uow.session.scalars(select(Person))}
    assert set(people) == {"UPRIYA", "USAM", "UJONAS", "UNOAH", "UMIA"}
    assert (people["UPRIYA"].tz, people["UPRIYA"].display_name) == ("Asia/Kolkata", "Priya Patel")
    assert people["UNOAH"].tz == "America/Los_Angeles"


def test_editing_a_pool_by_name_prefills_and_replaces_members_and_limits(sandbox: Sandbox) -> None:
    open_role(sandbox)
    sandbox.command("UHANA", "pool")
    sandbox.submit("UHANA", VALUES)
    sandbox.command("URITA", "pool backend ENGINEERS")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == "pool_modal"
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["name"]["element"]["initial_value"] == "Backend engineers"
    assert blocks["kind"]["element"]["initial_option"]["value"] == "engineer"
    assert sorted(blocks["qualified"]["element"]["initial_users"]) == ["UJONAS", "UPRIYA", "USAM"]
    assert blocks["weekly_limit"]["element"]["initial_value"] == "4"
    # untouched inputs keep their initial values; USAM leaves, LEE joins, MIA is promoted
    sandbox.submit(
        "URITA",
        {"qualified": ["UPRIYA", "UJONAS", "ULEE", "UMIA"], "shadow": [], "daily_limit": "1"},
        view=view,
    )
    [pool] = pools(sandbox)
    assert levels(pool) == {
        "UPRIYA": "qualified",
        "UJONAS": "qualified",
        "ULEE": "qualified",
        "UMIA": "qualified",
        "UNOAH": "reverse_shadow",
    }
    assert {(m.daily_limit, m.weekly_limit) for m in pool.members} == {(1, 4)}
    created, updated = audit(sandbox, "pool.")
    assert created.action == "pool.created"
    assert (updated.action, updated.actor_id) == ("pool.updated", "URITA")
    assert updated.before and "USAM" in updated.before["members"]
    assert updated.after and "USAM" not in updated.after["members"]


def test_pools_lists_members_by_level_and_limits(sandbox: Sandbox) -> None:
    open_role(sandbox)
    sandbox.command("UOTTO", "pools")
    assert "No interviewer pools yet" in sandbox.last_reply("UOTTO")
    sandbox.command("UHANA", "pool")
    sandbox.submit("UHANA", VALUES | {"name": "Platform *team* <!channel>"})
    sandbox.command("UOTTO", "pools")
    reply = sandbox.fake.ephemerals("UOTTO")[-1]
    text = reply.text
    assert "at most 2 a day, 4 a week" in text
    assert "qualified: <@UJONAS>, <@UPRIYA>, <@USAM>" in text
    assert "shadow: <@UMIA>" in text and "reverse shadow: <@UNOAH>" in text
    assert "• *Platform ∗team∗ &lt;!channel&gt;* (engineer)" in text  # bold; its stars as look-alikes
    assert_escaped("Platform *team* <!channel>", reply.blocks, text)


def test_only_admins_and_role_managers_may_create_or_change_pools(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "pool")  # manages no open role yet
    assert "Only workspace admins and people who manage an open role" in sandbox.last_reply("UHANA")
    assert sandbox.fake.last_view("UHANA") is None
    sandbox.command("UADMIN", "pool")
    assert sandbox.fake.last_view("UADMIN") is not None
    sandbox.submit("UADMIN", VALUES)
    open_role(sandbox)
    for outsider in ("UOTTO", "UPRIYA"):
        sandbox.command(outsider, "pool Backend engineers")
        assert "Only workspace admins" in sandbox.last_reply(outsider)
        assert sandbox.fake.last_view(outsider) is None
    # a forged submission of someone else's modal changes nothing either
    sandbox.command("URITA", "pool Backend engineers")
    reply = sandbox.submit("UOTTO", {"qualified": ["UOTTO"]}, view=sandbox.fake.last_view("URITA"))
    assert "Only workspace admins" in reply.json()["errors"]["name"]
    [pool] = pools(sandbox)
    assert "UOTTO" not in levels(pool)
    assert [e.action for e in audit(sandbox, "pool.")] == ["pool.created"]


def test_bad_pool_input_is_shown_next_to_each_field_and_saves_nothing(sandbox: Sandbox) -> None:
    open_role(sandbox)
    sandbox.command("UHANA", "pool")
    sandbox.submit("UHANA", VALUES)
    sandbox.command("UHANA", "pool")
    reply = sandbox.submit(
        "UHANA",
        {
            "name": "backend ENGINEERS",
            "kind": "engineer",
            "qualified": ["USAM", "ULEE"],
            "shadow": ["ULEE"],
            "daily_limit": "3",
            "weekly_limit": "2",
        },
    )
    errors = reply.json()["errors"]
    assert "already a pool called “Backend engineers”" in errors["name"]
    assert "Lee Chen: already listed at another level" in errors["shadow"]
    assert "weekly limit (2) can't be below the daily one (3)" in errors["weekly_limit"]
    reply = sandbox.submit(
        "UHANA", {"name": " ", "qualified": [], "daily_limit": "two", "weekly_limit": "99"}
    )
    errors = reply.json()["errors"]
    assert set(errors) == {"name", "kind", "qualified", "daily_limit", "weekly_limit"}
    assert "not a whole number" in errors["daily_limit"]
    assert "between 1 and 40" in errors["weekly_limit"]
    assert len(pools(sandbox)) == 1
    assert len(audit(sandbox, "pool.")) == 1


def test_a_doubled_pool_submission_saves_once_and_unknown_names_get_suggestions(sandbox: Sandbox) -> None:
    open_role(sandbox)
    sandbox.command("UHANA", "pool")
    view = sandbox.fake.last_view("UHANA")
    sandbox.submit("UHANA", VALUES, view=view)
    sandbox.submit("UHANA", VALUES, view=view)
    assert len(pools(sandbox)) == 1
    assert len(audit(sandbox, "pool.")) == 1
    sandbox.command("UHANA", "pool Backend enginers")
    assert "Did you mean “Backend engineers”" in sandbox.last_reply("UHANA")
