"""Each question type scored as Moodle scores it, on the examples of Moodle's GIFT docs."""

import dataclasses

import pytest

from institute.errors import Invalid
from institute.questions import type_of as strategy
from institute.questions.gift import parse_gift


def question(source: str) -> dict:
    result = parse_gift(source)
    assert not result.errors, result.errors
    return dataclasses.asdict(result.questions[0])


def score(source: str, raw):
    q = question(source)
    kind = strategy(q)
    return kind.score(q, kind.read(q, raw))


GRANT = "Who's buried in Grant's tomb?{~Grant =no one #Right ~Napoleon ~Churchill ~Mother Teresa}"


def test_multiple_choice():
    assert score(GRANT, 1).fraction == 1.0 and score(GRANT, 1).feedback == "Right"
    assert score(GRANT, 0).fraction == 0.0
    assert score(GRANT, [1]).fraction == 1.0


def test_multiple_choice_with_a_partly_right_answer():
    q = "What two people are entombed in Grant's tomb? {=Grant and his wife ~%50%Grant ~nobody}"
    assert score(q, 1).fraction == 0.5


WEIGHTED = ("What two people are entombed in Grant's tomb? {~%-100%No one ~%50%Grant "
            "~%50%Grant's wife ~%-100%Grant's father}")


@pytest.mark.parametrize("chosen, expected", [
    ([1, 2], 1.0),          # both right: 50 + 50
    ([1], 0.5),             # one right
    ([1, 3], 0.0),          # 50 - 100, floored at zero
    ([0, 1, 2], 0.0),       # 100 - 100
    ([], 0.0),
    ([0, 1, 2, 3], 0.0),
])
def test_multiple_answers_add_up_and_are_floored_at_zero(chosen, expected):
    assert score(WEIGHTED, chosen).fraction == expected


def test_true_false_with_feedback():
    q = "Grant is buried in Grant's tomb.{F#No one is buried there.#Right: nobody is.}"
    assert score(q, False).fraction == 1.0
    wrong = score(q, "true")
    assert wrong.fraction == 0.0 and wrong.feedback == "No one is buried there."


def test_short_answer_ignores_case_and_surrounding_space():
    q = "Who's buried in Grant's tomb?{=no one =nobody}"
    assert score(q, "  No One ").fraction == 1.0
    assert score(q, "NOBODY").fraction == 1.0
    assert score(q, "Grant").fraction == 0.0
    assert score(q, "").fraction == 0.0


def test_short_answer_partial_credit_and_wildcard():
    q = "Two plus two equals {=four =%50%for =*4*}"
    assert score(q, "Four").fraction == 1.0
    assert score(q, "for").fraction == 0.5
    assert score(q, "it is 4 I think").fraction == 1.0


def test_numerical_tolerance_and_range():
    born = "When was Ulysses S. Grant born?{#1822:5}"
    assert score(born, 1822).fraction == 1.0
    assert score(born, "1827").fraction == 1.0
    assert score(born, 1828).fraction == 0.0
    pi = "What is the value of pi (to 3 decimal places)? {#3.141..3.142}"
    assert score(pi, 3.1415).fraction == 1.0
    assert score(pi, 3.14).fraction == 0.0


def test_numerical_answers_with_partial_credit_in_written_order():
    q = ("When was Ulysses S. Grant born? {#\n=1822:0 #Correct! 100% credit\n"
         "=%50%1822:2 #He was born in 1822. Half credit for being close.\n}")
    exact = score(q, 1822)
    assert exact.fraction == 1.0 and exact.feedback == "Correct! 100% credit"
    assert score(q, 1821).fraction == 0.5
    assert score(q, 1819).fraction == 0.0


def test_matching_gives_credit_per_pair():
    q = ("Match the following countries with their corresponding capitals. {\n"
         "=Canada -> Ottawa\n=Italy -> Rome\n=Japan -> Tokyo\n=India -> New Delhi\n}")
    assert score(q, {"0": "Ottawa", "1": "Rome", "2": "Tokyo", "3": "New Delhi"}).fraction == 1.0
    assert score(q, {"0": "Ottawa", "1": "Tokyo", "2": "Rome"}).fraction == 0.25
    assert score(q, {"0": "Ottawa", "1": "Rome"}).fraction == 0.5
    assert score(q, ["Ottawa", "Rome", "New Delhi", "Tokyo"]).fraction == 0.5


def test_essay_waits_for_an_instructor_and_description_scores_nothing():
    essay = question("Write a short biography of Dag Hammarskjöld. {}")
    assert strategy(essay).score(essay, strategy(essay).read(essay, "He was...")).fraction is None
    assert strategy(essay).graded_by_hand
    description = question("You can use your pencil and paper for these next math questions.")
    assert strategy(description).max_points == 0


@pytest.mark.parametrize("source, raw", [
    (GRANT, 9), (GRANT, "x"), (WEIGHTED, [7]), ("T or F? {T}", "maybe"),
    ("Year? {#1822}", "nineteen"), ("Year? {#1822}", True),
    ("Match {=a -> 1 =b -> 2 =c -> 3}", {"0": "9"}), ("Match {=a -> 1 =b -> 2 =c -> 3}", {"9": "1"}),
])
def test_unreadable_answers_are_invalid(source, raw):
    q = question(source)
    with pytest.raises(Invalid):
        strategy(q).read(q, raw)


def test_right_answers_are_described():
    q = question(GRANT)
    assert str(strategy(q).right_answer(q)) == "no one"
    q = question(WEIGHTED)
    assert str(strategy(q).right_answer(q)) == "Grant; Grant's wife"
    q = question("When was Grant born?{#1822:5}")
    assert str(strategy(q).right_answer(q)) == "1822, give or take 5"
