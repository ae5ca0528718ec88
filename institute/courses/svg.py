"""SVG assets: allowed only when they are plain drawings.

An SVG opened on its own is a document that can run script; we accept only an
allow-list of drawing elements and attributes, with no external references,
and serve SVG with a Content-Security-Policy that forbids script anyway.
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


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def svg_problems(data: bytes) -> list[tuple[int | None, str]]:
    """(line, message) for everything an SVG holds that is not a plain drawing."""
    text = data.decode("utf-8", errors="replace")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return [(None, "SVG with a DOCTYPE or entities is not allowed")]
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        return [(None, "SVG with a DOCTYPE or entities is not allowed")]
    except ParseError as exc:
        return [(exc.position[0], f"not a well-formed SVG: {exc}")]
    if _local(root.tag) != "svg":
        return [(1, "the file is not an SVG image")]
    problems = []
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
            elif _DANGEROUS_VALUE.search(value) or "url(" in value and "url(#" not in value:
                problems.append((None, f"SVG attribute '{attribute}' refers outside the drawing"))
    return problems
