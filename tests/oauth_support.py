"""Installing Loopbot into simulated workspaces over OAuth, as a browser and Slack would."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from bot.sandbox.harness import Sandbox


def install(box: Sandbox, team_id: str, code: str) -> str:
    """Walk the install flow as a browser would: /slack/install (which sets the state cookie, marked
    Secure, so we hand it back ourselves over loopback HTTP), then Slack's redirect back."""
    assert box.server is not None
    with urllib.request.urlopen(box.server.url + "/slack/install", timeout=5) as response:
        page = response.read().decode()
        cookie = response.headers.get("Set-Cookie", "").split(";")[0]
    state = re.search(r"state=([\w-]+)", page)
    assert state and cookie, page
    box.fake.grant_install(code, team_id)
    request = urllib.request.Request(
        f"{box.server.url}/slack/oauth_redirect?code={code}&state={state.group(1)}",
        headers={"Cookie": cookie},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.read().decode()
    except urllib.error.HTTPError as err:
        return f"{err.code} {err.read().decode()}"
