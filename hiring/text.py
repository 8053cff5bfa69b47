"""Helpers for user text: validation, fuzzy lookup, time zones."""

from __future__ import annotations

import difflib
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def timezone_hint(name: str) -> str:
    """A sentence for a bad time zone, suggesting close IANA names."""
    close = difflib.get_close_matches(name, sorted(available_timezones()), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return (
        f"“{esc(name)}” is not a time zone. Use an IANA name such as Europe/London or America/New_York.{hint}"
    )


def close_matches(query: str, names: list[str], n: int = 3) -> list[str]:
    """Names close to `query` (case-insensitive), best first."""
    lowered = {name.lower(): name for name in names}
    hits = difflib.get_close_matches(query.lower(), list(lowered), n=n, cutoff=0.5)
    contains = [name for key, name in lowered.items() if query.lower() in key and name not in hits]
    return ([lowered[h] for h in hits] + contains)[:n]


_FORMAT = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn: `&<>` as entities (no `<!channel>`, `<@U…>` or links) and the
    formatting characters swapped for look-alikes (no `*bold*`)."""
    if not text:
        return ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.translate(_FORMAT)


def unescape(text: str) -> str:
    """A message written for mrkdwn (user text escaped with `esc`), for a plain_text field."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
