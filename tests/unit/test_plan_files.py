"""The built-in plans and question banks: they load, follow their source processes, and every
competency an interview scores has questions. Bad documents give one path-qualified line per problem."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from hiring.feedback.questions import (
    QuestionFileError,
    builtin_question_banks,
    load_question_file,
    parse_bank,
)
from hiring.plans.plans import MAX_ERROR_LINES, problems_text
from hiring.plans.schema import (
    PlanFileError,
    PlanSpec,
    builtin_plans,
    load_plan_file,
    parse_plan,
    parse_plan_text,
)
from hiring.plans.summary import minutes, plan_outline

PLANS = {p.key: p for p in builtin_plans()}
BANKS = builtin_question_banks()
QUESTIONS = [q for bank in BANKS for q in bank.questions]


def minimal(**overrides: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "key": "tiny",
        "name": "Tiny",
        "competencies": {"coding": "Writes code"},
        "stages": [
            {
                "key": "screen",
                "name": "Screen",
                "interviews": [{"key": "a", "name": "A", "duration_minutes": 30, "competencies": ["coding"]}],
            }
        ],
    }
    doc.update(overrides)
    return doc


def problems_of(data: object) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan(data, "test")
    return caught.value.problems


# -- the four built-in plans ---------------------------------------------------------------------
def test_the_four_processes_are_built_in_and_survive_a_database_round_trip() -> None:
    assert set(PLANS) == {
        "public-sector-senior-backend",
        "streaming-backend-centralized",
        "backend-standard-loop",
        "online-backend-loop",
    }
    assert "publishing" in PLANS["public-sector-senior-backend"].name.lower()
    for spec in PLANS.values():
        stored = spec.model_dump(mode="json")  # what the plans table holds
        assert parse_plan(stored) == spec
        assert all(stage.decision_criteria for stage in spec.stages), spec.key


def test_public_sector_plan_follows_its_published_process() -> None:
    spec = PLANS["public-sector-senior-backend"]
    assert "CV" in spec.intake and "covering letter" in spec.intake
    assert spec.candidate_feedback is True
    scale = spec.scales["default"]
    assert (scale.min, scale.max) == (1, 7) and len(scale.labels) == 7
    assert [s.key for s in spec.stages] == ["phone", "onsite"]
    phone = spec.stage("phone").interviews
    assert [(i.key, i.duration_minutes, i.mode) for i in phone] == [("phone-screen", 30, "phone")]
    onsite = spec.stage("onsite")
    c = onsite.constraints
    assert c.same_day and c.ordered and c.break_after_minutes and c.break_minutes >= 10
    assert c.max_span_minutes == 180 and 120 <= onsite.required_minutes() <= 180
    by_key = {i.key: i for i in onsite.interviews}
    assert by_key["experience-mentoring"].duration_minutes == 20
    assert "mentoring" in by_key["experience-mentoring"].competencies
    assert by_key["code-review"].duration_minutes == 15 and "Go or Java" in by_key["code-review"].name
    assert (
        "publish a dataset" in by_key["service-design"].focus
        and by_key["service-design"].duration_minutes == 30
    )
    assert "prioritisation" in by_key
    team = by_key["meet-the-team"]
    assert (team.pool, team.interviewers) == ("team_member", 2) and 30 <= team.duration_minutes <= 60
    assert all(i.mode == "onsite" for i in onsite.interviews)


def test_streaming_plan_models_centralized_hiring_and_both_rounds() -> None:
    spec = PLANS["streaming-backend-centralized"]
    assert spec.centralized_hiring is True
    assert "centralized" in spec.description.lower() and "pivot" in spec.description.lower()
    assert "accommodation" in spec.accommodations.lower() and "ahead" in spec.accommodations.lower()
    assert [s.key for s in spec.stages] == [
        "recruiter-screen",
        "manager-screen",
        "technical-screen",
        "round-1",
        "round-2",
    ]
    assert spec.stage("recruiter-screen").interviews[0].pool == "recruiter"
    assert spec.stage("manager-screen").interviews[0].pool == "hiring_manager"
    screen = spec.stage("technical-screen").interviews[0]
    assert (screen.duration_minutes, screen.pool) == (60, "engineer")
    assert [(a.key, a.scheduled) for a in screen.alternatives] == [("take-home", False)]

    round_1 = spec.stage("round-1").interviews
    assert {i.duration_minutes for i in round_1} == {45}
    required = [i.pool for i in round_1 if not i.optional]
    everyone = [i.pool for i in round_1]
    assert (len(required), len(everyone)) == (4, 5)  # four or five interviews
    assert Counter(required)["engineer"] == 2 and Counter(everyone)["engineer"] == 3
    assert {"hiring_manager", "recruiter"} <= set(required)

    round_2 = spec.stage("round-2").interviews
    assert {i.duration_minutes for i in round_2} == {45}
    assert [i.pool for i in round_2] == ["director", "partner", "leader"]
    assert [i.optional for i in round_2] == [False, False, True]  # two or three
    assert all("partnership" in i.competencies or "judgment" in i.competencies for i in round_2)


def test_hiring_platform_plan_has_its_standardized_stages() -> None:
    spec = PLANS["backend-standard-loop"]
    assert spec.candidate_feedback is True
    discovery = spec.stage("discovery").interviews[0]
    assert 15 <= discovery.duration_minutes <= 30
    assessment = spec.stage("pre-screen").interviews[0]
    assert 30 <= assessment.duration_minutes <= 60 and assessment.pool == "assessor"
    interviews = {i.key: i for i in spec.stage("interviews").interviews}
    assert list(interviews) == ["coding", "system-design", "development-process", "management-fit"]
    assert "data_structures" in interviews["coding"].competencies
    assert (
        "CI/CD" in interviews["development-process"].focus
        and "DevOps" in interviews["development-process"].focus
    )
    assert interviews["management-fit"].pool == "hiring_manager"
    assert all(
        45 <= interviews[k].duration_minutes <= 60 for k in ("coding", "system-design", "development-process")
    )


def test_online_loop_is_entirely_online_in_its_six_rounds() -> None:
    spec = PLANS["online-backend-loop"]
    interviews = [i for s in spec.stages for i in s.interviews]
    assert [i.key for i in interviews] == [
        "foundations-assessment",
        "background-conversation",
        "data-structures",
        "systems-knowledge",
        "system-design",
        "hiring-manager",
    ]
    assert {i.mode for i in interviews} == {"video"}
    assert "multiple-choice" in spec.stage("foundations").description.lower()
    assert "concurrency" in spec.competencies["systems_knowledge"].lower()
    assert interviews[-1].pool == "hiring_manager" and "coding" in interviews[-1].competencies


# -- the question bank ---------------------------------------------------------------------------
def test_every_focus_and_competency_of_the_built_in_plans_has_questions() -> None:
    pairs = Counter((q.focus, q.competency) for q in QUESTIONS)
    foci = Counter(q.focus for q in QUESTIONS)
    competencies = Counter(q.competency for q in QUESTIONS)
    used_foci = set()
    for spec in PLANS.values():
        for stage in spec.stages:
            for interview in stage.interviews:
                used_foci.add(interview.focus_key)
                assert foci[interview.focus_key] >= 6, (spec.key, interview.key)
                for competency in interview.competencies:
                    assert pairs[(interview.focus_key, competency)] >= 2, (
                        spec.key,
                        interview.key,
                        competency,
                    )
                    assert competencies[competency] >= 6, competency
    assert set(foci) == used_foci, "a built-in question serves a focus no built-in plan uses"


def test_question_keys_are_unique_and_texts_are_real_questions() -> None:
    keys = [(bank.bank, q.key) for bank in BANKS for q in bank.questions]
    assert len(keys) == len(set(keys))
    assert len(QUESTIONS) >= 100
    assert all(len(q.text) >= 40 for q in QUESTIONS)
    assert len({q.text for q in QUESTIONS}) == len(QUESTIONS)


def test_a_bad_question_bank_names_each_bad_field(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError) as caught:
        parse_bank(
            {
                "bank": "ours",
                "name": "Ours",
                "questions": [
                    {
                        "key": "q1",
                        "focus": "coding",
                        "competency": "coding",
                        "text": "Write a parser for dates.",
                    },
                    {
                        "key": "q1",
                        "focus": "coding",
                        "competency": "coding",
                        "text": "Write a parser for times.",
                    },
                    {"key": "q2", "focus": "Coding!", "competency": "coding", "text": "short"},
                ],
            }
        )
    problems = caught.value.problems
    assert any(p.startswith("questions.2.focus: 'Coding!' is not a key") for p in problems)
    assert "questions.2.text: String should have at least 10 characters" in problems
    broken = tmp_path / "bank.yaml"
    broken.write_text("bank: ours\nquestions: [\n", encoding="utf-8")
    with pytest.raises(QuestionFileError) as caught:
        load_question_file(broken)
    assert caught.value.problems[0].startswith("line 3, column 1:")
    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text(
        "bank: ours\nname: Ours\nquestions:\n"
        "  - {key: q1, focus: coding, competency: coding, text: Write a parser for dates.}\n"
        "  - {key: q1, focus: coding, competency: coding, text: Write a parser for times.}\n",
        encoding="utf-8",
    )
    with pytest.raises(QuestionFileError) as caught:
        load_question_file(duplicate)
    assert caught.value.problems == ["questions.1.key: 'q1' is already used by questions.0"]


# -- invalid plan documents ----------------------------------------------------------------------
def test_field_errors_carry_their_path() -> None:
    doc = minimal(
        stages=[
            {"key": "one", "name": "One", "interviews": [{"key": "a", "name": "A", "duration_minutes": 30}]},
            {
                "key": "two",
                "name": "Two",
                "interviews": [{"key": "b", "name": "B", "duration_minutes": 3, "pool": "enginer"}],
            },
        ]
    )
    problems = problems_of(doc)
    assert "stages.1.interviews.0.duration_minutes: Input should be greater than or equal to 5" in problems
    assert any(p.startswith("stages.1.interviews.0.pool: unknown pool 'enginer'") for p in problems)


def test_cross_field_problems_are_reported_with_field_errors_all_at_once() -> None:
    doc = minimal(
        key="Not A Key",
        stages=[
            {
                "key": "one",
                "name": "One",
                "constraints": {"max_span_minutes": 60},
                "interviews": [
                    {"key": "a", "name": "A", "duration_minutes": 45, "competencies": ["coding", "nope"]},
                    {"key": "a", "name": "A2", "duration_minutes": 45, "scale": "other"},
                ],
            },
            {"key": "one", "name": "Again"},
        ],
    )
    problems = problems_of(doc)
    assert problems[0].startswith("key: 'Not A Key' is not a key")
    assert "stages: stage keys repeated: one" in problems
    assert "stages.0.interviews: interview keys repeated: a" in problems
    assert any(p.startswith("stages.0.constraints.max_span_minutes: 60 minutes is shorter") for p in problems)
    assert (
        "stages.0.interviews.0.competencies: unknown 'nope'; define it under `competencies` first" in problems
    )
    assert any(p.startswith("stages.0.interviews.1.scale: unknown scale 'other'") for p in problems)
    # Once the fields are valid, the same checks still run (inside the model).
    valid_fields = minimal(
        stages=[
            {
                "key": "one",
                "name": "One",
                "interviews": [{"key": "a", "name": "A", "duration_minutes": 45, "competencies": ["nope"]}],
            }
        ]
    )
    assert problems_of(valid_fields) == [
        "stages.0.interviews.0.competencies: unknown 'nope'; define it under `competencies` first"
    ]


def test_rating_scale_and_document_shape_errors() -> None:
    assert problems_of(minimal(scales={"default": {"min": 3, "max": 2}})) == [
        "scales.default.max: must be greater than min"
    ]
    assert problems_of(["a", "b"]) == [
        "(plan): the document must be a mapping of fields (key, name, ...), not a list or a value"
    ]
    assert "stages: Field required" in problems_of({"key": "x", "name": "X"})
    alternative = {"key": "x", "name": "X", "duration_minutes": 0}  # scheduled, yet no time
    stages = [{"key": "s", "name": "S", "interviews": [{"key": "i", "name": "I", "duration_minutes": 30}]}]
    stages[0]["interviews"][0]["alternatives"] = [alternative]  # type: ignore[index]
    assert problems_of(minimal(stages=stages)) == [
        "stages.0.interviews.0.alternatives.0.duration_minutes: a scheduled alternative lasts at least 5 minutes"
    ]
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text("key: [a\nname: b\n")
    assert caught.value.problems == ["line 2, column 5: expected ',' or ']', but got ':'"]
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text("   \n")
    assert caught.value.problems == ["(plan): the document is empty"]


def test_plan_files_load_from_disk_and_json_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(PlanSpec.model_validate(minimal()).model_dump_json(), encoding="utf-8")
    assert load_plan_file(path).key == "tiny"
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(tmp_path / "missing.yaml")
    assert caught.value.problems[0].startswith("cannot read:")


def test_modal_error_text_is_trimmed_to_a_readable_length() -> None:
    many = [
        f"stages.{i}.interviews.0.duration_minutes: Input should be greater than or equal to 5"
        for i in range(20)
    ]
    text = problems_text(many)
    assert text.count("\n") == MAX_ERROR_LINES
    assert text.endswith("…and 14 more (`loopbot plans validate FILE` lists them all)")
    assert len(problems_text(["x: " + "y" * 500])) <= 180


def test_outline_reads_well() -> None:
    assert (minutes(20), minutes(60), minutes(140)) == ("20 min", "1 h", "2 h 20 min")
    assert plan_outline(PLANS["public-sector-senior-backend"]) == (
        "Technical phone interview (30 min) → On-site interview (6 interviews, 2 h 40 min)"
    )
    assert "Round 1 interviews (4–5 interviews, 3 h)" in plan_outline(PLANS["streaming-backend-centralized"])
