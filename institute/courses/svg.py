"""SVG assets: allowed only when they are plain drawings.

An SVG opened on its own is a document that can run script; we accept only an
allow-list of drawing elements and attributes, with no external references
(links, ``url(...)`` other than ``url(#id)``, ``@import``, stylesheets named by a
processing instruction), and serve SVG with a Content-Security-Policy that
forbids script anyway. The parser drops processing instructions, so we look for
them in the text; hence UTF-8 only, where the text is what the parser reads.
"""

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ALLOWED_ELEMENTS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "title", "desc", "defs", "lineargradient", "radialgradient", "stop", "marker",
    "clippath", "symbol", "use", "metadata",
}
_DANGEROUS_VALUE = re.compile(r"(javascript|data|vbscript)\s*:", re.IGNORECASE)
_PROCESSING = re.compile(r"<\?([^\s?>]*)")
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _refers_outside(value: str) -> bool:
    # A backslash is a CSS escape, which could spell url( so that we do not see it.
    return bool(_DANGEROUS_VALUE.search(value)) or "\\" in value or \
        any(not target.startswith("#") for target in _URL.findall(value))


def _processing_instructions(text: str) -> list[tuple[int | None, str]]:
    """Every ``<?…?>`` but the XML declaration, which may only open the file."""
    problems: list[tuple[int | None, str]] = []
    for found in _PROCESSING.finditer(text):
        if found.group(1) == "xml" and found.start() == 0:
            continue
        line = text.count("\n", 0, found.start()) + 1
        problems.append((line, f"SVG processing instructions such as <?{found.group(1)} …?> "
                               "are not allowed"))
    return problems


def svg_problems(data: bytes) -> list[tuple[int | None, str]]:
    """(line, message) for everything an SVG holds that is not a plain drawing."""
    if b"\0" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [(None, "SVG files must be UTF-8 text")]
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return [(None, "SVG with a DOCTYPE or entities is not allowed")]
    problems = _processing_instructions(text)
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        return [(None, "SVG with a DOCTYPE or entities is not allowed")]
    except ParseError as exc:
        return [(exc.position[0], f"not a well-formed SVG: {exc}")]
    if _local(root.tag) != "svg":
        return [(1, "the file is not an SVG image")]
    for element in root.iter():
        tag = _local(element.tag)
        if tag not in ALLOWED_ELEMENTS:
            problems.append((None, f"SVG element <{tag}> is not allowed (script, style, "
                                   "foreignObject, images and animation are refused)"))
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                problems.append((None, f"SVG event handler '{attribute}' is not allowed"))
            elif attribute == "style":
                problems.append((None, "SVG 'style' attributes are not allowed; use presentation "
                                       "attributes such as fill and stroke"))
            elif attribute == "href" and not value.startswith("#"):
                problems.append((None, "SVG links may only point inside the drawing (#id)"))
            elif "@import" in value.lower():
                problems.append((None, f"SVG attribute '{attribute}' holds an @import"))
            elif _refers_outside(value):
                problems.append((None, f"SVG attribute '{attribute}' refers outside the drawing"))
        if "@import" in f"{element.text or ''} {element.tail or ''}".lower():
            problems.append((None, "SVG text may not hold an @import"))
    return problems
