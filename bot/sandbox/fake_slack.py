"""A loopback fake of the Slack Web API that speaks its real wire format.

It binds port 0, answers the Web API methods Loopbot uses with realistic JSON, records every call,
validates every view and message through `slack_sdk.models` (an invalid one is answered
`invalid_blocks`, as Slack would, and remembered in `block_errors`), and can be told to misbehave
(`ratelimited` with `Retry-After`, 5xx, slow answers, `not_in_channel`, ...) or hang (`stall()`).

With `rate_limits=SLACK_LIMITS` (off by default) it enforces Slack's published rate limits as token
buckets: `chat.postMessage` one message a second per channel with a short burst plus a workspace-wide
limit, `views.publish` Tier 4, `conversations.open` Tier 3. A call over its limit is answered as Slack
answers it: HTTP 429, `{"ok": false, "error": "ratelimited"}` and `Retry-After` in whole seconds.
Its clock is injectable (`clock=`, seconds, monotonic by default).

File uploads work as Slack's do (slack_sdk's `files_upload_v2`): `files.getUploadURLExternal` hands out
a file id and an upload URL on this server, a POST of the raw bytes to it answers `OK - <length>`, and
`files.completeUploadExternal` finishes the file, privately or shared in a channel or thread (a file
share message). `files` keeps every upload with its bytes; an image block's `slack_file` must name
a finished image upload, or the blocks are refused (`invalid slack file`).
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.loopback import Dropped, LoopbackHandler, LoopbackServer

TEAM_ID = "T0LOOPBOT"
BOT_USER_ID = "UBOTLOOP"
BOT_ID = "BLOOPBOT"


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """A scripted misbehaviour for the next `times` calls of a method."""

    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    stall: bool = False  # hold the call for `delay` seconds (forever when 0), see `FakeSlack.stall`


@dataclass(frozen=True)
class Limit:
    """A token bucket: `burst` calls at once, then one every `1 / per_second` seconds."""

    per_second: float
    burst: int = 1

    @classmethod
    def per_minute(cls, count: float, burst: int = 1) -> Limit:
        return cls(count / 60.0, burst)


@dataclass(frozen=True)
class MethodLimits:
    """A method's limits: `per_workspace` is shared by all its calls in a workspace, `per_target` by
    its calls naming the same channel (`chat.postMessage`) or user (`views.publish`)."""

    per_workspace: Limit | None = None
    per_target: Limit | None = None
    target_param: str = "channel"


# Slack's published limits (api.slack.com/docs/rate-limits): "Posting messages 1 per second, short
# bursts >1 allowed" per channel; Tier 4 "100+ per minute ... generous burst"; Tier 3 "50+ per
# minute ... sporadic bursts". Slack publishes no figure for chat.postMessage's workspace-wide limit:
# 100 a second here is an assumption (hundreds of channels posting at 1/s cannot all be served).
SLACK_LIMITS: Mapping[str, MethodLimits] = {
    "chat.postMessage": MethodLimits(per_workspace=Limit(100.0, 100), per_target=Limit(1.0, 3)),
    "views.publish": MethodLimits(per_workspace=Limit.per_minute(100, 20), target_param="user_id"),
    "conversations.open": MethodLimits(per_workspace=Limit.per_minute(50, 10)),
}


class RateLimiter:
    """Token buckets per (workspace, method[, target]); `wait(...)` says how long a call must wait."""

    def __init__(self, limits: Mapping[str, MethodLimits], clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._buckets: dict[tuple[str, ...], tuple[float, float]] = {}  # key → (tokens, at)
        self._lock = threading.Lock()
        self.refused: list[tuple[str, str, int]] = []  # (method, bucket, Retry-After) of each 429

    def retry_after(self, team_id: str, method: str, params: Mapping[str, Any]) -> int | None:
        """Take one token from every bucket the call uses; None when it may go, else the whole seconds
        to wait (no token is taken then)."""
        spec = self.limits.get(method)
        if spec is None:
            return None
        buckets: list[tuple[tuple[str, ...], Limit]] = []
        if spec.per_workspace is not None:
            buckets.append(((team_id, method), spec.per_workspace))
        target = str(params.get(spec.target_param) or "")
        if spec.per_target is not None and target:
            buckets.append(((team_id, method, target), spec.per_target))
        with self._lock:
            now = self.clock()
            levels = [self._level(key, limit, now) for key, limit in buckets]
            short = [
                (1.0 - level) / limit.per_second
                for level, (_, limit) in zip(levels, buckets, strict=True)
                if level < 1.0
            ]
            if short:
                wait = max(1, math.ceil(max(short)))
                self.refused.append((method, "/".join(buckets[-1][0][2:]) or "workspace", wait))
                return wait
            for level, (key, _) in zip(levels, buckets, strict=True):
                self._buckets[key] = (level - 1.0, now)
        return None

    def _level(self, key: tuple[str, ...], limit: Limit, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(limit.burst), now))
        return min(float(limit.burst), tokens + (now - at) * limit.per_second)


@dataclass
class FakeUser:
    id: str
    name: str
    real_name: str
    tz: str = "Europe/London"
    email: str | None = None
    is_admin: bool = False
    deleted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": False,
            "is_admin": self.is_admin,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "email": self.email or f"{self.name}@example.com",
            },
        }


@dataclass
class FakeChannel:
    id: str
    name: str
    bot_is_member: bool = True
    is_private: bool = False
    is_archived: bool = False


@dataclass
class Posted:
    """A message as the workspace shows it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    user: str | None = None  # for ephemeral messages: who sees it
    kind: str = "message"  # message | ephemeral | response
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # a file share: the files shown


@dataclass
class UploadedFile:
    """A file uploaded through the external upload flow, and where it was shared."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes | None = None
    title: str | None = None
    completed: bool = False
    deleted: bool = False
    channel: str | None = None
    thread_ts: str | None = None

    @property
    def is_image(self) -> bool:
        return self.filename.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))

    def as_json(self, team_id: str, url: str) -> dict[str, Any]:
        private = f"{url}files-pri/{team_id}-{self.id}/{self.filename}"
        return {
            "id": self.id,
            "created": 1_700_000_000,
            "timestamp": 1_700_000_000,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": "image/png" if self.filename.lower().endswith(".png") else "application/octet-stream",
            "filetype": self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else "binary",
            "user": BOT_USER_ID,
            "size": self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": self.channel is not None and self.channel.startswith("C"),
            "alt_txt": self.alt_txt,
            "url_private": private,
            "url_private_download": private.replace("/files-pri/", "/files-pri/download/"),
            "permalink": f"{url}files/{BOT_USER_ID}/{self.id}/{self.filename}",
            "channels": [],
            "groups": [],
            "ims": [],
            "shares": {},  # filled in asynchronously by Slack, after the answer
        }


class FakeSlack(LoopbackServer):
    """The simulated workspace and its Web API server."""

    def __init__(
        self,
        *,
        rate_limits: Mapping[str, MethodLimits] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.team_id = TEAM_ID
        self.limiter = RateLimiter(rate_limits, clock) if rate_limits is not None else None
        self.users: dict[str, FakeUser] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.calls: list[Call] = []
        self.messages: list[Posted] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owner: dict[str, str] = {}
        self.home_tabs: dict[str, dict[str, Any]] = {}
        self.block_errors: list[str] = []
        self.faults: dict[str, list[Fault]] = {}
        self._holding: dict[str, int] = {}
        self.install_codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}  # bot tokens handed out by installs → their workspace
        self.owners: dict[str, str] = {}  # user or channel id → its workspace (see `place`)
        self.revoked: set[str] = set()  # tokens Slack no longer accepts (see `uninstall`)
        self.default_revoked = False  # the default workspace's preset token (`SLACK_BOT_TOKEN`) too
        self.files: dict[str, UploadedFile] = {}
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        super().__init__(_make_handler(self), "fake-slack")

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    # -- seeding ----------------------------------------------------------------------------
    def add_user(
        self, user_id: str, name: str, *, real_name: str | None = None, tz: str = "Europe/London", **kw: Any
    ) -> FakeUser:
        user = FakeUser(id=user_id, name=name, real_name=real_name or name.title(), tz=tz, **kw)
        self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, bot_is_member: bool = True, **kw: Any
    ) -> FakeChannel:
        channel = FakeChannel(id=channel_id, name=name, bot_is_member=bot_is_member, **kw)
        self.channels[channel_id] = channel
        return channel

    def fail(
        self,
        method: str,
        error: str | None = None,
        *,
        status: int = 200,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail (or be slow)."""
        with self._lock:
            self.faults.setdefault(method, []).append(
                Fault(error=error, status=status, retry_after=retry_after, delay=delay, times=times)
            )

    def stall(self, method: str, seconds: float | None = None, *, times: int = 1) -> None:
        """Hang the next `times` calls of `method`, as a Slack that does not answer: each is recorded,
        then held `seconds` and carried out and answered as usual (a slow Slack), or, with `seconds`
        None, held until `release()` or `stop()` and then dropped unanswered (a lost call)."""
        with self._lock:
            self._released.clear()
            self.faults.setdefault(method, []).append(Fault(delay=seconds or 0.0, times=times, stall=True))

    def held(self, method: str) -> int:
        """How many calls of `method` are being held right now."""
        with self._lock:
            return self._holding.get(method, 0)

    def place(self, team_id: str, *ids: str) -> None:
        """Put users and channels in workspace `team_id`: a call made with another workspace's token
        that names them is answered `user_not_found` / `channel_not_found`, as Slack would. Ids
        never placed are visible to every workspace."""
        with self._lock:
            self.owners.update(dict.fromkeys(ids, team_id))

    def uninstall(self, team_id: str) -> None:
        """Uninstall the app from `team_id`: its tokens are revoked (calls answer `token_revoked`)."""
        with self._lock:
            self.revoked.update(t for t, team in self.tokens.items() if team == team_id)
            if team_id == self.team_id:
                self.default_revoked = True

    def team_of(self, call: Call) -> str | None:
        """The workspace whose token made `call` (None: no token)."""
        header = call.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None
        return self.tokens.get(header[len("Bearer ") :], self.team_id)

    def named_in(self, call: Call) -> list[str]:
        """The users and channels a call names (DM channels as their user)."""
        found: list[str] = []
        for name in ("channel", "user", "user_id", "users"):
            for value in str(call.params.get(name) or "").split(","):
                if value.startswith("D"):
                    value = "U" + value[1:]
                if value:
                    found.append(value)
        return found

    def _refusal(self, call: Call, token: str) -> str | None:
        """Why Slack would refuse this call's token or what it names (None: it would not)."""
        if token in self.revoked or (self.default_revoked and token not in self.tokens):
            return "token_revoked"
        team = self.team_of(call)
        for named in self.named_in(call):
            owner = self.owners.get(named)
            if owner is not None and owner != team:
                return "user_not_found" if named.startswith(("U", "W")) else "channel_not_found"
        return None

    # -- reading what happened ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posts(self, channel: str | None = None, *, kind: str | None = None) -> list[Posted]:
        with self._lock:
            return [
                m
                for m in self.messages
                if (channel is None or m.channel == channel) and (kind is None or m.kind == kind)
            ]

    def dms(self, user_id: str) -> list[Posted]:
        return self.posts(dm_channel(user_id), kind="message")

    def ephemerals(self, user_id: str) -> list[Posted]:
        with self._lock:
            return [m for m in self.messages if m.user == user_id and m.kind in ("ephemeral", "response")]

    def last_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            ids = [vid for vid, owner in self.view_owner.items() if owner == user_id]
            return self.views[ids[-1]] if ids else None

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (work done after the ack); raise on time-out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the fake Slack did not see the expected calls in time")
                self._changed.wait(remaining)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()
            self.view_owner.clear()
            self.home_tabs.clear()
            self.block_errors.clear()
            self.faults.clear()
            self.files.clear()

    # -- the Web API --------------------------------------------------------------------------
    def handle(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            call = Call(method, params, headers)
            self.calls.append(call)
            fault = self._next_fault(method)
        if fault is not None and fault.stall:
            self._hold(method, fault.delay or None)
        elif fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status != 200 or fault.error:
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                body = {"ok": False, "error": fault.error or "internal_error"}
                with self._changed:
                    self._changed.notify_all()
                return fault.status, body, extra
        if method != "oauth.v2.access":
            auth = headers.get("authorization", "")
            refused = (
                self._refusal(call, auth[len("Bearer ") :]) if auth.startswith("Bearer ") else "not_authed"
            )
            if refused:
                return 200, {"ok": False, "error": refused}, {}
        if self.limiter is not None:
            wait = self.limiter.retry_after(self.team_of(call) or self.team_id, method, params)
            if wait is not None:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        with self._changed:
            body = handler(params)
            if method == "auth.test":
                body["team_id"] = self.team_of(call) or self.team_id
            self._changed.notify_all()
        return 200, body, {}

    def _hold(self, method: str, seconds: float | None) -> None:
        """Hold a stalled call for `seconds` (None: until released); raise `Dropped` when released."""
        with self._changed:
            self._holding[method] = self._holding.get(method, 0) + 1
            self._changed.notify_all()
        try:
            if self._released.wait(seconds):
                raise Dropped(method)
        finally:
            with self._changed:
                self._holding[method] -= 1
                self._changed.notify_all()

    def _next_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _new_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _check_blocks(self, blocks: Any) -> str | None:
        if blocks in (None, ""):
            return None
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if len(blocks) > 50:
            return "too many blocks in a message (limit 50)"
        try:
            for block in Block.parse_all(blocks):
                if block is None:
                    return "unknown block type"
                block.validate_json()
        except Exception as exc:  # slack_sdk raises SlackObjectFormationError and friends
            return f"invalid block: {exc}"
        return self._check_files(blocks)

    def _check_files(self, blocks: list[dict[str, Any]]) -> str | None:
        """Every image block's `slack_file` names a finished image upload the app can see."""
        for index, block in enumerate(blocks):
            source = block.get("slack_file") if block.get("type") == "image" else None
            if source is None:
                continue
            file = self.files.get(str(source.get("id", "")))
            if file is None and source.get("url"):
                file = next((f for f in self.files.values() if f.id in str(source["url"])), None)
            if file is None or file.deleted or not file.completed or not file.is_image:
                return f"invalid slack file [json-pointer:/blocks/{index}/slack_file]"
        return None

    def _check_view(self, view: Any) -> str | None:
        if isinstance(view, str):
            view = json.loads(view)
        try:
            parsed = View(**view)
            parsed.validate_json()
        except Exception as exc:
            return f"invalid view: {exc}"
        if len(view.get("blocks", [])) > 100:
            return "too many blocks in a view (limit 100)"
        if len(view.get("private_metadata", "") or "") > 3000:
            return "private_metadata over 3000 characters"
        return self._check_files(view.get("blocks", []))

    def _view_of(self, p: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """A call's view, and Slack's answer when the view is invalid."""
        view = _json(p.get("view"))
        problem = self._check_view(view)
        return view, (self._invalid(problem) if problem else None)

    def _invalid(self, problem: str) -> dict[str, Any]:
        self.block_errors.append(problem)
        return {"ok": False, "error": "invalid_blocks", "errors": [problem]}

    def _api_auth_test(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://loopbot-sim.slack.com/",
            "team": "Loopbot Simulated",
            "user": "loopbot",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def grant_install(self, code: str, team_id: str) -> None:
        """Let the OAuth code `code` install the app into workspace `team_id`."""
        self.install_codes[code] = team_id

    def _api_oauth_v2_access(self, p: dict[str, Any]) -> dict[str, Any]:
        team_id = self.install_codes.pop(str(p.get("code", "")), None)
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{team_id.lower()}-{next(self._ts)}"
        self.tokens[token] = team_id
        return {
            "ok": True,
            "app_id": "ALOOPBOT",
            "authed_user": {"id": "UADMIN"},
            "scope": "commands,chat:write,im:write,users:read,channels:read",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team_id, "name": f"Workspace {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _api_users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(p.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.as_json()}

    def _api_users_lookupByEmail(self, p: dict[str, Any]) -> dict[str, Any]:
        for user in self.users.values():
            if (user.email or f"{user.name}@example.com") == p.get("email"):
                return {"ok": True, "user": user.as_json()}
        return {"ok": False, "error": "users_not_found"}

    def _api_conversations_info(self, p: dict[str, Any]) -> dict[str, Any]:
        channel_id = p.get("channel", "")
        if channel_id.startswith("D"):
            return {"ok": True, "channel": {"id": channel_id, "is_im": True, "is_member": True}}
        channel = self.channels.get(channel_id)
        if channel is None or (channel.is_private and not channel.bot_is_member):
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_channel": not channel.is_private,
                "is_private": channel.is_private,
                "is_archived": channel.is_archived,
                "is_member": channel.bot_is_member,
            },
        }

    def _api_conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        users = str(p.get("users", "")).split(",")
        if not users or users[0] not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": dm_channel(users[0])}}

    def _can_post(self, channel_id: str) -> str | None:
        if channel_id.startswith("D"):
            known = "U" + channel_id[1:] in self.users or channel_id[1:] in self.users  # see dm_channel()
            return None if known else "channel_not_found"
        channel = self.channels.get(channel_id)
        if channel is None:
            return "channel_not_found"
        if channel.is_archived:
            return "is_archived"
        if not channel.bot_is_member:
            return "not_in_channel"
        return None

    def _api_chat_postMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(p.get("channel", ""))
        if channel_id.startswith("U") and channel_id in self.users:
            channel_id = dm_channel(channel_id)
        problem = self._can_post(channel_id)
        if problem:
            return {"ok": False, "error": problem}
        bad = self._check_blocks(p.get("blocks"))
        if bad:
            return self._invalid(bad)
        if not p.get("text") and not p.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._new_ts()
        blocks = _json(p.get("blocks")) or []
        self.messages.append(
            Posted(
                channel=channel_id, ts=ts, text=p.get("text", ""), blocks=blocks, thread_ts=p.get("thread_ts")
            )
        )
        return {
            "ok": True,
            "channel": channel_id,
            "ts": ts,
            "message": {"type": "message", "text": p.get("text", ""), "ts": ts, "bot_id": BOT_ID},
        }

    def _api_chat_postEphemeral(self, p: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(p.get("channel", ""))
        problem = self._can_post(channel_id)
        if problem:
            return {"ok": False, "error": problem}
        bad = self._check_blocks(p.get("blocks"))
        if bad:
            return self._invalid(bad)
        ts = self._new_ts()
        self.messages.append(
            Posted(
                channel=channel_id,
                ts=ts,
                text=p.get("text", ""),
                blocks=_json(p.get("blocks")) or [],
                user=p.get("user"),
                kind="ephemeral",
            )
        )
        return {"ok": True, "message_ts": ts}

    def _find(self, channel: str, ts: str) -> Posted | None:
        for message in self.messages:
            if message.channel == channel and message.ts == ts and message.kind == "message":
                return message
        return None

    def _api_chat_update(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._find(str(p.get("channel")), str(p.get("ts")))
        if message is None or message.deleted:
            return {"ok": False, "error": "message_not_found"}
        bad = self._check_blocks(p.get("blocks"))
        if bad:
            return self._invalid(bad)
        message.history.append({"text": message.text, "blocks": message.blocks})
        message.text = p.get("text", message.text)
        if "blocks" in p:
            message.blocks = _json(p.get("blocks")) or []
        return {"ok": True, "channel": message.channel, "ts": message.ts, "text": message.text}

    def _api_chat_delete(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._find(str(p.get("channel")), str(p.get("ts")))
        if message is None or message.deleted:
            return {"ok": False, "error": "message_not_found"}
        message.deleted = True
        return {"ok": True, "channel": message.channel, "ts": message.ts}

    def replace_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """What Slack does with a submission answered `response_action: update`: the same modal
        (same id and owner) now shows `view`."""
        with self._lock:
            return self._store_view(view, view_id, self.view_owner.get(view_id))

    def _store_view(self, view: dict[str, Any], view_id: str, user: str | None) -> dict[str, Any]:
        stored = dict(view)
        stored.update(
            {
                "id": view_id,
                "team_id": self.team_id,
                "hash": f"{time.time_ns()}.{view_id}",
                "state": {"values": {}},
                "app_id": "ALOOPBOT",
                "bot_id": BOT_ID,
            }
        )
        stored.setdefault("private_metadata", "")
        stored.setdefault("callback_id", "")
        self.views[view_id] = stored
        if user:
            self.view_owner[view_id] = user
        return stored

    def _api_views_open(self, p: dict[str, Any]) -> dict[str, Any]:
        trigger = str(p.get("trigger_id", ""))
        if not trigger:
            return {"ok": False, "error": "invalid_arguments"}
        if trigger.startswith("expired"):
            return {"ok": False, "error": "expired_trigger_id"}
        view, bad = self._view_of(p)
        if bad:
            return bad
        user = trigger.split(".")[1] if trigger.count(".") >= 2 else None
        view_id = f"V{next(self._view_ids):08d}"
        return {"ok": True, "view": self._store_view(view, view_id, user)}

    _api_views_push = _api_views_open

    def _api_views_update(self, p: dict[str, Any]) -> dict[str, Any]:
        view_id = str(p.get("view_id", ""))
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        view, bad = self._view_of(p)
        if bad:
            return bad
        if p.get("hash") and p["hash"] != self.views[view_id]["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        return {"ok": True, "view": self._store_view(view, view_id, self.view_owner.get(view_id))}

    def _api_views_publish(self, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user_id", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view, bad = self._view_of(p)
        if bad:
            return bad
        self.home_tabs[user] = view
        return {"ok": True, "view": dict(view, id=f"VHOME{user}")}

    # -- files: the external upload flow (slack_sdk's files_upload_v2) --------------------------
    def uploads(self, channel: str | None = None) -> list[UploadedFile]:
        """Finished uploads (shared in `channel`, when given), oldest first."""
        with self._lock:
            return [
                f for f in self.files.values() if f.completed and (channel is None or f.channel == channel)
            ]

    def _api_files_getUploadURLExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        filename, length = str(p.get("filename") or ""), str(p.get("length") or "")
        alt_txt = p.get("alt_txt")
        if not filename or not length.isdecimal() or (alt_txt is not None and len(str(alt_txt)) > 1000):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_ids):010d}"
        self.files[file_id] = UploadedFile(id=file_id, filename=filename, length=int(length), alt_txt=alt_txt)
        return {"ok": True, "upload_url": f"{self.url}upload/v1/{file_id}", "file_id": file_id}

    def handle_upload(self, path: str, data: bytes) -> tuple[int, str]:
        """A POST of the file's bytes to the upload URL that `files.getUploadURLExternal` gave."""
        file_id = path.rstrip("/").rsplit("/", 1)[-1]
        with self._changed:
            self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(data)}))
            file = self.files.get(file_id)
            if file is None or file.completed:
                return 404, "Not Found"
            if len(data) != file.length:
                return 400, f"Bad Request - expected {file.length} bytes, got {len(data)}"
            file.data = data
            self._changed.notify_all()
        return 200, f"OK - {len(data)}"

    def _api_files_completeUploadExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        entries = _json(p.get("files")) or []
        found = [self.files.get(str(e.get("id", ""))) for e in entries]
        if not entries or any(f is None or f.data is None or f.completed for f in found):
            return {"ok": False, "error": "file_not_found"}
        channel_id = p.get("channel_id") or None
        if channel_id is not None:
            problem = self._can_post(str(channel_id))
            if problem:
                return {"ok": False, "error": problem}
        uploaded = [f for f in found if f is not None]
        for entry, file in zip(entries, uploaded, strict=True):
            file.title, file.completed = entry.get("title"), True
            file.channel, file.thread_ts = channel_id, p.get("thread_ts") or None
        as_json = [f.as_json(self.team_id, self.url) for f in uploaded]
        if channel_id is not None:
            self.messages.append(
                Posted(
                    channel=str(channel_id),
                    ts=self._new_ts(),
                    text=str(p.get("initial_comment") or ""),
                    blocks=[],
                    thread_ts=p.get("thread_ts") or None,
                    files=as_json,
                )
            )
        return {"ok": True, "files": as_json}

    def _api_files_delete(self, p: dict[str, Any]) -> dict[str, Any]:
        file = self.files.get(str(p.get("file", "")))
        if file is None or file.deleted:
            return {"ok": False, "error": "file_not_found"}
        file.deleted = True
        return {"ok": True}

    # -- response_url -------------------------------------------------------------------------
    def response_url(self, user_id: str, channel_id: str) -> str:
        return f"{self.url}response/{channel_id}/{user_id}/{next(self._ts)}"

    def handle_response_url(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        channel_id, user_id = parts[1], parts[2]
        with self._changed:
            self.calls.append(Call("response_url", payload))
            bad = self._check_blocks(payload.get("blocks"))
            if bad:
                self.block_errors.append(bad)
                self._changed.notify_all()
                return 400, {"ok": False, "error": "invalid_blocks"}
            in_channel = payload.get("response_type") == "in_channel"
            self.messages.append(
                Posted(
                    channel=channel_id,
                    ts=self._new_ts(),
                    text=payload.get("text", ""),
                    blocks=payload.get("blocks") or [],
                    user=None if in_channel else user_id,
                    kind="message" if in_channel else "response",
                )
            )
            self._changed.notify_all()
        return 200, {"ok": True}


def dm_channel(user_id: str) -> str:
    """The id of the bot's DM channel with a user."""
    return "D" + user_id[1:] if user_id.startswith("U") else "D" + user_id


def _json(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value else None
    return value


def _params(raw: str, content_type: str) -> dict[str, Any]:
    """A Web API call's arguments: a JSON body, or a form (the last value of each field)."""
    if content_type.startswith("application/json"):
        return dict(json.loads(raw or "{}"))
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _make_handler(fake: FakeSlack) -> type[LoopbackHandler]:
    class Handler(LoopbackHandler):
        def do_POST(self) -> None:
            data = self.read_body()
            if self.path.startswith("/upload/"):  # a file's bytes, as sent (not a form)
                status, text = fake.handle_upload(self.path, data)
                self.answer(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})
                return
            params = _params(data.decode("utf-8"), self.headers.get("Content-Type", ""))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path.startswith("/response/"):
                self._json(*fake.handle_response_url(self.path, params))
                return
            if not self.path.startswith("/api/"):
                self._json(404, {"ok": False, "error": "not_found"})
                return
            method = self.path[len("/api/") :].split("?")[0]
            try:
                status, body, extra = fake.handle(method, params, headers)
            except Dropped:
                self.close_connection = True  # no answer: the client sees its read time out
                return
            self._json(status, body, extra)

        def _json(self, status: int, body: dict[str, Any], extra: Mapping[str, str] = {}) -> None:
            data = json.dumps(body).encode("utf-8")
            self.answer(status, data, {"Content-Type": "application/json; charset=utf-8", **extra})

    return Handler
