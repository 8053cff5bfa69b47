"""`esc`: what a user sees of text they typed once it is put in mrkdwn (literal expected strings)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.mrkdwn import esc
from tests.helpers import shown

CASES = [
    ("<!channel>", "&lt;!channel&gt;"),
    ("<!here> <!everyone>", "&lt;!here&gt; &lt;!everyone&gt;"),
    ("<@UOTTO>", "&lt;@UOTTO&gt;"),
    ("<#CHIRING>", "&lt;#CHIRING&gt;"),
    ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
    ("*bold* _it_ ~x~ `code`", "∗bold∗ ˍitˍ ∼x∼ ˋcodeˋ"),
    ("```block```", "ˋˋˋblockˋˋˋ"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
    ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),  # an entity typed by a user stays as typed
    ("a > b < c", "a &gt; b &lt; c"),
    ("Grace Hopper", "Grace Hopper"),
    ("名前 テスト 💥", "名前 テスト 💥"),
    ("", ""),
]


@pytest.mark.parametrize(("typed", "expected"), CASES)
def test_esc_gives_the_form_slack_shows_without_parsing(typed: str, expected: str) -> None:
    assert esc(typed) == expected
    assert shown(typed) == expected  # the tests' own spec agrees


def test_the_look_alikes_are_these_code_points() -> None:
    # ∗ asterisk operator, ˍ modifier letter low macron, ∼ tilde operator, ˋ modifier letter grave accent
    assert esc("*_~`") == "\u2217\u02cd\u223c\u02cb"


def test_nothing_gives_an_empty_string() -> None:
    assert esc(None) == ""


@given(st.text())
def test_esc_matches_the_tests_spec_for_any_text(text: str) -> None:
    assert esc(text) == shown(text)
    for raw in "<>*_~`":
        assert raw not in esc(text)
