"""Markdown → sanitised HTML, for course modules, overviews and quiz texts.

Markdown written by partners is untrusted: whatever Python-Markdown produces is
cleaned by nh3 against an allow-list, so no script, event handler,
``javascript:`` URL, iframe or inline style reaches a page. Rendering happens
once per course revision and is stored; no request parses Markdown.
"""

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

# A function given (url, kind) with kind "link" or "image" that returns the URL to
# use instead, or None to keep it as written.
LinkRewriter = Callable[[str, str], str | None]

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u",
    "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption",
    "thead", "tbody", "tfoot", "tr", "th", "td", "a", "img", "sup", "sub", "div", "span",
    "abbr", "del", "ins", "kbd", "mark", "small", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
}
# Classes that the extensions produce and the stylesheet knows; nothing else.
_CLASS_OK = re.compile(r"^(footnote|footnote-ref|footnote-backref|headerlink|toc|language-[\w+-]+)$")
_ID_OK = re.compile(r"^[\w:.-]{1,120}$", re.UNICODE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if _CLASS_OK.match(c)]
        return " ".join(kept) or None
    if attribute == "id":
        return value if _ID_OK.match(value) else None
    return value


def sanitise(fragment: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                            "noscript", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


class _RewriteLinks(Treeprocessor):
    def __init__(self, md, rewrite: LinkRewriter):
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root: Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and (target := element.get(attribute)):
                new = self.rewrite(target, "image" if element.tag == "img" else "link")
                if new is not None:
                    element.set(attribute, new)


class _RewriteLinksExtension(Extension):
    def __init__(self, rewrite: LinkRewriter):
        super().__init__()
        self.rewrite = rewrite

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After inline patterns (20) made the links, before serialising.
        md.treeprocessors.register(_RewriteLinks(md, self.rewrite), "gdi-links", 5)


@dataclass
class Rendered:
    html: str
    toc_html: str
    text: str  # plain text, for search


def _converter(rewrite: LinkRewriter | None) -> markdown.Markdown:
    extensions: list = [
        "tables", "fenced_code", "footnotes", "def_list", "sane_lists", "abbr",
        "toc",
    ]
    if rewrite is not None:
        extensions.append(_RewriteLinksExtension(rewrite))
    return markdown.Markdown(
        extensions=extensions,
        extension_configs={
            "tables": {"use_align_attribute": True},  # no inline styles
            "toc": {"permalink": "#", "permalink_title": "Link to this section",
                    "slugify": slugify_unicode, "toc_depth": "2-3"},
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        },
        output_format="html",
    )


def render(text: str, rewrite: LinkRewriter | None = None) -> Rendered:
    """Render untrusted Markdown to sanitised HTML, with a table of contents."""
    md = _converter(rewrite)
    body = sanitise(md.convert(text))
    toc = sanitise(getattr(md, "toc", "")) if getattr(md, "toc_tokens", None) else ""
    return Rendered(html=body, toc_html=toc, text=plain_text(body))


def render_inline(text: str) -> str:
    """A short text (a quiz question, a feedback) without a table of contents."""
    return sanitise(markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"],
                                      output_format="html"))


_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')


def plain_text(fragment: str) -> str:
    text = nh3.clean(_PERMALINK.sub("", fragment), tags=set())
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
