"""Roles and help through the real HTTP endpoint with signed requests, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, NO_BOT_CHANNEL, Sandbox
from storage.models import AuditEvent, Role
from tests.helpers import assert_escaped, plain_texts


def role_values(sandbox: Sandbox, **overrides: object) -> dict[str, object]:
    view = sandbox.fake.last_view("UHANA")
    assert view is not None
    plan_options = next(b for b in view["blocks"] if b["block_id"] == "plan")["element"]["options"]
    values: dict[str, object] = {
        "title": "Senior Backend Engineer",
        "channel": HIRING_CHANNEL,
        "hiring_manager": "UHANA",
        "recruiters": ["URITA"],
        "plan": plan_options[0]["value"],
        "timezone": "Europe/London",
    }
    values.update(overrides)
    return values


def roles_in_db(sandbox: Sandbox) -> list[Role]:
    with sandbox.app.db.uow("T0LOOPBOT") as uow:
        return list(uow.session.scalars(select(Role)))


def test_help_lists_subcommands_and_unknown_shows_help(sandbox: Sandbox) -> None:
    reply = sandbox.command("UHANA", "")
    assert reply.status == 200
    assert "/interview role" in sandbox.last_reply("UHANA")
    sandbox.command("UHANA", "frobnicate")
    text = sandbox.last_reply("UHANA")
    assert "I don't know `frobnicate`" in text and "/interview candidate" in text


def test_role_modal_creates_role_announces_and_audits(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "role")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and view["callback_id"] == "role_modal"
    reply = sandbox.submit("UHANA", role_values(sandbox))
    assert reply.status == 200 and reply.body == ""
    roles = roles_in_db(sandbox)
    assert [r.title for r in roles] == ["Senior Backend Engineer"]
    posts = sandbox.fake.posts(HIRING_CHANNEL)
    assert len(posts) == 1 and "Senior Backend Engineer" in posts[0].text
    with sandbox.app.db.uow("T0LOOPBOT") as uow:
        events = list(uow.session.scalars(select(AuditEvent)))
    assert [(e.action, e.actor_id) for e in events] == [("role.created", "UHANA")]
    assert events[0].after and events[0].after["title"] == "Senior Backend Engineer"


def test_channel_without_bot_is_an_error_next_to_the_field_and_saves_nothing(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "role")
    reply = sandbox.submit("UHANA", role_values(sandbox, channel=NO_BOT_CHANNEL))
    body = reply.json()
    assert body["response_action"] == "errors"
    assert "not a member" in body["errors"]["channel"]
    sandbox.fake.channels.pop(NO_BOT_CHANNEL)
    reply = sandbox.submit(
        "UHANA", role_values(sandbox, channel=NO_BOT_CHANNEL, title="", timezone="Mars/Base")
    )
    errors = reply.json()["errors"]
    assert set(errors) == {"channel", "title", "timezone"}
    assert "can't find that channel" in errors["channel"]
    assert roles_in_db(sandbox) == []
    assert sandbox.fake.posts(HIRING_CHANNEL) == []


def test_a_doubled_submission_saves_and_announces_once(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "role")
    values = role_values(sandbox)
    view = sandbox.fake.last_view("UHANA")
    assert sandbox.submit("UHANA", values, view=view).status == 200
    assert sandbox.submit("UHANA", values, view=view).status == 200
    assert len(roles_in_db(sandbox)) == 1
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 1


def test_hostile_title_is_escaped_in_the_announcement(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "role")
    sandbox.submit("UHANA", role_values(sandbox, title="<!channel> *boss* <@UOTTO>"))
    post = sandbox.fake.posts(HIRING_CHANNEL)[0]
    for hostile in ("<!channel>", "*boss*", "<@UOTTO>"):
        assert_escaped(hostile, post.blocks, post.text)
    assert post.text == "New role: &lt;!channel&gt; ∗boss∗ &lt;@UOTTO&gt;"
    assert "New role: <!channel> *boss* <@UOTTO>" in plain_texts(post.blocks)  # the header, as typed


def test_only_managers_may_edit_a_role(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "role")
    sandbox.submit("UHANA", role_values(sandbox))
    sandbox.command("UOTTO", "role Senior Backend Engineer")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")
    sandbox.command("URITA", "role senior backend enginer")
    assert "Did you mean “Senior Backend Engineer”" in sandbox.last_reply("URITA")
    sandbox.command("URITA", "role Senior Backend Engineer")
    assert sandbox.fake.last_view("URITA")["callback_id"] == "role_modal"
    sandbox.submit(
        "URITA",
        role_values(sandbox, title="Staff Backend Engineer") | {"hiring_manager": "UHANA"},
        view=sandbox.fake.last_view("URITA"),
    )
    assert [r.title for r in roles_in_db(sandbox)] == ["Staff Backend Engineer"]
    sandbox.command("UHANA", "roles")
    assert "Staff Backend Engineer" in sandbox.last_reply("UHANA")
