"""A server process for load tests and benchmarks: Loopbot (from the environment's settings) or a bare Bolt app.

Prints `PORT <n>` once listening; stops when its standard input closes. `FIXED_NOW` (ISO time)
freezes its clock at the simulated time of the test that started it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.settings import load_settings
from bot.startup import freeze_startup_objects
from bot.web import WebApp, WebServer

FIXED_VIEW = {
    "type": "modal",
    "callback_id": "fixed",
    "title": {"type": "plain_text", "text": "Fixed"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
}


def bare_app(api_url: str, secret: str) -> Any:
    """The reference: a bare Bolt app (slack_sdk's own WebClient) that acks and opens a fixed modal
    (`BENCH_FIXED_VIEW`: a JSON file)."""
    app = App(
        client=WebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
    )

    view = FIXED_VIEW
    if os.environ.get("BENCH_FIXED_VIEW"):
        view = json.loads(Path(os.environ["BENCH_FIXED_VIEW"]).read_text())

    @app.command("/interview")
    def _open(ack: Any, body: dict[str, Any], client: Any) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    return SlackRequestHandler(app)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    settings = load_settings()
    assert settings.slack_signing_secret is not None
    if args.bare:
        wsgi = bare_app(settings.slack_api_url, settings.slack_signing_secret.get_secret_value())
        closer = None
    else:
        from datetime import datetime

        from bot.container import build
        from hiring.clock import FixedClock

        fixed = os.environ.get("FIXED_NOW")  # tests: the simulated time of the test that started us
        loopbot = build(settings, clock=FixedClock(datetime.fromisoformat(fixed)) if fixed else None)
        wsgi = WebApp(loopbot)
        closer = loopbot.close
    freeze_startup_objects()  # as `loopbot run` does
    server = WebServer(wsgi, "127.0.0.1", 0, threads=settings.web_threads).start()
    print(f"PORT {server.port}", flush=True)
    done = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        done.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    done.wait()
    server.stop()
    if closer:
        closer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
