"""The candidate page's option values: nobody can read the panel out of them, nor edit or move them."""

from __future__ import annotations

import base64
import zlib

from bot.candidate_web.security import Choices, page_secret

# An encoded choice as the page offers it: interview 7 at a time, no room, a shadow by Slack id.
CHOICE = "0|abc|7.29500000.-.USHADOW1"


def readable(value: str) -> bytes:
    """Everything anyone can read out of a form value: its text, each part base64-decoded, inflated."""
    out = value.encode()
    for part in value.replace("-", "+").replace("_", "/").split("."):
        raw = base64.b64decode(part + "=" * (-len(part) % 4), validate=False)
        out += raw
        try:
            out += zlib.decompress(raw)
        except zlib.error:
            pass
    return out


def test_a_choice_round_trips_but_hides_the_panel() -> None:
    choices = Choices(page_secret("signing-secret"))
    value = choices.sign(3, CHOICE)
    assert choices.read(3, value) == CHOICE
    assert b"USHADOW1" not in readable(value) and b"29500000" not in readable(value)


def test_an_edited_value_or_another_links_is_refused() -> None:
    choices = Choices(page_secret("signing-secret"))
    value = choices.sign(3, CHOICE)
    assert choices.read(4, value) is None
    assert choices.read(3, value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    assert choices.read(3, "WzEsIngiXQ.forged") is None and choices.read(3, "") is None
    assert Choices(page_secret("another-secret")).read(3, value) is None
