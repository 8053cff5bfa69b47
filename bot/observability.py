"""Logs (text or one JSON object a line, with request and workspace ids, secrets redacted) and
Prometheus metrics (a registry per app, served at `GET /metrics`)."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
team_id: contextvars.ContextVar[str] = contextvars.ContextVar("team_id", default="-")

TOKEN_PATTERN = re.compile(r"\b(xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")


_known_secrets: set[str] = set()
_factory_installed = False


def redact(text: str, secrets: Iterable[str] = _known_secrets) -> str:
    """`text` with Slack tokens and `secrets` (by default every registered secret) masked."""
    text = TOKEN_PATTERN.sub("[redacted]", text)
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


def install_redaction(secrets: Iterable[str]) -> None:
    """Mask secrets in every log record at its creation, whoever logs it and wherever it goes
    (slack_sdk's DEBUG logs print whole responses, OAuth tokens included)."""
    global _factory_installed
    _known_secrets.update(s for s in secrets if s and len(s) >= 6)
    if _factory_installed:
        return
    _factory_installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(factory)


class RedactSecrets(logging.Filter):
    """Masks Slack tokens and any configured secret value in every log record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        record.request_id = request_id.get()
        record.team_id = team_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
            "team_id": getattr(record, "team_id", team_id.get()),
        }
        if record.exc_text:
            data["exception"] = record.exc_text
        elif record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str, fmt: str, secrets: Iterable[str]) -> None:
    """Set the root logger up once: level, format and the secret filter on every handler."""
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(team_id)s %(request_id)s] %(message)s")
        )
    handler.addFilter(RedactSecrets(secrets))
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # APScheduler logs every run of every job (the tick, once a minute) at INFO: detail for DEBUG.
    logging.getLogger("apscheduler.executors").setLevel(
        logging.DEBUG if level == "DEBUG" else logging.WARNING
    )
    quiet_slack_sdk_debug(level)


def quiet_slack_sdk_debug(level: str) -> None:
    """Give slack_sdk's Web API logger the level: while that logger has none of its own, every call
    formats its request and answer (a whole modal or message) as a debug line, even with DEBUG off."""
    logging.getLogger("slack_sdk.web.base_client").setLevel(level)


class Metrics:
    """Loopbot's Prometheus metrics, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("loopbot_requests", "Slack requests received", ["kind"], registry=r)
        self.acks = Histogram(
            "loopbot_ack_seconds",
            "Time from a Slack request's arrival to its HTTP answer",
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3),
            registry=r,
        )
        self.slack_calls = Counter(
            "loopbot_slack_calls", "Slack Web API calls", ["method", "outcome"], registry=r
        )
        self.tick_seconds = Histogram("loopbot_tick_seconds", "Duration of a scheduler tick", registry=r)
        self.notifications = Counter(
            "loopbot_notifications", "Scheduled notifications by outcome", ["kind", "outcome"], registry=r
        )
        self.workspaces_removed = Counter(
            "loopbot_workspaces_removed",
            "Workspaces removed by Slack's app_uninstalled or tokens_revoked event",
            ["event"],
            registry=r,
        )
        self.queue_depth = Gauge(
            "loopbot_queue_depth", "Work waiting: background tasks and unsent claims", registry=r
        )

    def exposition(self) -> tuple[str, bytes]:
        return CONTENT_TYPE_LATEST, generate_latest(self.registry)


def request_kind(body: dict[str, Any]) -> str:
    if body.get("command"):
        return "command"
    kind = body.get("type") or "unknown"
    if kind == "event_callback":
        return "event:" + str((body.get("event") or {}).get("type", "unknown"))
    return str(kind)
