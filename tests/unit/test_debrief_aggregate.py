"""The debrief's summary: aggregate, strongest evidence, and flags (split, missing, unusual ratings)."""

from __future__ import annotations

import pytest

from hiring.decisions.debriefs import (
    CardFacts,
    competency_label,
    is_split,
    outlier_flag,
    strongest_evidence,
    summarise,
    verdict,
)

LABELS = {"technical_depth": "Technical depth", "mentoring": "Mentoring"}


def card(
    author: str, rec: str | None, ratings: dict[str, int], evidence: str = "", **kw: object
) -> CardFacts:
    return CardFacts(
        author_id=author,
        interview_title=kw.pop("title", "Technical phone interview"),  # type: ignore[arg-type]
        recommendation=rec,
        ratings=ratings,
        evidence=evidence,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("recs", "expected"),
    [
        (["strong_yes", "strong_yes"], "Strong yes"),
        (["yes", "strong_yes"], "Yes"),
        (["no", "no"], "No"),
        (["strong_no", "strong_no", "no"], "Strong no"),
        (["strong_no", "no"], "No"),
        (["strong_yes", "strong_yes", "yes"], "Strong yes"),
        (["strong_no", "strong_no"], "Strong no"),
        (["yes", "no"], "Split"),
        ([None, None], None),
    ],
)
def test_verdict(recs: list[str | None], expected: str | None) -> None:
    assert verdict(recs) == expected


def test_split_needs_both_sides() -> None:
    assert is_split(["yes", "strong_no"])
    assert not is_split(["yes", "strong_yes", None])
    assert not is_split(["no", "strong_no"])


def test_aggregate_per_competency_counts_only_counted_cards() -> None:
    cards = [
        card("USAM", "yes", {"technical_depth": 3, "mentoring": 2}),
        card("ULEE", "strong_yes", {"technical_depth": 4}),
        card("UMIA", "strong_no", {"technical_depth": 1, "mentoring": 1}, is_shadow=True, counted=False),
    ]
    summary = summarise(cards, labels=LABELS)
    depth, mentoring = summary.competencies
    assert (depth.label, depth.mean, depth.count, depth.low, depth.high) == ("Technical depth", 3.5, 2, 3, 4)
    assert (mentoring.label, mentoring.mean, mentoring.count) == ("Mentoring", 2.0, 1)
    assert summary.recommendations == [("strong_yes", 1), ("yes", 1)]
    assert summary.verdict == "Yes"
    # the shadow is listed but marked as not counted
    assert [(c.author_id, c.counted) for c in summary.cards] == [
        ("USAM", True),
        ("ULEE", True),
        ("UMIA", False),
    ]
    assert [r.competency for r in summary.cards[0].ratings] == ["Technical depth", "Mentoring"]


def test_strongest_evidence_for_and_against() -> None:
    cards = [
        card("USAM", "yes", {"technical_depth": 3}, "Good on caching."),
        card("ULEE", "strong_yes", {"technical_depth": 4}, "Designed the queue with clear trade-offs."),
        card("UMIA", "no", {"technical_depth": 2}, "Could not explain the locking."),
        card("UNOAH", "strong_no", {"technical_depth": 1}, ""),  # no evidence: never quoted
    ]
    best, worst = strongest_evidence(cards)
    assert best is not None and best.author_id == "ULEE" and best.text.startswith("Designed the queue")
    assert worst is not None and worst.author_id == "UMIA"


def test_no_evidence_against_when_everyone_is_positive() -> None:
    best, worst = strongest_evidence([card("USAM", "yes", {"technical_depth": 3}, "Solid.")])
    assert best is not None and worst is None


def test_flags_split_and_missing() -> None:
    cards = [card("USAM", "yes", {"technical_depth": 3}), card("ULEE", "no", {"technical_depth": 2})]
    summary = summarise(cards, labels=LABELS, missing=[("On-site", "UMIA"), ("On-site", "UNOAH")])
    kinds = {f.kind: f for f in summary.flags}
    assert kinds["split"].text == "Split panel: 1 for hiring, 1 against."
    assert kinds["missing"].user_ids == ("UMIA", "UNOAH")
    assert kinds["missing"].text == "2 scorecards missing"
    assert summary.verdict == "Split"


def test_outlier_needs_enough_history_and_distance() -> None:
    generous = card("USAM", "strong_yes", {"technical_depth": 4, "mentoring": 4})  # position 1.0 on 1–4
    # usually 0.2 of the scale (1.6 on 1–4): 2.4 points away, over 5 cards → flagged
    flag = outlier_flag(generous, (0.2, 5))
    assert flag is not None and flag.user_ids == ("USAM",)
    assert "well above their usual" in flag.text and "4.0 here against 1.6" in flag.text
    assert outlier_flag(generous, (0.2, 2)) is None  # too few other scorecards
    assert outlier_flag(generous, (0.6, 9)) is None  # 1.2 points away: within the usual spread
    harsh = card("ULEE", "no", {"technical_depth": 1})
    below = outlier_flag(harsh, (0.8, 4))
    assert below is not None and "below" in below.text
    assert outlier_flag(card("UMIA", "no", {"technical_depth": 1}, is_shadow=True), (0.9, 9)) is None


def test_outlier_distance_is_measured_in_points_of_the_card_scale() -> None:
    seven = card("USAM", "yes", {"technical_depth": 6}, scale_min=1, scale_max=7)  # position 5/6
    # usual position 0.5 → 4.0 on 1–7: 2 points away
    flag = outlier_flag(seven, (0.5, 3))
    assert flag is not None and "6.0 here against 4.0" in flag.text and "scale 1–7" in flag.text
    assert outlier_flag(seven, (0.65, 3)) is None  # 1.1 points


def test_summary_lists_outliers_of_counted_cards_only() -> None:
    cards = [card("USAM", "strong_yes", {"technical_depth": 4}), card("ULEE", "yes", {"technical_depth": 3})]
    summary = summarise(cards, labels=LABELS, usual={"USAM": (0.1, 6), "ULEE": (0.6, 6)})
    assert [(f.kind, f.user_ids) for f in summary.flags] == [("outlier", ("USAM",))]


def test_competency_label() -> None:
    assert competency_label("technical_depth") == "Technical depth"
    assert competency_label("system-design") == "System design"
