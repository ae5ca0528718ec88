"""Tests for the GIFT parser: Moodle's documented examples, errors, and a realistic file."""

import pytest

from institute.questions import QuestionKind
from institute.questions.gift import (
    Answer,
    GiftError,
    ParseResult,
    Question,
    parse_gift,
)

QUESTION_KINDS = tuple(QuestionKind)


def one(source: str) -> Question:
    """Parse a source that must hold exactly one valid question."""
    result = parse_gift(source)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def errors(source: str) -> list[tuple[int, str]]:
    result = parse_gift(source)
    assert result.questions == []
    return [(error.line, error.message) for error in result.errors]


def texts(question: Question) -> list[str]:
    return [answer.text for answer in question.answers]


def fractions(question: Question) -> list[float]:
    return [answer.fraction for answer in question.answers]


def squash(text: str) -> str:
    return " ".join(text.split())


# --- Multiple choice (Moodle docs) -------------------------------------------------------


def test_multiple_choice() -> None:
    q = one(
        "Who's buried in Grant's tomb in New York City? "
        "{=Grant ~No one ~Napoleon ~Churchill ~Mother Teresa }"
    )
    assert q.kind == "multichoice"
    assert q.text == "Who's buried in Grant's tomb in New York City?"
    assert texts(q) == ["Grant", "No one", "Napoleon", "Churchill", "Mother Teresa"]
    assert fractions(q) == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert q.line == 1 and q.title == "" and q.text_format == "moodle" and q.correct is None


def test_multiple_choice_answers_on_separate_lines() -> None:
    q = one(
        "Who is buried in Grant's tomb in New York City? {\n"
        "  =Grant\n"
        "  ~No one\n"
        "  #Was true for 12 years, but Grant's remains were buried in the tomb in 1897\n"
        "  ~Napoleon\n"
        "  #He was buried in France\n"
        "  ~Churchill\n"
        "  #He was buried in England\n"
        "  ~Mother Teresa\n"
        "  #She was buried in India\n"
        "}"
    )
    assert q.kind == "multichoice"
    assert texts(q) == ["Grant", "No one", "Napoleon", "Churchill", "Mother Teresa"]
    assert q.answers[0].feedback == ""
    assert q.answers[1].feedback.startswith("Was true for 12 years")
    assert q.answers[4].feedback == "She was buried in India"


def test_multiple_choice_with_feedback_on_every_answer() -> None:
    q = one(
        "What's the answer to this multiple-choice question? {\n"
        "~wrong answer#feedback comment on the wrong answer\n"
        "~another wrong answer#feedback comment on this wrong answer\n"
        "=right answer#Very good!}"
    )
    assert texts(q) == ["wrong answer", "another wrong answer", "right answer"]
    assert [a.feedback for a in q.answers] == [
        "feedback comment on the wrong answer",
        "feedback comment on this wrong answer",
        "Very good!",
    ]
    assert fractions(q) == [0.0, 0.0, 1.0]


def test_missing_word_multiple_choice() -> None:
    q = one("Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org.")
    assert q.kind == "multichoice"
    assert q.text == "Moodle costs _____ to download from moodle.org."
    assert texts(q) == ["lots of money", "nothing", "a small amount"]
    assert fractions(q) == [0.0, 1.0, 0.0]


def test_missing_word_multiline_thanksgiving() -> None:
    q = one(
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n"
        "    ~third\n"
        "    =fourth\n"
        "} Thursday of November."
    )
    assert (
        q.text
        == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert texts(q) == ["second", "third", "fourth"]


def test_answer_block_at_the_end_inserts_no_blank() -> None:
    q = one(
        "Japanese characters originally came from what country? {\n"
        "  ~India\n  =China\n  ~Korea\n  ~Egypt}"
    )
    assert q.text == "Japanese characters originally came from what country?"
    assert "_____" not in q.text
    assert q.answers[1] == Answer(text="China", fraction=1.0)


def test_missing_word_at_the_start() -> None:
    q = one("{=Paris ~Lyon} is the capital of France.")
    assert q.text == "_____ is the capital of France."


def test_percentage_weights_single_choice_with_partial_credit() -> None:
    q = one(
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!\n"
        "}."
    )
    assert q.kind == "multichoice"
    assert q.title == "Jesus' hometown"
    assert q.text == "Jesus Christ was from _____."
    assert texts(q) == ["Jerusalem", "Bethlehem", "Galilee", "Nazareth"]
    assert fractions(q) == [0.0, 0.25, 0.5, 1.0]
    assert q.answers[2].feedback == "You need to be more specific."


def test_difficult_question_with_half_credit() -> None:
    q = one("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert q.kind == "multichoice"
    assert fractions(q) == [0.0, 0.5, 1.0]


def test_a_hundred_percent_weight_without_equals_is_multiple_answers_as_in_moodle() -> None:
    # Moodle: no '=' in the block, so the fellow may tick several (its 'multi_tricky' case).
    q = one("Pick {~%100%best ~%-50%bad ~%-50%worse}")
    assert q.kind == "multianswer"
    assert fractions(q) == [1.0, -0.5, -0.5]
    # Ticking several, the weights must add up: 150% is refused (Moodle leaves it to its form).
    assert errors("Pick {~%100%best ~%50%good ~bad}") == [
        (1, "the positive weights of a multiple-answer question (no '=') add up to 150%, not 100%")
    ]


def test_multiple_answers() -> None:
    q = one(
        "What two people are entombed in Grant's tomb? "
        "{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father}"
    )
    assert q.kind == "multianswer"
    assert texts(q) == ["No one", "Grant", "Grant's wife", "Grant's father"]
    assert fractions(q) == [-1.0, 0.5, 0.5, -1.0]


def test_multiple_answers_multiline_with_decimal_weights() -> None:
    q = one(
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-100%No one\n"
        "   ~%33.33333%Grant\n"
        "   ~%33.33333%Grant's wife\n"
        "   ~%33.33333%Grant's cat\n"
        "}"
    )
    assert q.kind == "multianswer"
    assert fractions(q)[1] == pytest.approx(1 / 3, abs=1e-6)


def test_two_equals_answers_stay_single_choice_as_in_moodle() -> None:
    q = one("Which are even? {=2 =4 ~3}")
    assert q.kind == "multichoice"
    assert fractions(q) == [1.0, 1.0, 0.0]


def test_unescaped_equals_in_feedback_starts_an_answer_as_in_moodle() -> None:
    q = one("Pick {=a #because 1=1 ~b}")
    assert texts(q) == ["a", "1", "b"]
    q = one("Pick {=a #because 1\\=1 ~b}")
    assert q.answers[0].feedback == "because 1=1"


def test_newline_escape_in_feedback() -> None:
    q = one("Pick {=a #line one\\nline two ~b}")
    assert q.answers[0].feedback == "line one\nline two"


# --- True/false ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "correct"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ TRUE }", True)],
)
def test_true_false(block: str, correct: bool) -> None:
    q = one("Grant is buried in Grant's tomb." + block)
    assert q.kind == "truefalse"
    assert q.text == "Grant is buried in Grant's tomb."
    assert q.correct is correct
    assert q.answers == []


def test_true_false_docs_examples() -> None:
    result = parse_gift("Grant is buried in Grant's tomb.{F}\n\nThe sun rises in the east.{T}")
    assert [(q.kind, q.correct) for q in result.questions] == [
        ("truefalse", False),
        ("truefalse", True),
    ]


def test_true_false_feedback_wrong_then_right() -> None:
    q = one(
        "Grant is buried in Grant's tomb.{FALSE#No, he is buried there.#Yes, nobody is buried.}"
    )
    assert q.correct is False
    # The first feedback is for a wrong answer (here: true), the second for the right one.
    assert q.feedback_true == "No, he is buried there."
    assert q.feedback_false == "Yes, nobody is buried."


def test_true_false_feedback_when_true_is_right() -> None:
    q = one("The sun rises in the east.{T#Wrong!#Right!}")
    assert q.correct is True
    assert q.feedback_false == "Wrong!"
    assert q.feedback_true == "Right!"


def test_true_false_only_wrong_feedback() -> None:
    q = one("The sun rises in the west.{FALSE#It rises in the east.}")
    assert q.feedback_true == "It rises in the east."
    assert q.feedback_false == ""


def test_lowercase_true_is_a_short_answer_as_in_moodle() -> None:
    q = one("Say yes: {true}")
    assert q.kind == "shortanswer"
    assert texts(q) == ["true"]


# --- Short answer ----------------------------------------------------------------------


def test_short_answer() -> None:
    q = one("Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}")
    assert q.kind == "shortanswer"
    assert texts(q) == ["Grant", "Ulysses S. Grant", "Ulysses Grant"]
    assert fractions(q) == [1.0, 1.0, 1.0]


def test_short_answer_missing_word_with_closing_punctuation() -> None:
    q = one("Two plus two equals {=four =4}.")
    assert q.kind == "shortanswer"
    assert q.text == "Two plus two equals _____."
    assert texts(q) == ["four", "4"]


def test_short_answer_without_trailing_text() -> None:
    q = one("Two plus two equals {=four =4}")
    assert q.text == "Two plus two equals"


def test_short_answer_single_answer_without_equals() -> None:
    q = one("What is the capital of France? {Paris}")
    assert q.kind == "shortanswer"
    assert q.answers == [Answer(text="Paris", fraction=1.0, text_format="plain")]


def test_short_answer_with_weights_and_feedback() -> None:
    q = one(
        "::Jesus' hometown:: Jesus Christ was from {\n"
        "    =Nazareth#Yes! That's right!\n"
        "    =%75%Nazereth#Right, but misspelled.\n"
        "    =%25%Bethlehem#He was born here, but not raised here.\n"
        "}"
    )
    assert q.kind == "shortanswer"
    assert texts(q) == ["Nazareth", "Nazereth", "Bethlehem"]
    assert fractions(q) == [1.0, 0.75, 0.25]
    assert q.answers[1].feedback == "Right, but misspelled."


def test_short_answer_feedback_docs_example() -> None:
    q = one(
        "Who's buried in Grant's tomb?{\n=no one#excellent answer!\n=nobody#excellent answer too!}"
    )
    assert [(a.text, a.feedback) for a in q.answers] == [
        ("no one", "excellent answer!"),
        ("nobody", "excellent answer too!"),
    ]


# --- Numerical -----------------------------------------------------------------------------


def test_numerical_with_tolerance() -> None:
    q = one("When was Ulysses S. Grant born?{#1822:5}")
    assert q.kind == "numerical"
    assert q.text == "When was Ulysses S. Grant born?"
    (answer,) = q.answers
    assert (answer.value, answer.tolerance, answer.fraction) == (1822.0, 5.0, 1.0)
    assert answer.low is None and answer.high is None
    assert answer.text == "1822:5"


def test_numerical_exact() -> None:
    q = one("What is 2.5 times 1? {#2.5}")
    assert q.answers[0].value == 2.5 and q.answers[0].tolerance == 0.0


def test_numerical_pi_tolerance_missing_word() -> None:
    q = one("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.")
    assert q.text == "What is the value of pi (to 3 decimal places)? _____."
    assert q.answers[0].value == pytest.approx(3.14159)
    assert q.answers[0].tolerance == pytest.approx(0.0005)


def test_numerical_range() -> None:
    q = one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    (answer,) = q.answers
    assert (answer.low, answer.high) == (3.141, 3.142)
    assert answer.value == pytest.approx(3.1415)
    assert answer.tolerance == pytest.approx(0.0005)


def test_numerical_range_integers() -> None:
    q = one("::Q6:: What is a number from 1 to 5? {#1..5}")
    (answer,) = q.answers
    assert (answer.low, answer.high, answer.value, answer.tolerance) == (1.0, 5.0, 3.0, 2.0)


def test_numerical_negative_and_exponent() -> None:
    result = parse_gift("Pick {#-5..-1}\n\nAvogadro {#6.022e23:1e21}")
    assert result.errors == []
    negative, exponent = result.questions
    assert (negative.answers[0].low, negative.answers[0].high) == (-5.0, -1.0)
    assert (exponent.answers[0].value, exponent.answers[0].tolerance) == (6.022e23, 1e21)


def test_numerical_multiple_answers_with_partial_credit() -> None:
    q = one(
        "When was Ulysses S. Grant born? {#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n"
        "}"
    )
    assert q.kind == "numerical"
    assert [(a.value, a.tolerance, a.fraction) for a in q.answers] == [
        (1822, 0, 1.0),
        (1822, 2, 0.5),
    ]
    assert q.answers[0].feedback == "Correct! Full credit."
    assert q.answers[1].feedback == "He was born in 1822. Half credit for being close."


def test_numerical_inline_partial_credit() -> None:
    q = one("In which year was Orwell's novel set? {# =1984:0 =%50%1983:1}")
    assert [(a.value, a.tolerance, a.fraction) for a in q.answers] == [
        (1984, 0, 1.0),
        (1983, 1, 0.5),
    ]


def test_numerical_any_other_answer_feedback() -> None:
    q = one("How many? {#=3#Right ~#Count again}")
    assert q.answers[0].value == 3.0
    assert q.answers[-1] == Answer(text="*", fraction=0.0, feedback="Count again", text_format="plain")


def test_numerical_wildcard_answer() -> None:
    q = one("Any number? {#=*#Every number is fine}")
    assert q.answers == [Answer(text="*", fraction=1.0, feedback="Every number is fine", text_format="plain")]


# --- Matching ------------------------------------------------------------------------


def test_matching() -> None:
    q = one(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n"
        "    =Italy  -> Rome\n"
        "    =Japan  -> Tokyo\n"
        "    =India  -> New Delhi\n"
        "    ####It's good to know the capitals\n"
        "}"
    )
    assert q.kind == "matching"
    assert q.text == "Match the following countries with their corresponding capitals."
    assert [(a.text, a.match) for a in q.answers] == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("India", "New Delhi"),
    ]
    assert q.general_feedback == "It's good to know the capitals"


def test_matching_inline_and_two_pairs() -> None:
    q = one("::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }")
    assert [(a.text, a.match) for a in q.answers] == [("cat", "cat food"), ("dog", "dog food")]


def test_matching_with_distractor() -> None:
    q = one("Match {=a -> 1 =b -> 2 = -> 3}")
    assert [(a.text, a.match) for a in q.answers] == [("a", "1"), ("b", "2"), ("", "3")]


# --- Essay, description -------------------------------------------------------------------


def test_essay() -> None:
    q = one("Write a short biography of Dag Hammarskjöld. {}")
    assert q.kind == "essay"
    assert q.text == "Write a short biography of Dag Hammarskjöld."
    assert q.answers == []


def test_essay_with_only_general_feedback() -> None:
    q = one("How are you? {\n####We hope you're feeling well.\n}")
    assert q.kind == "essay"
    assert q.general_feedback == "We hope you're feeling well."


def test_description() -> None:
    q = one("You can use your pencil and paper for these next math questions.")
    assert q.kind == "description"
    assert q.text == "You can use your pencil and paper for these next math questions."
    assert q.answers == []


def test_description_with_title_and_several_lines() -> None:
    q = one("::Intro::Read carefully.\nThen answer.")
    assert (q.kind, q.title, q.text) == ("description", "Intro", "Read carefully.\nThen answer.")


# --- Options: titles, comments, feedback, categories, escapes, formats ---------------


def test_docs_quick_examples_file() -> None:
    source = """// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// math range specified with interval end points
::Q6:: What is a number from 1 to 5? {#1..5}
// translated on import to the same as Q5, but unavailable from Moodle question interface

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}
"""
    result = parse_gift(source)
    assert result.errors == []
    assert [(q.title, q.kind, q.line) for q in result.questions] == [
        ("Q1", "truefalse", 2),
        ("Q2", "multichoice", 5),
        ("Q3", "shortanswer", 9),
        ("Q4", "matching", 12),
        ("Q5", "numerical", 15),
        ("Q6", "numerical", 18),
        ("Q7", "numerical", 22),
        ("Q8", "essay", 28),
    ]
    q1, q2, q3 = result.questions[:3]
    assert q1.text == "1+1=2" and q1.correct is True
    assert q2.text == "What's between orange and green in the spectrum?"
    assert [(a.text, a.feedback) for a in q2.answers] == [
        ("yellow", "right; good!"),
        ("red", "wrong, it's yellow"),
        ("blue", "wrong, it's yellow"),
    ]
    assert q3.text == "Two plus _____ equals four."
    q5, q6 = result.questions[4:6]
    assert (q5.answers[0].value, q5.answers[0].tolerance) == (
        q6.answers[0].value,
        q6.answers[0].tolerance,
    )


def test_title_is_stripped_and_unescaped() -> None:
    q = one("::  Grant\\: the tomb  :: Who's buried in Grant's tomb?{~Grant =no one}")
    assert q.title == "Grant: the tomb"
    assert q.text == "Who's buried in Grant's tomb?"


def test_title_on_its_own_line() -> None:
    q = one("::Capital::\nWhat is the capital of France? {=Paris}")
    assert q.title == "Capital"
    assert q.text == "What is the capital of France?"
    assert q.line == 1


def test_general_feedback() -> None:
    q = one(
        "What's 2 + 2? {=4 #Right ~3 #Too low "
        "####The answer is four because 2 + 2 = 4... written \\= 4}"
    )
    assert texts(q) == ["4", "3"]
    assert q.answers[1].feedback == "Too low"
    assert q.general_feedback == "The answer is four because 2 + 2 = 4... written = 4"


def test_general_feedback_in_numerical_and_true_false() -> None:
    result = parse_gift(
        "Pi? {#3.14:0.01####Pi is about 3.14}\n\nSky is blue {T#No#Yes####Rayleigh}"
    )
    num, tf = result.questions
    assert num.general_feedback == "Pi is about 3.14" and num.answers[0].feedback == ""
    assert (tf.feedback_false, tf.feedback_true, tf.general_feedback) == ("No", "Yes", "Rayleigh")


def test_comments_anywhere_on_their_own_line() -> None:
    q = one(
        "// a heading comment\n"
        "What is 1 + 1? {\n"
        "  // comment inside the answers\n"
        "  =2 # right\n"
        "  ~3\n"
        "}"
    )
    assert q.line == 2
    assert texts(q) == ["2", "3"]


def test_trailing_text_after_block_makes_a_missing_word() -> None:
    # Only whole lines are comments in GIFT; this '//' is ordinary text.
    q = one("See http://example.org {=ok ~no}")
    assert q.text == "See http://example.org"


def test_categories() -> None:
    source = (
        "$CATEGORY: tom/dick/harry\n\n"
        "Question one {T}\n\n"
        "// switch\n"
        "$CATEGORY: $course$/Default for Spring/Unit 1\n\n"
        "Question two {F}\n\n"
        "Question three {=a}\n"
    )
    result = parse_gift(source)
    assert result.errors == []
    assert [(q.text, q.category) for q in result.questions] == [
        ("Question one", "tom/dick/harry"),
        ("Question two", "$course$/Default for Spring/Unit 1"),
        ("Question three", "$course$/Default for Spring/Unit 1"),
    ]


def test_category_directly_followed_by_a_question() -> None:
    q = one("$CATEGORY: geography\nCapital of France? {=Paris}")
    assert (q.category, q.line, q.text) == ("geography", 2, "Capital of France?")


def test_escapes_in_answers() -> None:
    q = one("Which answer equals 5? {\n    ~ \\= 2 + 2\n    = \\= 2 + 3\n    ~ \\= 2 + 4\n}")
    assert q.kind == "multichoice"
    assert texts(q) == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert fractions(q) == [0.0, 1.0, 0.0]


def test_gift_control_characters_docs_example() -> None:
    source = r"""::GIFT Control Characters::
Which of the following is NOT a control character for the GIFT import format? {
   ~ \~     # \~ is a control character.
   ~ \=     # \= is a control character.
   ~ \#     # \# is a control character.
   ~ \{     # \{ is a control character.
   ~ \}     # \} is a control character.
   = \\     # Correct! \\ (backslash) is not a control character. BUT,
              it is used to escape the control characters.
}"""
    q = one(source)
    assert q.title == "GIFT Control Characters"
    assert texts(q) == ["~", "=", "#", "{", "}", "\\"]
    assert q.answers[0].feedback == "~ is a control character."
    assert squash(q.answers[5].feedback) == (
        "Correct! \\ (backslash) is not a control character. BUT, "
        "it is used to escape the control characters."
    )
    assert fractions(q) == [0, 0, 0, 0, 0, 1]


def test_escapes_in_question_text() -> None:
    q = one(r"1 + 2 \= {3}")
    assert (q.kind, q.text, texts(q)) == ("shortanswer", "1 + 2 =", ["3"])
    q = one(r"The largest desert on Earth is\: {=Antarctica ~Sahara}")
    assert q.text == "The largest desert on Earth is:"
    q = one(r"Use \{braces\} and \#hash\: ok\nnext line \\n stays")
    assert q.kind == "description"
    assert q.text == "Use {braces} and #hash: ok\nnext line \\n stays"


def test_unknown_backslash_sequence_is_kept() -> None:
    q = one(r"Path C:\temp\x? {=yes}")
    assert q.text == r"Path C:\temp\x?"


def test_markdown_format() -> None:
    q = one(
        "[markdown]The *American holiday of Thanksgiving* is celebrated on the {\n"
        "~second\n~third\n=fourth\n} Thursday of November."
    )
    assert q.text_format == "markdown"
    assert (
        q.text
        == "The *American holiday of Thanksgiving* is celebrated on the _____ Thursday of November."
    )


@pytest.mark.parametrize("name", ["html", "plain", "moodle", "markdown"])
def test_text_formats_after_title(name: str) -> None:
    q = one(f"::T::[{name}]Text <b>here</b> {{T}}")
    assert q.text_format == name
    assert q.text == "Text <b>here</b>"


def test_a_format_name_in_capitals_is_text_as_in_moodle() -> None:
    result = parse_gift("::T::[HTML]Text <b>here</b> {T}")
    (q,) = result.questions
    assert (q.text_format, q.text) == ("moodle", "[HTML]Text <b>here</b>")
    ((line, message),) = [(w.line, w.message) for w in result.warnings]
    assert line == 1 and "'[HTML]' is not a text format" in message and "lowercase: [html]" in message


def test_each_part_keeps_its_own_format() -> None:
    q = one("[html]Pick {=[markdown]*yes*#[plain]<good> ~no#[moodle]so <i>so</i> ####[markdown]_done_}")
    assert q.text_format == "html"
    assert q.answers[0] == Answer(text="*yes*", fraction=1.0, feedback="<good>",
                                  text_format="markdown", feedback_format="plain")
    assert (q.answers[1].text_format, q.answers[1].feedback_format) == ("html", "moodle")
    assert (q.general_feedback, q.general_feedback_format) == ("_done_", "markdown")


def test_parts_without_a_format_take_the_question_texts() -> None:
    q = one("[markdown]Is it? {T#*no*#[html]<b>yes</b>}")
    assert (q.feedback_false, q.feedback_false_format) == ("*no*", "markdown")
    assert (q.feedback_true, q.feedback_true_format) == ("<b>yes</b>", "html")
    assert q.general_feedback_format == "markdown"
    q = one("::M::[plain]Match {=[html]<i>a</i> -> 1 =b -> 2 ####gf}")
    assert [(a.text, a.text_format, a.match) for a in q.answers] == [("<i>a</i>", "html", "1"), ("b", "plain", "2")]
    assert q.general_feedback_format == "plain"
    q = one("[html]How many? {#=[markdown]3#[markdown]*yes* ~#[plain]no}")
    assert [(a.text_format, a.feedback_format) for a in q.answers] == [("plain", "markdown"), ("plain", "plain")]


def test_literal_brackets_after_a_format_tag() -> None:
    q = one("[moodle][Bonus] What is [1, 2][0]? {#1}")
    assert q.text == "[Bonus] What is [1, 2][0]?"


def test_non_word_brackets_are_text() -> None:
    q = one("[1, 2, 3] has how many items? {#3}")
    assert q.text == "[1, 2, 3] has how many items?"


def test_percent_text_that_is_not_a_weight() -> None:
    q = one("C format for an int? {=%d%}")
    assert texts(q) == ["%d%"]


def test_answer_text_with_unicode_and_multiline_question() -> None:
    q = one("Quelle est la capitale\nde l'Égypte ? {=Le Caire =Caire}")
    assert q.text == "Quelle est la capitale\nde l'Égypte ?"
    assert texts(q) == ["Le Caire", "Caire"]


def test_kinds_are_listed() -> None:
    assert set(QUESTION_KINDS) == {
        "multichoice",
        "multianswer",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "description",
    }


# --- ID numbers and tags in comments (Moodle's [id:] and [tag:]) ----------------------


def test_id_number_and_tags_from_the_comments_of_the_question() -> None:
    source = (
        "// [id:land-01] [tag:LDN] [tag:indicators]\n"
        "::Q1::Which indicators? {=three ~two}\n"
        "\n"
        "// [tag:unrelated]\n"  # its own chunk: a comment of no question
        "\n"
        "$CATEGORY: drought\n"
        "// [id:dr\\]y] [tag: spaced out ]\n"
        "Drought is a hazard.{T}\n"
        "\n"
        "No marks here.{F}\n"
    )
    result = parse_gift(source)
    assert result.errors == []
    marks = [(q.id_number, q.tags) for q in result.questions]
    assert marks == [("land-01", ["LDN", "indicators"]), ("dr]y", ["spaced out"]), ("", [])]
    assert result.questions[1].category == "drought"


def test_only_the_first_id_counts_and_a_mark_does_not_span_lines() -> None:
    q = one("// [id:a] [id:b] [tag:]\n// [tag:x\n// y]\nWhat? {T}")
    assert (q.id_number, q.tags) == ("a", [])


# --- Files: empty, comments only, line endings --------------------------------------------


@pytest.mark.parametrize(
    "source", ["", "\n\n  \n", "// just a comment\n// another", "$CATEGORY: a\n\n// b\n"]
)
def test_nothing_to_import(source: str) -> None:
    assert parse_gift(source) == ParseResult(questions=[], errors=[])


def test_crlf_and_bom() -> None:
    source = "\ufeff// c\r\n::A::Q1 {T}\r\n\r\n\r\nQ2 {\r\n=a\r\n~b\r\n}\r\n"
    result = parse_gift(source)
    assert result.errors == []
    assert [(q.title, q.text, q.line) for q in result.questions] == [("A", "Q1", 2), ("", "Q2", 5)]
    assert texts(result.questions[1]) == ["a", "b"]


def test_several_blank_lines_and_whitespace_lines_separate_questions() -> None:
    result = parse_gift("Q1 {T}\n   \n\t\n\nQ2 {F}")
    assert [(q.text, q.line) for q in result.questions] == [("Q1", 1), ("Q2", 5)]


# --- Errors ---------------------------------------------------------------------------


def test_error_unterminated_answer_block() -> None:
    assert errors("Line one\nWho? {=me\n~you") == [(2, "unterminated answer block: missing '}'")]


def test_error_unexpected_closing_brace() -> None:
    assert errors("Who? =me}") == [(1, "unexpected '}' (write \\} for a literal brace)")]


def test_error_nested_brace_points_at_it() -> None:
    ((line, message),) = errors("Q1 {=a\nQ2 {=b}")
    assert line == 2 and "'{' inside an answer block" in message


def test_error_two_answer_blocks() -> None:
    ((line, message),) = errors("Q1 {=a}\nQ2 {=b}")
    assert line == 2 and "second answer block" in message


def test_error_multiple_choice_without_right_answer() -> None:
    assert errors("Pick one:\n{~a ~b ~c}") == [
        (2, "multiple-choice question without a right answer (use '=' or '~%n%')")
    ]


def test_error_weight_out_of_range() -> None:
    assert errors("Pick {\n=a\n~%150%b\n~%-120%c\n}") == [
        (3, "answer weight %150% is outside -100%..100%"),
        (4, "answer weight %-120% is outside -100%..100%"),
    ]


def test_error_invalid_weight() -> None:
    assert errors("Pick {=a ~%5.5.5%b}") == [(1, "invalid answer weight '%5.5.5%'")]


def test_error_multiple_answers_not_adding_up() -> None:
    assert errors("Pick {~%50%a ~%30%b ~c}") == [
        (1, "the positive weights of a multiple-answer question (no '=') add up to 80%, not 100%")
    ]


def test_error_equals_without_full_credit() -> None:
    assert errors("Pick {=%50%a ~b}") == [
        (1, "a multiple-choice question needs an answer worth 100%")
    ]


def test_error_multiple_choice_with_one_answer() -> None:
    assert errors("Pick {~%100%a}") == [(1, "a multiple-choice question needs at least 2 answers")]


def test_error_empty_answer() -> None:
    assert errors("Pick {\n~\n=a ~b}") == [(2, "empty answer")]
    assert errors("Name? {=Bob =}") == [(1, "empty answer")]


def test_error_invalid_numerical_answers() -> None:
    assert errors("When?\n{#\n=18x2\n=%50%1822:abc\n=3..1\n=2,5\n}") == [
        (3, "invalid numerical answer '18x2'"),
        (4, "invalid numerical answer '1822:abc'"),
        (5, "numerical range '3..1' has its low bound above its high bound"),
        (6, "invalid numerical answer '2,5'"),
    ]


def test_error_numerical_without_answer() -> None:
    assert errors("How many? {#}") == [(1, "a numerical question needs at least one answer")]
    assert errors("How many? {#=%50%3}") == [(1, "a numerical question needs an answer worth 100%")]


def test_error_numerical_negative_tolerance() -> None:
    assert errors("Pi {#3.14:-1}") == [(1, "numerical answer '3.14:-1' has a negative tolerance")]


def test_error_short_answer_without_full_credit() -> None:
    assert errors("Name? {=%50%Bob}") == [(1, "a shortanswer question needs an answer worth 100%")]


def test_error_matching_too_few_pairs() -> None:
    assert errors("Match {=a -> 1}") == [(1, "a matching question needs at least 2 pairs, found 1")]


def test_error_matching_pair_without_arrow_or_right_side() -> None:
    assert errors("Match {\n=a -> 1\n=b\n=c -> 3\n}") == [
        (3, "a matching pair must be written '=left -> right'")
    ]
    assert errors("Match {=a -> 1 =b -> }") == [(1, "a matching pair has nothing after '->'")]


def test_error_empty_question_text() -> None:
    assert errors("::Only a title::{T}") == [(1, "empty question text")]
    assert errors("::Title::") == [(1, "empty question text")]


def test_error_unclosed_title() -> None:
    assert errors("::Title without end\nWhat? {T}") == [(1, "question title has no closing '::'")]


def test_error_title_closed_only_after_the_answer_block() -> None:
    assert errors("::Title What? {=a::b}") == [(1, "question title has no closing '::'")]


def warnings(source: str) -> list[tuple[int, str]]:
    result = parse_gift(source)
    assert result.errors == [] and result.questions
    return [(warning.line, warning.message) for warning in result.warnings]


def test_an_unknown_word_in_brackets_is_text_with_a_warning_as_in_moodle() -> None:
    q = one("::T::[Bonus] What is [1, 2][0]? {#1}")
    assert (q.text, q.text_format) == ("[Bonus] What is [1, 2][0]?", "moodle")
    ((line, message),) = warnings("::T::[rtf]Bold? {T}")
    assert line == 1 and message.startswith("'[rtf]' is not a text format, so it stays in the text")
    assert "'[moodle][rtf]' says the brackets are meant" in message
    ((line, message),) = warnings("Pick {\n=a\n~[wiki]b\n}")
    assert line == 3 and "[wiki]" in message
    assert one("Pick {\n=a\n~[wiki]b\n}").answers[1].text == "[wiki]b"
    # A real format first, or brackets that hold no word, say nothing.
    assert warnings("[moodle][Bonus] What? {T}") == warnings("[1, 2] What? {T}") == []


def test_errors_do_not_stop_parsing_and_valid_questions_survive() -> None:
    source = (
        "// quiz with mistakes\n"  # 1
        "Good one {T}\n"  # 2
        "\n"  # 3
        "Broken {=a\n"  # 4
        "\n"  # 5
        "Also good {=x ~y}\n"  # 6
        "\n"  # 7
        "::Bad\n"  # 8
        "No answer {~a ~b}\n"  # 9  (never reached: the title error stops this question)
        "\n"  # 10
        "No right answer {~a ~b}\n"  # 11
        "\n"  # 12
        "Weights {=a ~%101%b ~%-101%c}\n"  # 13
    )
    result = parse_gift(source)
    assert [q.text for q in result.questions] == ["Good one", "Also good"]
    assert result.errors == [
        GiftError(4, "unterminated answer block: missing '}'"),
        GiftError(8, "question title has no closing '::'"),
        GiftError(11, "multiple-choice question without a right answer (use '=' or '~%n%')"),
        GiftError(13, "answer weight %101% is outside -100%..100%"),
        GiftError(13, "answer weight %-101% is outside -100%..100%"),
    ]


def test_blank_line_inside_a_question_splits_it() -> None:
    # As in Moodle, a blank line always ends a question.
    assert errors("Q {\n~a\n\n=b\n}") == [
        (1, "unterminated answer block: missing '}'"),
        (5, "unexpected '}' (write \\} for a literal brace)"),
    ]


# --- A realistic file -------------------------------------------------------------------

REALISTIC = """\
// Desert ecology, unit 3 quiz
// Exported for the e-training platform

$CATEGORY: $course$/Desert ecology/Unit 3

::Intro::[markdown]Answer the questions below. You may use a *calculator*.

::Largest hot desert::
Which is the largest hot desert on Earth? {
    =Sahara                  # Correct: about 9 million km².
    ~Arabian Desert          # Second largest.
    ~Gobi                    # The Gobi is a cold desert.
    ~%-50%Antarctica         # Antarctica is the largest desert, but it is cold!
    #### Deserts are defined by low precipitation, not by temperature.
}

::Aridity::Deserts receive less than {#250:0} mm of rain per year on average.

::Dunes::Barchan dunes are shaped like a crescent.{TRUE
    #Look at the picture again.#Yes, with horns pointing downwind.}

$CATEGORY: $course$/Desert ecology/Unit 3/Adaptations

::Camels::Select the adaptations that help camels survive in the desert. {
    ~%50%Humps that store fat
    ~%50%Bushy eyebrows and long eyelashes
    ~%-100%Gills                # Camels are mammals.
}

::Oasis::An isolated area of vegetation around a water source is called an {
    =oasis =oases#Singular please
    =%50%wadi#A wadi is a dry riverbed.}.

::Match plants::Match each plant with its adaptation. {
    =Cactus -> stores water in its stem
    =Creosote bush -> waxy leaves
    =Mesquite -> very deep roots
}

::Rainfall range::Give any yearly rainfall (mm) typical of a semi-arid region. {#250..500}

::Essay::[html]Describe <em>one</em> threat to desert ecosystems. {
    ####Grading: mention a cause and an effect.}
"""


def test_realistic_file() -> None:
    result = parse_gift(REALISTIC)
    assert result.errors == []
    by_title = {q.title: q for q in result.questions}
    assert list(by_title) == [
        "Intro",
        "Largest hot desert",
        "Aridity",
        "Dunes",
        "Camels",
        "Oasis",
        "Match plants",
        "Rainfall range",
        "Essay",
    ]
    assert [q.line for q in result.questions] == [6, 8, 17, 19, 24, 30, 34, 40, 42]

    intro = by_title["Intro"]
    assert (intro.kind, intro.text_format) == ("description", "markdown")
    assert intro.category == "$course$/Desert ecology/Unit 3"

    largest = by_title["Largest hot desert"]
    assert largest.kind == "multichoice"
    assert texts(largest) == ["Sahara", "Arabian Desert", "Gobi", "Antarctica"]
    assert fractions(largest) == [1.0, 0.0, 0.0, -0.5]
    assert largest.answers[0].feedback == "Correct: about 9 million km²."
    assert (
        largest.general_feedback == "Deserts are defined by low precipitation, not by temperature."
    )

    aridity = by_title["Aridity"]
    assert aridity.kind == "numerical"
    assert aridity.text == "Deserts receive less than _____ mm of rain per year on average."
    assert aridity.answers[0].value == 250.0

    dunes = by_title["Dunes"]
    assert (dunes.correct, dunes.feedback_true, dunes.feedback_false) == (
        True,
        "Yes, with horns pointing downwind.",
        "Look at the picture again.",
    )

    camels = by_title["Camels"]
    assert camels.kind == "multianswer"
    assert camels.category == "$course$/Desert ecology/Unit 3/Adaptations"
    assert fractions(camels) == [0.5, 0.5, -1.0]
    assert camels.answers[2].feedback == "Camels are mammals."

    oasis = by_title["Oasis"]
    assert oasis.kind == "shortanswer"
    assert oasis.text == "An isolated area of vegetation around a water source is called an _____."
    assert [(a.text, a.fraction, a.feedback) for a in oasis.answers] == [
        ("oasis", 1.0, ""),
        ("oases", 1.0, "Singular please"),
        ("wadi", 0.5, "A wadi is a dry riverbed."),
    ]

    plants = by_title["Match plants"]
    assert [a.match for a in plants.answers] == [
        "stores water in its stem",
        "waxy leaves",
        "very deep roots",
    ]

    rainfall = by_title["Rainfall range"].answers[0]
    assert (rainfall.low, rainfall.high, rainfall.value, rainfall.tolerance) == (250, 500, 375, 125)

    essay = by_title["Essay"]
    assert (essay.kind, essay.text_format) == ("essay", "html")
    assert essay.text == "Describe <em>one</em> threat to desert ecosystems."
    assert essay.general_feedback == "Grading: mention a cause and an effect."
    assert all(q.kind in QUESTION_KINDS for q in result.questions)
