"""Hostile and broken input: no 500, no traceback, a clear answer every time, nothing unescaped."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.harness import Sandbox
from tests.helpers import assert_escaped, mrkdwn_texts, shown

GENERIC = "Something went wrong on my side"
SEEDED_NAME = "Ada <!channel> *Lovelace*"
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<!channel>",
            "<@UOTTO> *bold* _it_ ~x~ `code`",
            "<https://evil.example|click>",
            "Ada\u0000Lovelace",
            "‮reversed",
            "名前 テスト",
            "💥" * 50,
            "x" * 5000,
            "#999999",
            "#99999999999999999999",
            "²",
            "٣",
            "#-1",
            "   ",
            "role " * 200,
        ]
    ),
)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def seeded(sandbox: Sandbox) -> None:
    from tests.factories import make_candidate, make_role

    role = make_role(sandbox.app.db, sandbox.clock)
    make_candidate(sandbox.app.db, sandbox.clock, role, name=SEEDED_NAME)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_subcommand_survives_hostile_text(
    sandbox: Sandbox, errors: ErrorLog, data: st.DataObject
) -> None:
    if not sandbox.app.services.roles.list("T0LOOPBOT"):
        seeded(sandbox)
    name = data.draw(st.sampled_from([*sorted(sandbox.app.router.commands), "", "nope", "ROLE"]))
    text = data.draw(HOSTILE_TEXT)
    user = data.draw(st.sampled_from(["UHANA", "URITA", "UOTTO", "UADMIN", "USAM"]))
    before = len(sandbox.fake.messages) + len(sandbox.fake.views)
    reply = sandbox.command(user, f"{name} {text}"[:4000])
    assert reply.status == 200
    answers = [m for m in sandbox.fake.messages if m.user == user]
    assert len(sandbox.fake.messages) + len(sandbox.fake.views) > before, (
        f"no answer to /interview {name} {text!r}"
    )
    for message in answers:
        assert "Traceback" not in message.text and GENERIC not in message.text, message.text
        for mrkdwn in mrkdwn_texts(message.blocks):
            for hostile in ("<!channel>", "<https://evil.example|click>"):
                assert hostile not in mrkdwn
            if "Lovelace" in mrkdwn:  # the seeded candidate, wherever a reply names her, is escaped
                assert shown(SEEDED_NAME) in mrkdwn, mrkdwn
    assert errors.records == []


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("*bold*_it_~x~`code`", "∗bold∗ˍitˍ∼x∼ˋcodeˋ"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
    ],
)
def test_an_unknown_subcommand_is_echoed_escaped(sandbox: Sandbox, typed: str, seen: str) -> None:
    sandbox.command("USAM", typed)
    reply = sandbox.fake.ephemerals("USAM")[-1]
    assert reply.blocks == []  # text only: Slack parses `text` as mrkdwn
    assert reply.text.startswith(f"I don't know `{seen}`. Here is what I can do:")
    assert_escaped(typed, reply.blocks, reply.text)


def test_a_not_found_reply_escapes_the_query_and_the_suggestions(sandbox: Sandbox) -> None:
    seeded(sandbox)
    sandbox.command("UHANA", "status <!channel> Ada")
    reply = sandbox.fake.ephemerals("UHANA")[-1]
    assert reply.blocks == []  # text only: Slack parses `text` as mrkdwn
    assert_escaped("<!channel> Ada", reply.blocks, reply.text)
    assert_escaped(SEEDED_NAME, reply.blocks, reply.text)


MODAL_STATE = st.dictionaries(
    keys=st.sampled_from(
        [
            "title",
            "name",
            "email",
            "role",
            "timezone",
            "channel",
            "plan",
            "evidence",
            "recommendation",
            "definition",
            "confirm",
            "body",
            "note",
            "target",
            "kind",
            "members",
            "daily",
            "weekly",
            "when",
            "c:technical_depth",
            "stage",
            "x" * 300,
        ]
    ),
    values=st.one_of(
        st.builds(lambda v: {"type": "plain_text_input", "value": v}, HOSTILE_TEXT),
        st.builds(
            lambda v: {
                "type": "static_select",
                "selected_option": {"value": v, "text": {"type": "plain_text", "text": "x"}},
            },
            st.sampled_from(["1", "-1", "999999", "99999999999999999999", "²", "abc", "", "strong_yes"]),
        ),
        st.builds(
            lambda v: {"type": "users_select", "selected_user": v},
            st.sampled_from(["UOTTO", "W1", "", "U" * 40]),
        ),
        st.builds(
            lambda v: {"type": "multi_users_select", "selected_users": v},
            st.lists(st.sampled_from(["UOTTO", "UHANA", "bogus"])),
        ),
        st.builds(
            lambda v: {"type": "conversations_select", "selected_conversation": v},
            st.sampled_from(["CHIRING", "CNOBOT", "C404", ""]),
        ),
        st.builds(
            lambda v: {"type": "checkboxes", "selected_options": v},
            st.lists(st.builds(lambda x: {"value": x}, st.text(max_size=5))),
        ),
        st.builds(
            lambda v: {"type": "datepicker", "selected_date": v},
            st.sampled_from(["2026-11-24", "1999-01-01", "nope", None]),
        ),
        st.builds(
            lambda v: {"type": "timepicker", "selected_time": v}, st.sampled_from(["09:00", "25:99", None])
        ),
        st.just({"type": "plain_text_input"}),
        st.just({}),
    ),
    max_size=8,
)
METADATA = st.one_of(
    st.just(""),
    st.just("{not json"),
    st.builds(
        json.dumps,
        st.dictionaries(
            st.sampled_from(
                [
                    "candidate_id",
                    "role_id",
                    "interview_id",
                    "panel_id",
                    "pool_id",
                    "stage",
                    "stage_key",
                    "report_id",
                    "decision",
                ]
            ),
            st.one_of(st.integers(-5, 10**12), st.text(max_size=20), st.none()),
            max_size=4,
        ),
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_modal_survives_broken_state(sandbox: Sandbox, errors: ErrorLog, data: st.DataObject) -> None:
    if not sandbox.app.services.roles.list("T0LOOPBOT"):
        seeded(sandbox)
    callback = data.draw(st.sampled_from(sorted(set(sandbox.app.ctx.modals))))
    state = data.draw(MODAL_STATE)
    view = {
        "id": f"VFUZZ{data.draw(st.integers(0, 10**6))}",
        "type": "modal",
        "callback_id": callback,
        "private_metadata": data.draw(METADATA),
        "blocks": [],
        "state": {"values": {block: {"value": element} for block, element in state.items()}},
        "hash": "1",
        "team_id": "T0LOOPBOT",
    }
    user = data.draw(st.sampled_from(["UHANA", "URITA", "UOTTO", "UADMIN", "USAM"]))
    reply = sandbox.slack.submit(user, {}, view=view)
    sandbox.idle()
    assert reply.status == 200, reply.body
    body = reply.json() if reply.body else None
    if body:
        assert body.get("response_action") in ("errors", "update", "push", "clear")
        for message in (body.get("errors") or {}).values():
            assert message and GENERIC not in message and "Traceback" not in message
    assert errors.records == []


@pytest.mark.parametrize(
    "text", ["digest <!here>", "plan show <!channel>", "pool <@UOTTO>", "status <!here>"]
)
def test_user_text_echoed_in_a_reply_is_escaped(sandbox: Sandbox, text: str) -> None:
    seeded(sandbox)
    sandbox.command("UADMIN", text)
    reply = sandbox.fake.ephemerals("UADMIN")[-1]
    assert_escaped(text.rsplit(" ", 1)[-1], reply.blocks, reply.text)
