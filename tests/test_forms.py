"""The form engine: rules as data, question types, and a form's state from its answers."""

from __future__ import annotations

import json

import marshmallow as ma
import pytest

from datacapt.forms import rules
from datacapt.forms.design import block_questions, filled_blocks
from datacapt.forms.questions import (
    AnswerError,
    Level,
    Question,
    QuestionType,
    ValidationRule,
    clean_answer,
    option_problems,
)
from datacapt.forms.schemas import BlockSchema, FilledBlockSchema, FilledBlocksField
from datacapt.forms.state import design_problems, evaluate_form
from datacapt.graphs import dependency_order

T = QuestionType


@pytest.mark.parametrize(
    ("rule", "answers", "expected"),
    [
        ({">=": [{"var": "age"}, 18]}, {"age": 30}, True),
        ({">=": [{"var": "age"}, 18]}, {}, False),  # a missing answer compares false
        ({"==": [{"var": "sex"}, "F"]}, {"sex": "F"}, True),
        ({"!=": [{"var": "sex"}, "F"]}, {}, True),
        ({"<": [0, {"var": "x"}, 10]}, {"x": 5}, True),
        ({"and": [{"var": "a"}, {"!": {"var": "b"}}]}, {"a": True, "b": False}, True),
        ({"or": [{"var": "a"}, {"var": "b"}]}, {}, False),
        ({"in": ["fever", {"var": "symptoms"}]}, {"symptoms": ["cough", "fever"]}, True),
        ({"in": ["fever", {"var": "symptoms"}]}, {}, False),
        ({"+": [{"var": "a"}, {"var": "b"}, 1]}, {"a": 1, "b": "2.5"}, 4.5),
        ({"+": [{"var": "a"}, 1]}, {}, None),  # arithmetic with a missing answer is null
        ({"/": [1, 0]}, {}, None),
        (
            {"round": [{"/": [{"var": "w"}, {"*": [{"var": "h"}, {"var": "h"}]}]}, 1]},
            {"w": 70, "h": 1.75},
            22.9,
        ),
        (
            {"years_between": [{"var": "birth"}, {"var": "visit"}]},
            {"birth": "1990-06-15", "visit": "2026-06-14"},
            35,
        ),
        ({"days_between": ["2026-01-01", "2026-03-01"]}, {}, 59),
        (
            {"if": [{">": [{"var": "x"}, 10]}, "high", {">": [{"var": "x"}, 5]}, "mid", "low"]},
            {"x": 7},
            "mid",
        ),
        ({"answered": "x"}, {"x": 0}, True),
        ({"empty": {"var": "x"}}, {"x": []}, True),
        ({"max": [1, {"var": "x"}, 3]}, {"x": 7}, 7),
    ],
)
def test_rules_evaluate_without_eval(rule, answers, expected):
    assert rules.evaluate(rule, answers) == expected


def test_rule_problems_name_unknown_operators_questions_and_arities():
    assert rules.problems({"eval": ["__import__('os')"]}) == ["unknown operator 'eval'"]
    assert rules.problems({"var": "ghost"}, known_codes={"age"}) == ["unknown question 'ghost'"]
    assert rules.problems({"/": [1]}) == ["/ takes 2 arguments"]
    assert str(rules.problems({"==": [1, 1], "!=": [1, 2]})[0]).startswith(
        "a rule object has exactly one"
    )
    deep: object = 1
    for _ in range(40):
        deep = {"!": deep}
    assert rules.problems(deep) == ["rules nest at most 32 levels"]
    with pytest.raises(rules.RuleError):
        rules.evaluate(deep, {})


def test_rules_of_any_depth_are_refused_without_recursing():
    deep: object = {"var": "m"}
    for _ in range(5000):
        deep = {"!": [deep]}
    assert rules.nesting(deep) == 5001  # the argument of the innermost var too
    (problem,) = design_problems(
        [question("m", T.INTEGER), question("n", T.INTEGER, visible_if=deep)]
    )
    assert (problem.field, str(problem.message)) == ("visible_if", "rules nest at most 32 levels")


def test_references_and_cycles():
    assert rules.references({"and": [{"var": "a"}, {">": [{"var": "b"}, 1]}]}) == {"a", "b"}
    assert rules.find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert rules.find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    order = dependency_order({"bmi": {"weight", "height"}, "weight": set(), "height": set()})
    assert order[-1] == "bmi"


def question(code, kind, **fields):
    return Question(code=code, type=kind, **fields)


FORM = [
    question(
        "sex", T.SINGLE_CHOICE, required=True, options={"choices": [{"value": "F"}, {"value": "M"}]}
    ),
    question("pregnant", T.YES_NO, required=True, visible_if={"==": [{"var": "sex"}, "F"]}),
    question("weight", T.DECIMAL, required=True, options={"precision": 1, "min": 20, "max": 300}),
    question("height", T.DECIMAL, required=True, options={"precision": 2}),
    question(
        "bmi",
        T.CALCULATED,
        calculation={
            "round": [{"/": [{"var": "weight"}, {"*": [{"var": "height"}, {"var": "height"}]}]}, 1]
        },
        validations=[ValidationRule({">": [{"var": "bmi"}, 40]}, Level.WARNING, "BMI above 40")],
    ),
    question("obesity_note", T.LONG_TEXT, visible_if={">=": [{"var": "bmi"}, 30]}),
]


def test_a_form_state_follows_logic_calculations_and_validations():
    state = evaluate_form(
        FORM, {"sex": "M", "pregnant": True, "weight": "130", "height": "1.75", "obesity_note": "x"}
    )
    assert "pregnant" not in state.visible and state.cleared == ["pregnant"]
    assert state.answers["pregnant"] is None
    assert state.calculated == {"bmi": "42.4"} and "obesity_note" in state.visible
    assert [(f.code, f.level) for f in state.findings] == [("bmi", Level.WARNING)]
    assert (state.required, state.required_answered) == (3, 3)  # pregnant hidden: not required
    lighter = evaluate_form(
        FORM, {"sex": "F", "weight": "60", "height": "1.70", "obesity_note": "x"}
    )
    assert lighter.calculated["bmi"] == "20.8" and "obesity_note" in lighter.cleared
    assert (lighter.required, lighter.required_answered) == (4, 3)


def test_chains_of_calculations_longer_than_the_recursion_limit_are_ordered_and_checked():
    """Ordering and cycle checks do not recurse: a chain of 3,000 calculations (each adding
    one to the one before) is computed in order, and a cycle through all of them is named."""
    length = 3000
    chain = [question("c0", T.INTEGER)] + [
        question(f"c{i}", T.CALCULATED, calculation={"+": [{"var": f"c{i - 1}"}, 1]})
        for i in range(1, length)
    ]
    assert design_problems(chain) == []
    state = evaluate_form(list(reversed(chain)), {"c0": 1})
    assert float(state.calculated[f"c{length - 1}"]) == length
    looped = [
        question(f"c{i}", T.CALCULATED, calculation={"+": [{"var": f"c{(i + 1) % length}"}, 1]})
        for i in range(length)
    ]
    (problem,) = design_problems(looped)
    assert problem.field == "calculation"
    assert len(str(problem.message).split(" -> ")) == length + 1  # around, back to the first


def test_design_problems_refuse_unknown_references_cycles_and_bad_settings():
    broken = [
        question("a", T.CALCULATED, calculation={"+": [{"var": "b"}, 1]}),
        question("b", T.CALCULATED, calculation={"+": [{"var": "a"}, 1]}),
        question("c", T.INTEGER, visible_if={"==": [{"var": "ghost"}, 1]}),
        question("c", T.SINGLE_CHOICE, options={"choices": [{"value": 1}, {"value": 1}]}),
        question("1bad", T.SCALE),
    ]
    found = {(p.question, p.field, str(p.message)) for p in design_problems(broken)}
    assert ("c", "code", "this code is used twice") in found
    assert ("c", "visible_if", "unknown question 'ghost'") in found
    assert ("a", "calculation", "these depend on each other: a -> b -> a") in found
    assert ("c", "options.choices", "choices need distinct values") in found
    assert ("1bad", "code", "a code is a letter then up to 39 letters, digits or _") in found
    assert ("1bad", "options", "a scale needs min and max") in found
    assert design_problems(FORM) == []


@pytest.mark.parametrize(
    ("q", "value", "expected"),
    [
        (question("t", T.SHORT_TEXT, options={"max_length": 3}), "abc", "abc"),
        (question("i", T.INTEGER, options={"min": 0}), 5, 5),
        (question("d", T.DECIMAL, options={"precision": 1}), "72.5", "72.5"),
        (question("d", T.DATE), "2026-02-28", "2026-02-28"),
        (question("d", T.DATE, options={"partial": True}), "2026-02", "2026-02"),
        (question("t", T.TIME), "08:30", "08:30"),
        (question("dt", T.DATETIME), "2026-02-28T08:30", "2026-02-28T08:30:00"),
        (
            question("m", T.MULTIPLE_CHOICE, options={"choices": [{"value": "a"}, {"value": "b"}]}),
            ["b", "a", "b"],
            ["a", "b"],
        ),
        (question("y", T.YES_NO), False, False),
        (question("s", T.SCALE, options={"min": 0, "max": 10, "step": 2}), 4, 4),
        (
            question("f", T.FILE),
            "A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF",
            "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
        ),
        (question("x", T.INTEGER), "", None),
    ],
)
def test_answers_are_cleaned_by_type(q, value, expected):
    assert clean_answer(q, value) == expected


@pytest.mark.parametrize(
    ("q", "value", "reason"),
    [
        (question("t", T.SHORT_TEXT, options={"max_length": 3}), "abcd", "at most 3"),
        (question("i", T.INTEGER), True, "whole number"),
        (question("i", T.INTEGER, options={"max": 9}), 10, "at most 9"),
        (question("d", T.DECIMAL, options={"precision": 1}), "72.55", "at most 1 decimals"),
        (question("d", T.DECIMAL), "NaN", "a number"),
        (question("d", T.DATE), "2026-02-30", "a date"),
        (question("d", T.DATE), "2026-02", "a date"),  # partial dates only where allowed
        (question("t", T.TIME), "25:00", "a time"),
        (
            question("c", T.SINGLE_CHOICE, options={"choices": [{"value": "a"}]}),
            "z",
            "one of the choices",
        ),
        (question("s", T.SCALE, options={"min": 0, "max": 10, "step": 2}), 3, "a step of 2"),
        (question("c", T.CALCULATED, calculation=1), 3, "calculated"),
    ],
)
def test_bad_answers_say_why(q, value, reason):
    with pytest.raises(AnswerError, match=reason):
        clean_answer(q, value)


def test_repeating_groups_clean_each_row():
    adverse_events = question(
        "ae",
        T.REPEATING_GROUP,
        options={"max_rows": 2},
        columns=[question("term", T.SHORT_TEXT, required=True), question("onset", T.DATE)],
    )
    rows = clean_answer(
        adverse_events, [{"term": "Headache", "onset": "2026-03-01"}, {"term": "Nausea"}]
    )
    assert rows == [{"term": "Headache", "onset": "2026-03-01"}, {"term": "Nausea", "onset": None}]
    with pytest.raises(AnswerError, match="row 2, term: required"):
        clean_answer(adverse_events, [{"term": "x"}, {"onset": "2026-03-01"}])
    with pytest.raises(AnswerError, match="at most 2 rows"):
        clean_answer(adverse_events, [{"term": "x"}] * 3)
    with pytest.raises(AnswerError, match="unknown fields severity"):
        clean_answer(adverse_events, [{"term": "x", "severity": 3}])
    with pytest.raises(AnswerError) as every_error:
        clean_answer(adverse_events, [{"onset": "soon"}, {"term": "x" * 300, "severity": 3}])
    assert [str(m) for m in every_error.value.messages] == [
        "row 1, term: required",
        "row 1, onset: a date (YYYY-MM-DD)",
        "row 2: unknown fields severity",
        "row 2, term: at most 255 characters",
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"choices": [{"label": {"en": "no value"}}]},
        {"choices": "ab"},
        {"choices": [{"value": "a"}], "max_length": "10"},
    ],
)
def test_options_of_the_wrong_type_are_design_problems(options):
    question = Question("q", QuestionType.SINGLE_CHOICE, options=options)
    assert option_problems(question)


@pytest.mark.parametrize(
    "options",
    [
        {"min": "abc", "max": 10},
        {"min": 0, "max": 10, "step": True},
        {"min": 0, "max": 10, "precision": -1},
    ],
)
def test_scale_options_of_the_wrong_type_are_design_problems(options):
    assert option_problems(Question("pain", QuestionType.SCALE, options=options))


@pytest.mark.parametrize(
    ("rule", "answers"),
    [
        ({"round": [{"var": "x"}, 2]}, {"x": "1E+400"}),
        ({"round": [{"var": "x"}, 2]}, {"x": "nan"}),
        ({"+": [{"var": "x"}, 0.5]}, {"x": 10**400}),
        ({"in": ["a", {"var": "n"}]}, {"n": 3}),
    ],
)
def test_rules_on_extreme_answers_give_null_or_false_rather_than_fail(rule, answers):
    assert rules.evaluate(rule, answers) in (None, False)


def test_filled_blocks_leave_in_the_shape_their_schema_describes():
    """FilledBlocksField sends the engine's blocks as built: they must be what
    FilledBlockSchema would write, for every kind of block a design holds (as stored: the
    validated design in JSON)."""
    validated = BlockSchema(many=True).load(
        [
            {"kind": "static", "content": {"en": "Vital signs", "fr": "Signes vitaux"}},
            {
                "kind": "question",
                "uuid": "1b0f9a4e-6a57-4c1e-9d0b-1f2a3b4c5d6e",
                "code": "weight",
                "type": "decimal",
                "label": {"en": "Weight"},
                "required": True,
                "options": {"precision": 1},
                "validations": [{"rule": {">": [{"var": "weight"}, 200]}, "level": "warning"}],
            },
            {
                "kind": "question",
                "code": "note",
                "type": "long_text",
                "help": {"en": "Why"},
                "visible_if": {">": [{"var": "weight"}, 100]},
            },
            {
                "kind": "question",
                "code": "doses",
                "type": "repeating_group",
                "columns": [{"code": "dose", "type": "integer", "label": {"en": "Dose"}}],
            },
            {
                "kind": "question",
                "code": "double",
                "type": "calculated",
                "calculation": {"*": [{"var": "weight"}, 2]},
            },
        ]
    )
    design = json.loads(json.dumps(validated, default=str))
    filled = filled_blocks(design, evaluate_form(block_questions(design), {"weight": "120.5"}))
    assert [block["kind"] for block in filled] == ["static"] + ["question"] * 4
    assert FilledBlockSchema(many=True).dump(filled) == filled
    assert FilledSubSectionLike().dump({"blocks": filled}) == {"blocks": filled}


class FilledSubSectionLike(ma.Schema):
    blocks = FilledBlocksField()
