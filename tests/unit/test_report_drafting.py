"""The candidate feedback report: strengths and areas per competency from the evidence, no names,
no scores, sentences that read well, wording adapted to the outcome."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hiring.decisions.reports import (
    ReportCard,
    ReportFacts,
    assess,
    draft_report,
    looked_for,
    to_second_person,
    usable_sentences,
)

COMPETENCIES = {
    "technical_depth": "Technical skills: explains a difficult recent piece of work (a hard coding problem) "
    "and holds up under follow-up questions.",
    "mentoring": "Supports and grows junior engineers through pairing, review and coaching.",
    "motivation": "Interest in the work and the organisation.",
}
REDACT = ["Sam Smith", "USAM", "sam", "Lee Chen"]


def facts(outcome: str = "reject", cards: list[ReportCard] | None = None, **kw: Any) -> ReportFacts:
    return ReportFacts(
        candidate_name="Grace Hopper",
        role_title="Senior Backend Engineer",
        stage_name="On-site interview",
        outcome=outcome,
        competencies=COMPETENCIES,
        cards=cards
        if cards is not None
        else [
            ReportCard(
                {"technical_depth": 7, "mentoring": 2},
                "Grace explained the cache invalidation trade-offs in real depth. "
                "She struggles to describe how she would coach a junior engineer on reviews. "
                "Sam Smith thought the system design was a 6/7. I liked her a lot.",
                1,
                7,
            ),
            ReportCard(
                {"technical_depth": 6},
                "Explained the consistency model of the queue clearly.\n- Lee Chen asked about retries.",
                1,
                7,
            ),
        ],
        redact=REDACT,
        **kw,
    )


@pytest.mark.parametrize(
    ("observation", "addressed"),
    [
        ("Grace explained the trade-offs clearly.", "You explained the trade-offs clearly."),
        ("She struggles to coach juniors", "You struggle to coach juniors."),
        ("He is thorough and his tests were good.", "You are thorough and your tests were good."),
        ("Was calm under pressure", "You were calm under pressure."),
        ("They were clear about their design.", "You were clear about your design."),
        ("Grace's design handled failures well.", "Your design handled failures well."),
        (
            "The candidate asked good questions about the pipeline.",
            "You asked good questions about the pipeline.",
        ),
    ],
)
def test_observations_are_addressed_to_the_candidate(observation: str, addressed: str) -> None:
    assert to_second_person(observation, "Grace Hopper") == addressed


@pytest.mark.parametrize(
    "observation",
    [
        "Clear explanation of caching.",  # no subject to rewrite
        "The candidate asked her about the roadmap.",  # "her" is someone else
        "Asked good questions about how they deploy.",  # "they" is the team
        "She's great.",
    ],
)
def test_sentences_that_cannot_read_well_are_left_out(observation: str) -> None:
    assert to_second_person(observation, "Grace Hopper") is None


def test_unsafe_sentences_are_dropped() -> None:
    evidence = (
        "Grace explained the cache design well. Sam Smith pushed on the locking. "
        "I thought she was strong. Rated a 3 out of 4 overall. Would hire. <@USAM> agrees. "
        "She handled the follow-up questions calmly."
    )
    kept = usable_sentences(evidence, "Grace Hopper", REDACT)
    assert kept == ["You explained the cache design well.", "You handled the follow-up questions calmly."]


def test_strengths_and_areas_follow_the_ratings_with_matching_evidence() -> None:
    strengths, areas = assess(facts())
    assert [p.key for p in strengths] == ["technical_depth"]
    assert [p.key for p in areas] == ["mentoring"]
    assert strengths[0].examples == [
        "You explained the cache invalidation trade-offs in real depth.",
        "You explained the consistency model of the queue clearly.",
    ]
    assert areas[0].examples == ["You struggle to describe how you would coach a junior engineer on reviews."]


def test_the_draft_has_no_names_and_no_numbers() -> None:
    body = draft_report(facts())
    assert body.startswith("Hi Grace,")
    for name in ("Sam", "Smith", "Lee", "Chen", "USAM"):
        assert name not in body
    assert not re.search(r"\d", body), body
    assert "What went well\n• Technical depth: this came through clearly." in body
    assert "What held you back\n• Mentoring: we would have liked to see more here." in body
    assert "We look for someone who supports and grows junior engineers" in body
    assert "not to move forward with your application" in body
    assert body.endswith("Best wishes,\nThe Senior Backend Engineer hiring team")


@pytest.mark.parametrize(
    ("outcome", "extra", "phrase", "heading"),
    [
        (
            "advance",
            {"next_stage_name": "On-site interview"},
            "invite you to the next stage",
            "Where you could grow",
        ),
        ("offer", {}, "we would like to make you an offer", "Where you could grow"),
        ("hold", {}, "a little more time", "Where you could grow"),
        ("reject", {}, "not to move forward", "What held you back"),
        (
            "pivot",
            {"target_role_title": "Platform Engineer"},
            "closer fit for our Platform Engineer role",
            None,
        ),
    ],
)
def test_wording_adapts_to_the_outcome(
    outcome: str, extra: dict[str, Any], phrase: str, heading: str | None
) -> None:
    body = draft_report(facts(outcome, **extra))
    assert phrase in body
    if heading:
        assert heading in body


def test_strength_without_usable_evidence_uses_what_we_look_for() -> None:
    cards = [ReportCard({"technical_depth": 4, "motivation": 1}, "Clear. Strong.", 1, 4)]
    body = draft_report(facts("advance", cards, next_stage_name="On-site interview"))
    assert (
        "• Technical depth: this came through clearly; we look for someone who explains a difficult recent "
        "piece of work and holds up under follow-up questions, and you showed that." in body
    )
    assert (
        "• Motivation: we would have liked to see more here (interest in the work and the organisation)."
        in body
    )


def test_middling_ratings_and_no_cards() -> None:
    middling = draft_report(facts("hold", [ReportCard({"technical_depth": 4}, "Fine.", 1, 7)]))
    assert "balanced picture" in middling and "What went well" not in middling
    empty = draft_report(facts("reject", []))
    assert "more detailed feedback" in empty


def test_looked_for_trims_titles_and_asides() -> None:
    assert looked_for(COMPETENCIES["technical_depth"]) == (
        True,
        "explains a difficult recent piece of work and holds up under follow-up questions",
    )
    assert looked_for("Background, motivations and career interests.") == (
        False,
        "background, motivations and career interests",
    )


def test_a_rejection_before_any_interview_does_not_thank_for_interviewing() -> None:
    body = draft_report(facts("reject", cards=[], interviewed=False, stage_interviewed=False))
    assert "interviewing" not in body and "interview feedback" in body
    assert (
        "Thank you for your interest in the Senior Backend Engineer role and for the time you took to apply."
        in body
    )
    assert "before any interview" in body and "not to move forward with your application" in body


def test_a_decision_after_earlier_interviews_does_not_name_a_stage_not_held() -> None:
    body = draft_report(facts("reject", cards=[], interviewed=True, stage_interviewed=False))
    assert "interviewing with us for the Senior Backend Engineer role so far." in body
    assert "On-site interview" not in body and "before any interview" not in body


def test_a_decision_after_the_stages_interviews_thanks_for_them() -> None:
    body = draft_report(facts("reject"))
    assert (
        "Thank you for the time you spent interviewing with us for the Senior Backend Engineer role (On-site interview)."
        in body
    )


def test_a_pivot_before_any_interview_speaks_of_the_application() -> None:
    body = draft_report(
        facts("pivot", cards=[], interviewed=False, stage_interviewed=False, target_role_title="Data")
    )
    assert (
        "Having read your application, we think your experience is an even closer fit for our Data role"
        in body
    )
    assert "The team felt" not in body and "interviewing" not in body
