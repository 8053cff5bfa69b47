"""Multi-workspace installs over OAuth, with data kept apart per workspace."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from storage.models import Role
from tests.oauth_support import install

OTHER_TEAM = "T0OTHERWS"


@pytest.fixture
def oauth_box(database_url: str) -> Iterator[Sandbox]:
    box = Sandbox(
        database_url,
        slack_bot_token=None,
        slack_client_id="1111.2222",
        slack_client_secret="oauth-client-secret",
    ).start()
    try:
        yield box
    finally:
        box.stop()


def test_install_then_use_two_workspaces_whose_data_stay_apart(oauth_box: Sandbox) -> None:
    box = oauth_box
    assert "Thank you" in install(box, "T0LOOPBOT", "code-one")
    assert "Thank you" in install(box, OTHER_TEAM, "code-two")
    assert len(box.fake.calls_to("oauth.v2.access")) == 2

    box.command("UHANA", "role")
    view = box.fake.last_view("UHANA")
    assert view is not None
    plan = next(b for b in view["blocks"] if b["block_id"] == "plan")["element"]["options"][0]["value"]
    box.submit(
        "UHANA",
        {
            "title": "Backend Engineer",
            "channel": HIRING_CHANNEL,
            "hiring_manager": "UHANA",
            "plan": plan,
            "timezone": "Europe/London",
        },
    )
    with box.app.db.uow("T0LOOPBOT") as uow:
        assert [r.title for r in uow.session.scalars(select(Role))] == ["Backend Engineer"]

    box.slack.team_id = OTHER_TEAM
    box.command("UHANA", "roles")
    assert "No open roles yet" in box.last_reply("UHANA")
    box.command("UHANA", "role Backend Engineer")
    assert "No open role called" in box.last_reply("UHANA")

    # Each workspace's calls use that workspace's own bot token.
    box.command("UHANA", "role")
    tokens = [c.headers.get("authorization", "") for c in box.fake.calls if c.method == "views.open"]
    teams = [box.fake.tokens.get(t.removeprefix("Bearer ")) for t in tokens]
    assert teams == ["T0LOOPBOT", OTHER_TEAM]


def test_a_workspace_that_never_installed_gets_nothing(oauth_box: Sandbox) -> None:
    box = oauth_box
    box.slack.team_id = "T0STRANGER"
    reply = box.command("UHANA", "roles")
    assert reply.status in (200, 401)
    assert box.fake.calls_to("views.open") == []
    with box.app.db.uow("T0STRANGER") as uow:
        assert list(uow.session.scalars(select(Role))) == []


def test_install_with_a_forged_state_is_refused(oauth_box: Sandbox) -> None:
    box = oauth_box
    box.fake.grant_install("code-x", "T0LOOPBOT")
    assert box.server is not None
    try:
        with urllib.request.urlopen(
            f"{box.server.url}/slack/oauth_redirect?code=code-x&state=forged", timeout=5
        ) as r:
            status = r.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status >= 400
    assert box.fake.calls_to("oauth.v2.access") == []
