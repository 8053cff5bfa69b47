"""The nearest options' labels in the users' words, and the token a button carries."""

from __future__ import annotations

import pytest

from hiring.scheduling.relaxed import decode, describe, encode
from scheduling.solver_relax import (
    ANY_ORDER,
    DAILY_LIMIT,
    LONGER_SPAN,
    MORE_DAYS,
    ONE_WEEK_LATER,
    SHORTER_BREAK,
    SHORTER_BUFFER,
    SWAP,
    WEEKLY_LIMIT,
    Relaxation,
)


@pytest.mark.parametrize(
    ("relaxation", "words"),
    [
        (Relaxation(DAILY_LIMIT, 3, "UCAROL"), "if <@UCAROL>'s daily interview limit were 3"),
        (Relaxation(WEEKLY_LIMIT, 6, "UCAROL"), "if <@UCAROL>'s weekly interview limit were 6"),
        (Relaxation(SHORTER_BREAK, 30), "with a 30-minute shorter break"),
        (Relaxation(SHORTER_BUFFER, 15), "without the 15-minute buffers between interviews"),
        (Relaxation(LONGER_SPAN, 330), "if the loop could span 5 h 30"),
        (Relaxation(MORE_DAYS), "over more than one day"),
        (Relaxation(ANY_ORDER), "with the interviews in any order"),
        (Relaxation(ONE_WEEK_LATER, 7), "one week later, if the candidate is free the same hours"),
    ],
)
def test_each_relaxation_in_words_and_through_a_button(relaxation: Relaxation, words: str) -> None:
    assert describe(relaxation) == words
    assert decode(encode(relaxation)) == relaxation


def test_a_malformed_token_relaxes_nothing() -> None:
    assert decode("") is None
    assert decode("daily_limit:three:U1") is None


def test_a_pool_swap_in_words_and_through_a_button() -> None:
    swap = Relaxation(SWAP, 0, "UCAROL", "session:onsite", "UFRANK")
    assert describe(swap, {"session:onsite": "System design"}) == (
        "with <@UFRANK> instead of <@UCAROL> for System design"
    )
    assert decode(encode(swap)) == swap


@pytest.mark.parametrize(
    "token",
    ["swap:0:UCAROL", "swap:0:UCAROL:UFRANK:", "swap:0:UCAROL:<!here>:design", "daily_limit:3:U1:U2:design"],
)
def test_a_malformed_swap_token_relaxes_nothing(token: str) -> None:
    assert decode(token) is None
