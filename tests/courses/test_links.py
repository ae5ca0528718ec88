"""Finding the links of a module: right on real Markdown, and in one pass over hostile lines."""

import pytest

from institute.courses.links import link_problems


def targets(text: str) -> list[tuple[int, str]]:
    return [(line, message.rsplit(": ", 1)[1]) for line, message in link_problems("01-a.md", text, 1, {})]


def test_links_images_titles_and_an_image_inside_a_link():
    text = ('See [one](a.md), ![map](img/map.png "The map") and [two](<b.md>).\n'
            "[![thumb](img/t.png)](img/full.png) [x]: not.md\n"
            "[ref]: d.md\n"
            "Escaped \\[not](e.md) and `[code](f.md)`.\n")
    assert targets(text) == [(1, "a.md"), (1, "img/map.png"), (1, "b.md"), (2, "img/t.png"),
                             (2, "img/full.png"), (3, "d.md")]


@pytest.mark.parametrize("piece", ["[", "\\[[", "![a](", '[a](b "', "[a](b '", "[[a]", "](", "[a]("],
                         ids=repr)
def test_a_hostile_line_is_read_in_one_pass(piece):
    # Quadratic scanning would take hours over these 200 KB lines; one pass takes milliseconds.
    assert targets(piece * (200_000 // len(piece))) is not None
