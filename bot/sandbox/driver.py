"""Drives Loopbot exactly as Slack does: signed HTTP requests to `/slack/events`.

Slash commands, view submissions (state values built from the view Loopbot opened), block actions
and Events API callbacks, each signed with `X-Slack-Signature` and `X-Slack-Request-Timestamp`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.sandbox.fake_slack import FakeSlack


@dataclass
class Reply:
    """The app's HTTP answer."""

    status: int
    body: str
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackDriver:
    """Sends signed requests to the app's real HTTP endpoint, on behalf of the simulated workspace."""

    def __init__(self, events_url: str, signing_secret: str, fake: FakeSlack) -> None:
        self.events_url = events_url
        self.secret = signing_secret
        self.fake = fake
        self.team_id = fake.team_id
        self._n = itertools.count(1)

    # -- transport ------------------------------------------------------------------------------
    def post_raw(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(self.secret, ts, body),
        }
        all_headers.update(headers or {})
        request = urllib.request.Request(
            self.events_url, data=body.encode(), headers=all_headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(), time.perf_counter() - started)

    def _form(self, fields: dict[str, Any], **kw: Any) -> Reply:
        return self.post_raw(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def _interactive(self, payload: dict[str, Any], **kw: Any) -> Reply:
        return self._form({"payload": json.dumps(payload)}, **kw)

    def _envelope(self, kind: str, user_id: str, **fields: Any) -> dict[str, Any]:
        """An interactive payload of `kind` from `user_id`, wrapped as Slack wraps it."""
        return {
            "type": kind,
            "team": {"id": self.team_id, "domain": "loopbot-sim"},
            "user": self._user(user_id),
            "api_app_id": "ALOOPBOT",
            "token": "deprecated-verification-token",
            "trigger_id": self.trigger_id(user_id),
            "is_enterprise_install": False,
            **fields,
        }

    def trigger_id(self, user_id: str) -> str:
        return f"{next(self._n)}.{user_id}.{time.time_ns()}"

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.fake.users.get(user_id)
        return {"id": user_id, "username": user.name if user else user_id, "team_id": self.team_id}

    # -- surfaces ---------------------------------------------------------------------------------
    def command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/interview",
        channel_id: str = "CGENERAL",
        **kw: Any,
    ) -> Reply:
        """A slash command, as Slack posts it."""
        user = self.fake.users.get(user_id)
        fields = {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "team_domain": "loopbot-sim",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user.name if user else user_id,
            "command": command,
            "text": text,
            "api_app_id": "ALOOPBOT",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(user_id, channel_id),
            "trigger_id": self.trigger_id(user_id),
        }
        return self._form(fields, **kw)

    def submit(
        self, user_id: str, values: dict[str, Any], *, view: dict[str, Any] | None = None, **kw: Any
    ) -> Reply:
        """Submit the user's open modal with `values` by block id (typed as each element wants)."""
        view = view or self.fake.last_view(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no open modal")
        state = state_values(view, values)
        submitted = dict(view, state={"values": state})
        payload = self._envelope("view_submission", user_id, view=submitted, response_urls=[])
        reply = self._interactive(payload, **kw)
        answer = reply.json() if reply.status == 200 and reply.body.startswith("{") else None
        if isinstance(answer, dict) and answer.get("response_action") == "update" and view.get("id"):
            self.fake.replace_view(str(view["id"]), answer["view"])
        return reply

    def close(
        self, user_id: str, *, view: dict[str, Any] | None = None, values: dict[str, Any] | None = None
    ) -> Reply:
        """Close the modal (view_closed; apps must set notify_on_close)."""
        view = view or self.fake.last_view(user_id)
        assert view is not None
        submitted = dict(view, state={"values": state_values(view, values or {})})
        payload = self._envelope("view_closed", user_id, view=submitted, is_cleared=False)
        del payload["trigger_id"]  # closing a modal starts no interaction
        return self._interactive(payload)

    def click(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str = "actions",
        message: Any = None,
        view: dict[str, Any] | None = None,
        selected: str | None = None,
        **kw: Any,
    ) -> Reply:
        """Press a button (or pick a select option) in a message, a modal or the App Home tab."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button" if selected is None else "static_select",
            "action_ts": f"{time.time():.6f}",
        }
        if selected is not None:
            action["selected_option"] = {"text": {"type": "plain_text", "text": selected}, "value": selected}
        else:
            action["value"] = value or ""
        payload = self._envelope("block_actions", user_id, actions=[action])
        if message is not None:
            payload["container"] = {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
            }
            payload["channel"] = {"id": message.channel}
            payload["message"] = {"ts": message.ts, "text": message.text, "blocks": message.blocks}
            payload["response_url"] = self.fake.response_url(user_id, message.channel)
        elif view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = dict(view, state={"values": {}})
        return self._interactive(payload, **kw)

    def enter(self, user_id: str, block_id: str, text: str, *, view: dict[str, Any] | None = None) -> Reply:
        """Type `text` into a modal's text input that dispatches actions, and press Enter (Slack
        sends `block_actions` with the input's value and the view's state)."""
        view = view or self.fake.last_view(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no open modal")
        [block] = [b for b in view.get("blocks", []) if b.get("block_id") == block_id]
        action_id = block["element"]["action_id"]
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "plain_text_input",
            "value": text,
            "action_ts": f"{time.time():.6f}",
        }
        return self._interactive(
            self._envelope(
                "block_actions",
                user_id,
                actions=[action],
                container={"type": "view", "view_id": view.get("id")},
                view=dict(view, state={"values": state_values(view, {block_id: text})}),
            )
        )

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        """An Events API callback; a retry carries `X-Slack-Retry-Num` and the same event id."""
        body = {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "api_app_id": "ALOOPBOT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._n):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOTLOOP", "is_bot": True}],
        }
        headers = {}
        if retry_num:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post_raw(json.dumps(body), "application/json", headers=headers)

    def open_home(self, user_id: str, **kw: Any) -> Reply:
        return self.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id[1:], "tab": "home"}, **kw
        )


def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Build `view.state.values` as Slack does: the given values by block id, typed by each input
    element, and every other input's initial value."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        if block.get("block_id") in values:
            value = values[block["block_id"]]
        else:
            value = initial_value(element)
            if value is None:
                continue
        state[block["block_id"]] = {element["action_id"]: element_value(element, value)}
    unknown = set(values) - {b.get("block_id") for b in view.get("blocks", [])}
    if unknown:
        raise AssertionError(f"the view has no input blocks {sorted(unknown)}")
    return state


def initial_value(element: dict[str, Any]) -> Any:
    """The value an element starts with (what Slack submits when the user leaves it alone)."""
    for key in (
        "initial_value",
        "initial_user",
        "initial_conversation",
        "initial_channel",
        "initial_date",
        "initial_time",
        "initial_users",
    ):
        if element.get(key) is not None:
            return element[key]
    if element.get("initial_option"):
        return element["initial_option"]["value"]
    if element.get("initial_options"):
        return [o["value"] for o in element["initial_options"]]
    return None


# Where an element's state holds its value, for the elements whose value is sent as given.
VALUE_KEYS = {
    **dict.fromkeys(("plain_text_input", "email_text_input", "url_text_input", "number_input"), "value"),
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}


def element_value(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One element's state, as Slack sends it."""
    kind = element["type"]
    if kind in VALUE_KEYS:
        return {"type": kind, VALUE_KEYS[kind]: value}
    if kind in ("static_select", "external_select", "radio_buttons"):
        return {"type": kind, "selected_option": _option(element, value) if value is not None else None}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": [_option(element, v) for v in value or []]}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(value or [])}
    raise AssertionError(f"unsupported element type {kind}")


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    for option in options:
        if option["value"] == value:
            return option
    if element["type"] == "external_select":
        return {"text": {"type": "plain_text", "text": value}, "value": value}
    raise AssertionError(f"no option {value!r} in {element.get('action_id')}")
