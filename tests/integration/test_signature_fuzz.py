"""10,000 forged, stale, replayed and malformed requests: none is accepted, none reaches a listener."""

from __future__ import annotations

import http.client
import random
import time
from urllib.parse import urlencode, urlsplit

from bot.sandbox.driver import sign
from bot.sandbox.harness import SIGNING_SECRET, Sandbox

N = 10_000


def forged(rng: random.Random, n: int) -> tuple[str, dict[str, str]]:
    """One bad request of kind `n % 10`: body and headers."""
    body = urlencode(
        {
            "command": "/interview",
            "text": rng.choice(["role", "roles", "help", "candidate Ada"]),
            "user_id": "UHANA",
            "team_id": "T0LOOPBOT",
            "trigger_id": f"{n}.UHANA.1",
            "response_url": "http://127.0.0.1:9/response/x",
        }
    )
    now = int(time.time())
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    kind = n % 10
    if kind == 0:  # no signature, no timestamp
        pass
    elif kind == 1:  # signature without timestamp
        headers["X-Slack-Signature"] = sign(SIGNING_SECRET, str(now), body)
    elif kind == 2:  # timestamp without signature
        headers["X-Slack-Request-Timestamp"] = str(now)
    elif kind == 3:  # stale: properly signed more than five minutes ago
        ts = str(now - 301 - rng.randint(0, 10_000))
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
    elif kind == 4:  # from the future
        ts = str(now + 301 + rng.randint(0, 10_000))
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
    elif kind == 5:  # the wrong secret
        ts = str(now)
        secret = rng.choice(["", "wrong", SIGNING_SECRET[:-1], SIGNING_SECRET + "x", SIGNING_SECRET.upper()])
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(secret, ts, body)}
    elif kind == 6:  # a signature replayed on another body
        ts = str(now)
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
        body = body.replace("UHANA", "UOTTO", 1)
    elif kind == 7:  # an old signature replayed with a fresh timestamp
        old = str(now - 400)
        headers |= {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": sign(SIGNING_SECRET, old, body),
        }
    elif kind == 8:  # malformed signatures
        ts = str(now)
        good = sign(SIGNING_SECRET, ts, body)
        bad = rng.choice([good[:-1], good.replace("v0=", "v1="), "v0=" + "z" * 64, good.upper(), "", "v0="])
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": bad}
    else:  # malformed timestamps
        ts = rng.choice(["", "abc", "1e10", "-1", str(now) + "0", " "])
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
    return body, headers


def test_ten_thousand_bad_requests_are_all_refused(sandbox: Sandbox) -> None:
    rng = random.Random(20261123)
    target = urlsplit(sandbox.slack.events_url)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    statuses: dict[int, int] = {}
    for n in range(N):
        body, headers = forged(rng, n)
        conn.request("POST", target.path, body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    conn.close()
    sandbox.idle()
    assert statuses == {401: N}
    # Nothing reached a listener: no Slack call was made and no request was counted past verification.
    assert [c.method for c in sandbox.fake.calls] == []
    _, exposition = sandbox.app.metrics.exposition()
    assert b"loopbot_requests_total{" not in exposition
    # A genuine request still works afterwards.
    sandbox.command("UHANA", "roles")
    assert "No open roles yet" in sandbox.last_reply("UHANA")
