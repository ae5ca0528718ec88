"""SVG assets: plain drawings pass; anything that reaches outside the drawing is refused."""

import pytest

from institute.courses.bundle import Bundle
from institute.courses.importing import check_bundle
from institute.courses.svg import svg_problems

from ..builders import course_files

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'
GRADIENT = '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'

PLAIN = {
    "declaration": '<?xml version="1.0" encoding="UTF-8"?>\n' + SVG.format('<rect width="5" height="5"/>'),
    "declaration after a BOM": "\ufeff<?xml version='1.0'?>" + SVG.format("<g/>"),
    "gradient by id": SVG.format(GRADIENT + '<rect fill="url(#g)" width="5" height="5"/>'),
    "quoted id with spaces": SVG.format(GRADIENT + "<rect fill=\"url( '#g' )\" stroke=\"URL(#g)\"/>"),
}

REFUSED = {
    "stylesheet": ('<?xml version="1.0"?>\n<?xml-stylesheet href="https://evil.example/x.css"?>\n'
                   + SVG.format("<g/>"), "processing instructions"),
    "instruction inside": (SVG.format("<g><?php echo 1 ?></g>"), "processing instructions"),
    "external url": (SVG.format('<rect fill="url(https://evil.example/x.svg#g)"/>'),
                     "refers outside the drawing"),
    "external after an id": (SVG.format(GRADIENT + '<rect fill="url(#g) url(//evil.example/a)"/>'),
                             "refers outside the drawing"),
    "another file": (SVG.format('<rect filter="url(other.svg#f)"/>'), "refers outside the drawing"),
    "quoted external": (SVG.format("<rect fill=\"url( 'https://evil.example/' )\"/>"),
                        "refers outside the drawing"),
    "css escape": (SVG.format('<rect fill="u\\72l(https://evil.example/)"/>'),
                   "refers outside the drawing"),
    "import in an attribute": (SVG.format('<text font-family="@import \'x.css\'">a</text>'),
                               "@import"),
    "import in text": (SVG.format("<desc>@import 'https://evil.example/x.css';</desc>"), "@import"),
    "utf-16": (SVG.format("<g/>").encode("utf-16"), "UTF-8"),
}


@pytest.mark.parametrize("name", PLAIN)
def test_plain_drawings_pass(name):
    assert svg_problems(PLAIN[name].encode()) == []


@pytest.mark.parametrize("name", REFUSED)
def test_what_reaches_outside_is_refused(name):
    svg, expected = REFUSED[name]
    found = svg_problems(svg if isinstance(svg, bytes) else svg.encode())
    assert any(expected in message for _line, message in found), found


def test_a_processing_instruction_names_its_line():
    svg, _ = REFUSED["stylesheet"]
    assert svg_problems(svg.encode()) == [
        (2, "SVG processing instructions such as <?xml-stylesheet …?> are not allowed")]


def test_a_bundle_with_a_hostile_svg_is_refused(ctx):
    files = course_files()
    files["images/map.svg"] = REFUSED["external url"][0].encode()
    problems = check_bundle(Bundle("test-course", files)).problems
    assert [p.file for p in problems] == ["images/map.svg"]
