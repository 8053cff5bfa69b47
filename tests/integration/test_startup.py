"""Start-up, configuration errors, health and request signatures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from bot.sandbox.driver import sign
from bot.sandbox.harness import SIGNING_SECRET, Sandbox

ROOT = Path(__file__).resolve().parents[2]


def loopbot(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT"))}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=clean,
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_credentials_explains_and_exits_2(tmp_path: Path) -> None:
    result = loopbot("run", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr
    assert "manifest.yml" in result.stderr and "loopbot demo" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_invalid_setting_names_the_variable_without_a_traceback(tmp_path: Path) -> None:
    result = loopbot(
        "db",
        "upgrade",
        env={"PORT": "eighty", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "PORT" in result.stderr and "Traceback" not in result.stderr


def test_secrets_are_never_printed_in_configuration_errors(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-super-secret-value", "SLACK_SIGNING_SECRET": "shh-secret", "PORT": "x"}
    result = loopbot("db", "upgrade", env=env, cwd=tmp_path)
    assert "xoxb-super-secret-value" not in result.stderr + result.stdout
    assert "shh-secret" not in result.stderr + result.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = loopbot(
        "db", "upgrade", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "revision" in result.stdout
    assert (tmp_path / "fresh.db").exists()


def test_run_with_unreachable_slack_gives_a_clear_error(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    result = loopbot("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Cannot reach Slack" in result.stderr and "Traceback" not in result.stderr


def test_healthz_reports_the_database(sandbox: Sandbox) -> None:
    with urllib.request.urlopen(sandbox.server.url + "/healthz", timeout=5) as response:  # type: ignore[union-attr]
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True, "database": "up"}


def test_unsigned_stale_and_wrong_secret_requests_are_refused(sandbox: Sandbox) -> None:
    body = "command=%2Finterview&text=roles&user_id=UHANA&team_id=T0LOOPBOT&trigger_id=1.UHANA.1"
    url = sandbox.slack.events_url

    def post(headers: dict[str, str]) -> int:
        request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    base = {"Content-Type": "application/x-www-form-urlencoded"}
    now = str(int(time.time()))
    stale = str(int(time.time()) - 6 * 60)
    assert post(base) == 401
    assert (
        post(base | {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": sign("wrong", now, body)}) == 401
    )
    assert (
        post(
            base
            | {"X-Slack-Request-Timestamp": stale, "X-Slack-Signature": sign(SIGNING_SECRET, stale, body)}
        )
        == 401
    )
    assert sandbox.fake.calls_to("response_url") == []


def test_manifest_declares_every_surface() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == ["/interview"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "users:read", "channels:read"} <= scopes


def test_google_backend_without_credentials_is_explained(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "CALENDAR_BACKEND": "google",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    result = loopbot("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Calendar settings problem" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_is_explained_without_the_password(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "DATABASE_URL": "postgresql+psycopg://loopbot:hunter2secret@127.0.0.1:9/loopbot",
    }
    result = loopbot("worker", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Cannot reach the database" in result.stderr
    assert "hunter2secret" not in result.stderr and "Traceback" not in result.stderr
