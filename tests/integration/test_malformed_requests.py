"""Signed requests with broken bodies: a 400 and one log line, never a 500 or a traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.harness import Sandbox

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def tracebacks(self) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()}" for r in self.records if r.exc_info or r.levelno >= logging.ERROR
        ]


@pytest.fixture
def logs() -> Iterator[Records]:
    handler = Records()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload={not json", FORM),
        ("payload=[]", FORM),
        ("payload=", FORM),
        ("payload=null", FORM),
        ("payload=" + json.dumps({"type": "block_actions"}), FORM),
        ("payload=" + json.dumps({"type": "block_actions", "user": {"id": "UHANA"}, "actions": []}), FORM),
        ("command=/interview&text=help", FORM),
        ("[]", JSON),
        ("{not json", JSON),
        (json.dumps({"type": "event_callback", "team_id": "T0LOOPBOT", "event": None}), JSON),
        (json.dumps({"type": "event_callback", "team_id": "T0LOOPBOT", "event": []}), JSON),
    ],
)
def test_a_signed_malformed_body_gets_400_and_one_log_line(
    sandbox: Sandbox, logs: Records, body: str, content_type: str
) -> None:
    reply = sandbox.slack.post_raw(body, content_type)
    sandbox.idle()
    assert reply.status == 400 and reply.json() == {"error": "invalid_request"}
    ours = [r.getMessage() for r in logs.records if not r.name.startswith("waitress")]  # its queue notes
    assert len(ours) == 1 and "malformed" in ours[0], ours
    assert not logs.tracebacks()


def test_an_unsigned_malformed_body_is_refused_as_unsigned(sandbox: Sandbox) -> None:
    reply = sandbox.slack.post_raw("payload={not json", FORM, headers={"X-Slack-Signature": "v0=00"})
    assert reply.status == 401


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
USER = st.fixed_dictionaries({"id": st.sampled_from(["UHANA", "UADMIN", "UNOBODY"])})
PAYLOAD = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["block_actions", "view_submission", "view_closed", "shortcut", "x"]),
        "user": USER | JSONISH,
    },
    optional={
        "team": JSONISH,
        "actions": st.lists(st.dictionaries(st.sampled_from(["action_id", "value", "type"]), JSONISH)),
        "view": st.dictionaries(st.sampled_from(["callback_id", "private_metadata", "state", "id"]), JSONISH),
        "trigger_id": JSONISH,
    },
)
EVENT = st.fixed_dictionaries(
    {"type": st.sampled_from(["app_home_opened", "message", "app_uninstalled", "tokens_revoked", "x"])},
    optional={"user": JSONISH, "tab": JSONISH, "channel": JSONISH, "tokens": JSONISH},
)
BODIES = st.one_of(
    st.tuples(st.text(max_size=100), st.sampled_from([FORM, JSON])),
    st.tuples(st.builds(json.dumps, JSONISH), st.just(JSON)),
    st.tuples(st.builds(lambda p: urlencode({"payload": json.dumps(p)}), PAYLOAD), st.just(FORM)),
    st.tuples(
        st.builds(
            lambda e: json.dumps({"type": "event_callback", "team_id": "T0LOOPBOT", "event": e}), EVENT
        ),
        st.just(JSON),
    ),
    st.tuples(
        st.builds(
            urlencode,
            st.dictionaries(
                st.sampled_from(
                    ["command", "text", "user_id", "team_id", "channel_id", "response_url", "trigger_id"]
                ),
                st.text(max_size=20),
            ),
        ),
        st.just(FORM),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=BODIES)
def test_no_signed_body_gets_a_5xx_or_a_traceback(
    sandbox: Sandbox, logs: Records, case: tuple[str, str]
) -> None:
    body, content_type = case
    reply = sandbox.slack.post_raw(body, content_type)
    sandbox.idle()
    assert reply.status < 500, (reply.status, reply.body)
    assert not logs.tracebacks()
