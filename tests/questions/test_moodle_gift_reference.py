"""Moodle's own GIFT importer tests, as the reference of how GIFT is read (DESIGN §10).

Each case below is one import test of Moodle's
``question/format/gift/tests/giftformat_test.php`` (moodle/moodle): the same GIFT
text, and what Moodle's importer makes of it written in our parsed shape
(:class:`institute.questions.gift.Question`). Moodle's names map to ours:

=====================================  =========================================
Moodle                                 here
=====================================  =========================================
``qtype`` multichoice, ``single`` 1    ``kind`` "multichoice"
``qtype`` multichoice, ``single`` 0    ``kind`` "multianswer"
``qtype`` match / subquestions         ``kind`` "matching" / answers (``text``, ``match``)
``name``                               ``title``
``questiontext`` / ``…format``         ``text`` / ``text_format``
``answer[i]`` / ``fraction[i]``        ``answers[i].text`` / ``.fraction``
``feedback[i]``                        ``answers[i].feedback`` / ``.feedback_format``
numerical answer, ``tolerance``        ``answers[i].value``, ``.tolerance`` ('*': ``value`` None)
``correctanswer``, ``feedbacktrue``…   ``correct``, ``feedback_true``, ``feedback_false``
``generalfeedback`` / ``…format``      ``general_feedback`` / ``general_feedback_format``
``idnumber``, ``tags``                 ``id_number``, ``tags``
FORMAT_MOODLE, _HTML, _PLAIN, _MARKDOWN  "moodle", "html", "plain", "markdown"
=====================================  =========================================

What the platform does not keep (penalty, default mark, answer numbering, an
essay's response settings, combined feedback) is not compared. Moodle runs its
multiple-choice case once per answer-numbering style; numbering is not part of
reading, so it is one case here.

Then Moodle's export tests, read back: the GIFT that Moodle writes for a
question must read as that question.
"""

import dataclasses

import pytest

from institute.questions.gift import comment_marks, parse_gift


@dataclasses.dataclass
class Case:
    moodle_test: str
    gift: str
    question: dict  # fields of the parsed question
    answers: list[dict] = dataclasses.field(default_factory=list)  # fields of each answer, in order


def parsed(gift: str) -> dict:
    result = parse_gift(gift)
    assert result.errors == [] and result.warnings == []
    (question,) = result.questions
    return dataclasses.asdict(question)


def check(case: Case) -> None:
    question = parsed(case.gift)
    assert {key: question[key] for key in case.question} == case.question
    assert len(question["answers"]) == len(case.answers)
    assert [{key: answer[key] for key in expected} for answer, expected in
            zip(question["answers"], case.answers, strict=True)] == case.answers


def moodle_text(text_format: str = "moodle", **fields) -> dict:
    """A question's text fields as Moodle's importer sets them when there is no general feedback."""
    return {"text_format": text_format, "general_feedback": "", "general_feedback_format": text_format,
            **fields}


IMPORTS = [
    Case("test_import_essay",
         "\n// essay\n::Q8:: How are you? {}",
         {"kind": "essay", "title": "Q8", "text": "How are you?", **moodle_text()}),
    Case("test_import_match",
         "\n// question: 2  name: Moodle activities\n"
         "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
         "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
         "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
         "    =[plain]A bank of record entries which participants can add to. -> Database\n"
         "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
         "    = -> Chat\n"
         "}",
         {"kind": "matching", "title": "Moodle activities",
          "text": "Match the <b>activity</b> to the description.", **moodle_text("html")},
         [{"text": "An activity supporting asynchronous discussions.", "text_format": "html", "match": "Forum"},
          {"text": "A teacher asks a question and specifies a choice of multiple responses.",
           "text_format": "moodle", "match": "Choice"},
          {"text": "A bank of record entries which participants can add to.", "text_format": "plain",
           "match": "Database"},
          {"text": "A collection of web pages that anyone can add to or edit.", "text_format": "markdown",
           "match": "Wiki"},
          {"text": "", "text_format": "html", "match": "Chat"}]),
    Case("test_import_multichoice",
         "\n// multiple choice with specified feedback for right and wrong answers\n"
         "::Q2:: What's between orange and green in the spectrum?\n"
         "{\n"
         "    =yellow # right; good!\n"
         "    ~red # [html]wrong, it's yellow\n"
         "    ~[plain]blue # wrong, it's yellow\n"
         "}",
         {"kind": "multichoice", "title": "Q2", "text": "What's between orange and green in the spectrum?",
          **moodle_text()},
         [{"text": "yellow", "text_format": "moodle", "fraction": 1.0,
           "feedback": "right; good!", "feedback_format": "moodle"},
          {"text": "red", "text_format": "moodle", "fraction": 0.0,
           "feedback": "wrong, it's yellow", "feedback_format": "html"},
          {"text": "blue", "text_format": "plain", "fraction": 0.0,
           "feedback": "wrong, it's yellow", "feedback_format": "moodle"}]),
    Case("test_import_multichoice_multi",
         "\n// multiple choice, multiple response with specified feedback for right and wrong answers\n"
         "::colours:: What's between orange and green in the spectrum?\n"
         "{\n"
         "    ~%50%yellow # right; good!\n"
         "    ~%-100%red # [html]wrong\n"
         "    ~%50%off-beige # right; good!\n"
         "    ~%-100%[plain]blue # wrong\n"
         "}",
         {"kind": "multianswer", "title": "colours", "text": "What's between orange and green in the spectrum?",
          **moodle_text()},
         [{"text": "yellow", "text_format": "moodle", "fraction": 0.5,
           "feedback": "right; good!", "feedback_format": "moodle"},
          {"text": "red", "text_format": "moodle", "fraction": -1.0,
           "feedback": "wrong", "feedback_format": "html"},
          {"text": "off-beige", "text_format": "moodle", "fraction": 0.5,
           "feedback": "right; good!", "feedback_format": "moodle"},
          {"text": "blue", "text_format": "plain", "fraction": -1.0,
           "feedback": "wrong", "feedback_format": "moodle"}]),
    Case("test_import_multichoice_multi_tricky",
         "\n// multiple choice, multiple response with specified feedback for right and wrong answers\n"
         "::colours:: What's between orange and green in the spectrum?\n"
         "{\n"
         "    ~%100%yellow # right; good!\n"
         "    ~%-50%red # wrong\n"
         "    ~%-50%blue # wrong\n"
         "}",
         {"kind": "multianswer", "title": "colours", "text": "What's between orange and green in the spectrum?",
          **moodle_text()},
         [{"text": "yellow", "text_format": "moodle", "fraction": 1.0,
           "feedback": "right; good!", "feedback_format": "moodle"},
          {"text": "red", "text_format": "moodle", "fraction": -0.5,
           "feedback": "wrong", "feedback_format": "moodle"},
          {"text": "blue", "text_format": "moodle", "fraction": -0.5,
           "feedback": "wrong", "feedback_format": "moodle"}]),
    Case("test_import_numerical",
         "\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
         {"kind": "numerical", "title": "Q5", "text": "What is a number from 1 to 5?", **moodle_text()},
         [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": "", "feedback_format": "moodle"},
          {"text": "*", "value": None, "fraction": 0.0,
           "feedback": "Completely wrong", "feedback_format": "moodle"}]),
    Case("test_import_shortanswer",
         "\n// question: 666  name: Shortanswer\n"
         "::Shortanswer::Which is the best animal?{\n"
         "    =Frog#Good!\n"
         "    =%50%Cat#What is it with Moodlers and cats?\n"
         "    =%0%*#Completely wrong\n"
         "}",
         {"kind": "shortanswer", "title": "Shortanswer", "text": "Which is the best animal?", **moodle_text()},
         [{"text": "Frog", "fraction": 1.0, "feedback": "Good!", "feedback_format": "moodle"},
          {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?",
           "feedback_format": "moodle"},
          {"text": "*", "fraction": 0.0, "feedback": "Completely wrong", "feedback_format": "moodle"}]),
    Case("test_import_shortanswer_with_general_feedback",
         "\n// question: 666  name: Shortanswer\n"
         "::Shortanswer::Which is the best animal?{\n"
         "    =Frog#Good!\n"
         "    =%50%Cat#What is it with Moodlers and cats?\n"
         "    =%0%*#Completely wrong\n"
         "    ####[html]Here is some general feedback!\n"
         "}",
         {"kind": "shortanswer", "title": "Shortanswer", "text": "Which is the best animal?",
          "text_format": "moodle", "general_feedback": "Here is some general feedback!",
          "general_feedback_format": "html"},
         [{"text": "Frog", "fraction": 1.0, "feedback": "Good!", "feedback_format": "moodle"},
          {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?",
           "feedback_format": "moodle"},
          {"text": "*", "fraction": 0.0, "feedback": "Completely wrong", "feedback_format": "moodle"}]),
    Case("test_import_truefalse",
         "\n// true/false\n"
         "::Q1:: 42 is the Absolute Answer to everything.{\n"
         "FALSE#42 is the Ultimate Answer.#You gave the right answer.}",
         {"kind": "truefalse", "title": "Q1", "text": "42 is the Absolute Answer to everything.",
          **moodle_text(), "correct": False,
          "feedback_true": "42 is the Ultimate Answer.", "feedback_true_format": "moodle",
          "feedback_false": "You gave the right answer.", "feedback_false_format": "moodle"}),
    Case("test_import_truefalse_true_answer1",
         "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}",
         {"kind": "truefalse", "title": "2-08 TSL", "text": "TSL is blablabla.", **moodle_text(),
          "correct": True, "feedback_true": "", "feedback_true_format": "moodle",
          "feedback_false": "", "feedback_false_format": "moodle"}),
    Case("test_import_truefalse_true_answer2",
         "// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}",
         {"kind": "truefalse", "title": "2-08 TSL", "text": "TSL is blablabla.", **moodle_text(),
          "correct": True, "feedback_true": "", "feedback_true_format": "moodle",
          "feedback_false": "", "feedback_false_format": "moodle"}),
    Case("test_import_backslash",  # a doubled backslash in GIFT is one backslash (MDL-34171)
         "\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}",
         {"kind": "essay", "title": "double backslash", "text": "A \\ B \\\\ C", **moodle_text()}),
    Case("test_import_pre_content",
         "\n::Q001::[html]<p>What would running the test method print?</p>\n"
         "<pre>\n"
         "    public void test() \\{\n"
         "        method1();\n"
         "        method2();\n"
         "        method3();\n"
         "    \\}\n"
         "</pre>\n"
         "{}",
         {"kind": "essay", "title": "Q001",
          "text": "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n"
                  "        method1();\n        method2();\n        method3();\n    }\n</pre>",
          **moodle_text("html")}),
    Case("test_import_question_with_tags",
         "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
         "// And an idnumber: [id:myid].\n"
         "::Question name:: How are you? {}",
         {"kind": "essay", "title": "Question name", "text": "How are you?", **moodle_text(),
          "tags": ["tag", "other-tag"], "id_number": "myid"}),
]

# Moodle's extract_idnumber_and_tags_from_comment cases: (ID number, tags, the comment).
COMMENTS = {
    "blank comment": ("", [], ""),
    "nothing in comment": ("", [], "// A basic comment."),
    "idnumber only": ("frog", [], "// A comment with [id:frog] <-- an idnumber."),
    "tags only": ("", ["frog", "toad"], "// Look tags: [tag:frog] [tag:toad]."),
    "everything": ("four", ["add", "basic"], "// [tag:add] [tag:basic] [id:four]"),
    "everything mixed up": ("four", ["basic", "add"],
                            "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion."),
    "split over line": ("", [], "// Ceci n\\'est pas une [tag:\n\\ frog]."),
    "escape ] idnumber": ("i]d", [], "// [id:i\\]d]."),
    "escape ] tag": ("", ["t]ag"], "// [tag:t\\]ag]."),
}

# Moodle's export tests: the GIFT it writes, and the question it was written from.
EXPORTS = [
    Case("test_export_essay",
         "// question: 666  name: Q8\n::Q8::How are you?{}\n\n",
         {"kind": "essay", "title": "Q8", "text": "How are you?", **moodle_text()}),
    Case("test_export_match",
         "// question: 666  name: Moodle activities\n"
         "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
         "\t=<div class\\=\"frog\">An activity supporting asynchronous discussions.</div> -> Forum\n"
         "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
         "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
         "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
         "\t= -> Chat\n"
         "}\n\n",
         {"kind": "matching", "title": "Moodle activities",
          "text": "Match the <b>activity</b> to the description.", **moodle_text("html")},
         [{"text": '<div class="frog">An activity supporting asynchronous discussions.</div>',
           "text_format": "html", "match": "Forum"},
          {"text": "A teacher asks a question and specifies a choice of multiple responses.",
           "text_format": "moodle", "match": "Choice"},
          {"text": "A bank of record entries which participants can add to.", "text_format": "plain",
           "match": "Database"},
          {"text": "A collection of web pages that anyone can add to or edit.", "text_format": "markdown",
           "match": "Wiki"},
          # Moodle writes no format for an empty text, so it reads back in the question's.
          {"text": "", "text_format": "html", "match": "Chat"}]),
    Case("test_export_multichoice",
         "// question: 666  name: Q8\n"
         "::Q8::What's between orange and green in the spectrum?{\n"
         "\t=yellow#right; good!\n"
         "\t~red#[html]wrong, it's yellow\n"
         "\t~[plain]blue#wrong, it's yellow\n"
         "}\n\n",
         {"kind": "multichoice", "title": "Q8", "text": "What's between orange and green in the spectrum?",
          **moodle_text()},
         [{"text": "yellow", "text_format": "moodle", "fraction": 1.0,
           "feedback": "right; good!", "feedback_format": "moodle"},
          {"text": "red", "text_format": "moodle", "fraction": 0.0,
           "feedback": "wrong, it's yellow", "feedback_format": "html"},
          {"text": "blue", "text_format": "plain", "fraction": 0.0,
           "feedback": "wrong, it's yellow", "feedback_format": "moodle"}]),
    Case("test_export_multichoice_multi_tricky",
         "// question: 666  name: Q8\n"
         "::Q8::What's between orange and green in the spectrum?{\n"
         "\t~%100%yellow#right; good!\n"
         "\t~%-50%red#wrong, it's yellow\n"
         "\t~%-50%blue#wrong, it's yellow\n"
         "}\n\n",
         {"kind": "multianswer", "title": "Q8", "text": "What's between orange and green in the spectrum?",
          **moodle_text()},
         [{"text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
          {"text": "red", "fraction": -0.5, "feedback": "wrong, it's yellow"},
          {"text": "blue", "fraction": -0.5, "feedback": "wrong, it's yellow"}]),
    Case("test_export_numerical",
         "// question: 666  name: Q5\n"
         "::Q5::What is a number from 1 to 5?{#\n"
         "\t=%100%3:2#\n"
         "\t~#Completely wrong\n"
         "}\n\n",
         {"kind": "numerical", "title": "Q5", "text": "What is a number from 1 to 5?", **moodle_text()},
         [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""},
          {"text": "*", "value": None, "fraction": 0.0, "feedback": "Completely wrong"}]),
    Case("test_export_shortanswer",
         "// question: 666  name: Shortanswer\n"
         "::Shortanswer::Which is the best animal?{\n"
         "\t=%100%Frog#Good!\n"
         "\t=%50%Cat#What is it with Moodlers and cats?\n"
         "\t=%0%*#Completely wrong\n"
         "}\n\n",
         {"kind": "shortanswer", "title": "Shortanswer", "text": "Which is the best animal?", **moodle_text()},
         [{"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
          {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
          {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"}]),
    Case("test_export_shortanswer_with_general_feedback",
         "// question: 666  name: Shortanswer\n"
         "::Shortanswer::Which is the best animal?{\n"
         "\t=%100%Frog#Good!\n"
         "\t=%50%Cat#What is it with Moodlers and cats?\n"
         "\t=%0%*#Completely wrong\n"
         "\t####[html]Here is some general feedback!\n"
         "}\n\n",
         {"kind": "shortanswer", "title": "Shortanswer", "text": "Which is the best animal?",
          "text_format": "moodle", "general_feedback": "Here is some general feedback!",
          "general_feedback_format": "html"},
         [{"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
          {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
          {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"}]),
    Case("test_export_truefalse",
         "// question: 666  name: Q1\n"
         "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer.#"
         "You gave the right answer.}\n\n",
         {"kind": "truefalse", "title": "Q1", "text": "42 is the Absolute Answer to everything.",
          **moodle_text(), "correct": True,
          "feedback_true": "You gave the right answer.", "feedback_true_format": "moodle",
          "feedback_false": "42 is the Ultimate Answer.", "feedback_false_format": "html"}),
    Case("test_export_backslash",
         "// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n",
         {"kind": "essay", "title": "backslash", "text": "A \\ B \\\\ C", **moodle_text()}),
    Case("test_export_question_with_tags_and_idnumber",
         "// question: 42  name: True/false question\n"
         "// [id:myid] [tag:tag1] [tag:tag2]\n"
         "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer.#"
         "This is the right answer.####You should have selected true.}\n\n",
         {"kind": "truefalse", "title": "True/false question", "text": "The answer is true.",
          "text_format": "html", "correct": True,
          "feedback_true": "This is the right answer.", "feedback_true_format": "html",
          "feedback_false": "This is the wrong answer.", "feedback_false_format": "html",
          "general_feedback": "You should have selected true.", "general_feedback_format": "html",
          "id_number": "myid", "tags": ["tag1", "tag2"]}),
]


@pytest.mark.parametrize("case", IMPORTS, ids=[c.moodle_test for c in IMPORTS])
def test_moodle_import(case: Case) -> None:
    check(case)


@pytest.mark.parametrize(("id_number", "tags", "comment"), COMMENTS.values(), ids=COMMENTS.keys())
def test_moodle_idnumber_and_tags_from_comment(id_number: str, tags: list[str], comment: str) -> None:
    assert comment_marks(comment) == (id_number, tags)


@pytest.mark.parametrize(("id_number", "tags", "comment"),
                         [case for case in COMMENTS.values() if "\n\\" not in case[2]],
                         ids=[name for name, case in COMMENTS.items() if "\n\\" not in case[2]])
def test_moodle_comment_cases_before_a_question(id_number: str, tags: list[str], comment: str) -> None:
    """The same comments as the lines before a question, where a GIFT file has them."""
    question = parsed(f"{comment}\nHow are you? {{}}")
    assert (question["id_number"], question["tags"]) == (id_number, tags)


@pytest.mark.parametrize("case", EXPORTS, ids=[c.moodle_test for c in EXPORTS])
def test_moodle_export_reads_back(case: Case) -> None:
    check(case)
