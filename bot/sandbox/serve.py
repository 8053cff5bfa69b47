"""A server process for load tests and benchmarks: Loopbot (from the environment's settings) or a bare Bolt app.

Prints `PORT <n>` once listening; stops when its standard input closes. `FIXED_NOW` (ISO time)
freezes its clock at the simulated time of the test that started it. Logs go to standard error at
`LOG_LEVEL` (Python's default format).

The bare Bolt app comes in two variants (`--bare user|matched`):

- `user`: as a user would write it: `App` with slack_sdk's own `WebClient` (a new connection per
  call), Bolt's default listener threads and waitress with its default threads;
- `matched`: the same app given what Loopbot has: its listener thread count, kept-alive Slack
  connections (`keep_connections_alive()`), waitress with `WEB_THREADS` threads and slack_sdk's
  logger at `LOG_LEVEL` (`quiet_slack_sdk_debug()`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.adjustments import Adjustments

from bot.observability import quiet_slack_sdk_debug
from bot.settings import Settings, load_settings
from bot.slack_client import keep_connections_alive
from bot.startup import freeze_startup_objects
from bot.web import WebApp, WebServer

FIXED_VIEW = {
    "type": "modal",
    "callback_id": "fixed",
    "title": {"type": "plain_text", "text": "Fixed"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
}
LOOPBOT_LISTENER_THREADS = 32  # Bolt's listener executor in bot/container.py: `Background(workers=32)`
BARE_VARIANTS = ("user", "matched")


def bare_app(settings: Settings, variant: str) -> Any:
    """The reference: a bare Bolt app that acks and opens a fixed modal (`BENCH_FIXED_VIEW`: a JSON
    file); `variant` is `user` or `matched` (see the module's docstring)."""
    assert settings.slack_signing_secret is not None and settings.slack_bot_token is not None
    if variant == "matched":
        keep_connections_alive()
    app = App(
        client=WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        listener_executor=(
            ThreadPoolExecutor(max_workers=LOOPBOT_LISTENER_THREADS) if variant == "matched" else None
        ),
    )

    view = FIXED_VIEW
    if os.environ.get("BENCH_FIXED_VIEW"):
        view = json.loads(Path(os.environ["BENCH_FIXED_VIEW"]).read_text())

    @app.command("/interview")
    def open_modal(ack: Any, body: dict[str, Any], client: Any) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    return SlackRequestHandler(app)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bare", choices=BARE_VARIANTS, default=None, help="serve a bare Bolt app")
    args = parser.parse_args()
    settings = load_settings()
    logging.basicConfig(level=settings.log_level)
    threads = settings.web_threads
    if args.bare:
        wsgi = bare_app(settings, args.bare)
        closer = None
        if args.bare == "user":
            threads = Adjustments.threads  # waitress's default
    else:
        from datetime import datetime

        from bot.container import build
        from hiring.clock import FixedClock

        fixed = os.environ.get("FIXED_NOW")  # tests: the simulated time of the test that started us
        loopbot = build(settings, clock=FixedClock(datetime.fromisoformat(fixed)) if fixed else None)
        wsgi = WebApp(loopbot)
        closer = loopbot.close
    if args.bare != "user":
        freeze_startup_objects()  # as `loopbot run` does
        quiet_slack_sdk_debug(settings.log_level)  # as Loopbot's logging set-up does
    server = WebServer(wsgi, "127.0.0.1", 0, threads=threads).start()
    print(f"PORT {server.port}", flush=True)
    sys.stdin.read()  # until the parent closes our standard input
    server.stop()
    if closer:
        closer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
