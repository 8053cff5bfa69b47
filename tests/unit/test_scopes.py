"""Every bot scope the app asks for is needed by a Web API call the code makes, and no more."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.container import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]

# The bot scopes each Web API method we call needs (api.slack.com/methods/<method>).
SCOPES_OF: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_delete": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_info": {"channels:read", "groups:read"},  # public and private hiring channels
    "conversations_open": {"im:write"},
    "files_delete": {"files:write"},
    "files_upload_v2": {"files:write"},  # files.getUploadURLExternal + files.completeUploadExternal
    "users_info": {"users:read", "users:read.email"},  # time zone, and the email for calendars
    "views_open": set(),
    "views_publish": set(),
    "views_update": set(),
}
SLASH_COMMAND = {"commands"}


def calls() -> set[str]:
    """Web API methods called anywhere in the app's code (`client.chat_postMessage(…)` and so on)."""
    pattern = re.compile(r"\.((?:auth|chat|conversations|files|team|users|views)_[A-Za-z0-9_]+)\(")
    return {
        name
        for package in ("bot", "handlers", "hiring", "scheduling")
        for path in (ROOT / package).rglob("*.py")
        if "sandbox" not in path.parts
        for name in pattern.findall(path.read_text())
    }


def test_every_call_has_known_scopes() -> None:
    assert calls() <= set(SCOPES_OF), sorted(calls() - set(SCOPES_OF))


def test_the_manifest_asks_for_exactly_the_scopes_the_calls_need() -> None:
    needed = SLASH_COMMAND.union(*(SCOPES_OF[name] for name in calls()))
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert set(BOT_SCOPES) == needed  # what OAuth installs ask for
