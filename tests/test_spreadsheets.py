"""The platform's one CSV writer: no cell a spreadsheet would run as a formula."""

import csv
import io

import pytest

from institute.spreadsheets import FORMULA_STARTS, csv_text, neutral

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd", "-2+3", "@SUM(1)", "\tTabbed", "\rCarriage",
           "＝1+1"]


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_cell_that_starts_a_formula_is_prefixed_with_a_quote(value):
    assert neutral(value) == "'" + value
    (cell,) = read(csv_text(["h"], [[value]]))[1]
    assert cell == "'" + value and cell[1:] == value  # still readable: the quote is all that changed


def test_every_formula_start_of_owasp_is_covered():
    assert {"=", "+", "-", "@", "\t", "\r"} <= set(FORMULA_STARTS)


def test_plain_text_numbers_and_nothing_stay_as_they_are():
    assert neutral("Ana Quispe") == "Ana Quispe"
    assert neutral("a=b") == "a=b"  # only the first character starts a formula
    assert neutral("") == ""
    assert neutral(None) == ""
    assert neutral(-3) == -3 and neutral(85.5) == 85.5  # numbers the platform writes are numbers
    assert neutral(100.0) == 100  # and a whole number is written without ".0"


def test_text_is_quoted_numbers_are_not():
    text = csv_text(["email", "score"], [["a@example.org", 85.5], ["-1", -1]])
    assert text.splitlines() == ['"email","score"', '"a@example.org",85.5', "\"'-1\",-1"]


def test_a_separator_or_quote_inside_a_cell_starts_no_new_cell():
    row = ['x",=1+1', "a;=SUM(1)", "line\n=2"]
    assert read(csv_text(["a", "b", "c"], [row]))[1] == row


def test_headers_are_neutralised_too():
    assert read(csv_text(["=cmd (%)"], []))[0] == ["'=cmd (%)"]
