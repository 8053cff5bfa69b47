"""Slack Web API clients with deliberate retries (rate limits, server errors, connection errors)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.observability import Metrics


class CountingWebClient(WebClient):
    """A WebClient that counts every call by method and outcome."""

    metrics: Metrics | None = None

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as err:
            if self.metrics is not None:
                code = err.response.get("error", "error") if err.response is not None else "error"
                self.metrics.slack_calls.labels(api_method, str(code)).inc()
            raise
        except Exception:
            if self.metrics is not None:
                self.metrics.slack_calls.labels(api_method, "unreachable").inc()
            raise
        if self.metrics is not None:
            self.metrics.slack_calls.labels(api_method, "ok").inc()
        return response


def make_client(
    token: str | None, base_url: str, *, timeout: int = 10, metrics: Metrics | None = None
) -> WebClient:
    """A WebClient that honours `Retry-After` on 429 and retries 5xx and dropped connections."""
    client = CountingWebClient(token=token, base_url=base_url, timeout=timeout)
    client.metrics = metrics
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client
