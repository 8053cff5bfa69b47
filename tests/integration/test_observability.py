"""Structured logs without secrets, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from bot.observability import JsonFormatter, RedactSecrets
from bot.sandbox.harness import BOT_TOKEN, SIGNING_SECRET, Sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_a_whole_demo_run_logs_json_lines_with_request_ids_and_no_secret() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--verbose"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(records) > 50
    assert all({"ts", "level", "logger", "message", "request_id", "team_id"} <= set(r) for r in records)
    assert any(r["request_id"] != "-" and r["team_id"] == "T0LOOPBOT" for r in records)


def test_redaction_covers_tokens_secrets_and_tracebacks() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "token %s and %s", ("xoxb-123-abc", "my-signing-secret"), None
    )
    try:
        raise ValueError("xoxp-999-leaked")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactSecrets(["my-signing-secret"]).filter(record)
    line = JsonFormatter().format(record)
    assert "xoxb-123-abc" not in line and "my-signing-secret" not in line and "xoxp-999-leaked" not in line
    assert json.loads(line)["message"] == "token [redacted] and [redacted]"


def test_metrics_count_requests_acks_and_slack_calls(sandbox: Sandbox) -> None:
    sandbox.command("UHANA", "help")
    sandbox.command("UHANA", "role")
    with urllib.request.urlopen(sandbox.server.url + "/metrics", timeout=5) as response:  # type: ignore[union-attr]
        assert response.status == 200
        text = response.read().decode()
    assert 'loopbot_requests_total{kind="command"} 2.0' in text
    assert "loopbot_ack_seconds_count 2.0" in text
    assert 'loopbot_slack_calls_total{method="views.open",outcome="ok"} 1.0' in text
    assert "loopbot_queue_depth" in text
