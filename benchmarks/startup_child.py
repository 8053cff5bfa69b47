"""The child processes of benchmarks/startup_bench.py: a bare Bolt app, and the list of the modules a
started Loopbot holds. Only the standard library is imported at the top, so the bare app loads
nothing it does not use."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OURS = ("bot", "handlers", "hiring", "scheduling", "storage", "benchmarks", "__main__", "__mp_main__")


def list_modules(path: Path) -> int:
    """Start Loopbot as `loopbot run` does (without serving), and write the names of the modules it
    then holds that are not Loopbot's own."""
    from bot.container import build
    from bot.settings import load_settings
    from bot.startup import prepare_to_serve

    settings = load_settings()
    loopbot = build(settings)
    team = loopbot.clients.default.auth_test().get("team_id")
    server, warm = prepare_to_serve(loopbot, settings, "web", (team,))
    server.start()
    warm.wait()
    server.stop()
    names = sorted(n for n in sys.modules if n.split(".")[0] not in OURS)
    loopbot.close()
    path.write_text(json.dumps(names))
    return 0


def serve_bare(modules: str | None) -> int:
    """A bare Bolt app answering `/healthz` and opening the fixed modal, on waitress, until SIGTERM."""
    import importlib
    import signal
    import threading

    for name in json.loads(Path(modules).read_text()) if modules else []:
        with contextlib.suppress(Exception):  # a few modules only import inside their package's set-up
            importlib.import_module(name)
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    env = os.environ
    app = App(
        client=WebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"]),
        signing_secret=env["SLACK_SIGNING_SECRET"],
    )
    view = json.loads(Path(env["BENCH_FIXED_VIEW"]).read_text())

    @app.command("/interview")
    def open_modal(ack: Any, body: dict[str, Any], client: Any) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    slack = SlackRequestHandler(app)

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
            return iter([b'{"ok":true}'])
        return iter(slack(environ, start_response))

    server: Any = create_server(wsgi, host="127.0.0.1", port=0, threads=int(env.get("WEB_THREADS", "16")))
    print(f"PORT {server.effective_port}", flush=True)
    threading.Thread(target=server.run, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    return 0


def main() -> int:
    """`serve-bare [--modules FILE]` or `list-modules FILE`."""
    if sys.argv[1] == "list-modules":
        return list_modules(Path(sys.argv[2]))
    return serve_bare(sys.argv[3] if sys.argv[2:3] == ["--modules"] else None)


if __name__ == "__main__":
    raise SystemExit(main())
