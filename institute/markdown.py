"""Markdown → sanitised HTML, for course modules, overviews and quiz texts.

Markdown is read as partners' tools write it (GitHub, Obsidian, Typora):
CommonMark with GitHub's tables, strikethrough, task lists and autolinks, by
markdown-it-py, plus footnotes, definition lists and abbreviations as authors
knew them here. Each heading gets an id and a permalink, h2–h3 make the
outline, tables scroll in their own box, and links between the files of a
bundle can be rewritten to the app's URLs.

Markdown written by partners is untrusted: whatever the parser produces is
cleaned by nh3 against an allow-list, so no script, event handler,
``javascript:`` URL, iframe or inline style reaches a page. Rendering happens
once per course revision and is stored; no request parses Markdown.
"""

import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

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
    "div": {"tabindex"},  # the table's scrolling box, reachable by keyboard
}
# Classes that the renderer produces and the stylesheet knows; nothing else.
_CLASS_OK = re.compile(r"^(footnote|footnote-ref|footnote-backref|headerlink|toc|language-[\w+-]+|table-wrap"
                       r"|task-list-item|contains-task-list|task-box|task-box-done)$")
_ID_OK = re.compile(r"^[\w:.-]{1,120}$", re.UNICODE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if _CLASS_OK.match(c)]
        return " ".join(kept) or None
    if attribute == "id":
        return value if _ID_OK.match(value) else None
    if attribute == "tabindex":
        return "0" if value == "0" else None  # focusable in reading order, never first
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


# Task-list checkboxes: the sanitiser lets no <input> through (a text field on a page is
# a phishing form), so the renderer writes a marker and only after sanitising does the
# marker become a disabled checkbox. An author who writes the marker by hand gets the
# same disabled checkbox, nothing more.
_TASK_MARKER = re.compile(r'<span class="task-box(-done)?"></span>')
_CHECKBOX = '<input class="task-list-item-checkbox" type="checkbox" disabled>'
_CHECKBOX_DONE = '<input class="task-list-item-checkbox" type="checkbox" disabled checked>'


def _checkboxes(fragment: str) -> str:
    if "task-box" not in fragment:
        return fragment
    return _TASK_MARKER.sub(lambda m: _CHECKBOX_DONE if m[1] else _CHECKBOX, fragment)


# Raw HTML that GitHub never lets open (its "disallowed raw HTML" extension): the
# tag is shown as text. Without it, nh3 would read everything after <title> or
# <textarea> as their text.
_DISALLOWED_RAW = re.compile(r"<(?=(?:title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext)[\s/>])",
                             re.IGNORECASE)


def slugify(text: str) -> str:
    """A heading's id as Python-Markdown made it, so links to sections stay valid:
    word characters of any script, lower-cased, spaces and dashes as one dash."""
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _unique(slug: str, used: set[str]) -> str:
    if slug in used or not slug:
        base, number = slug, 1
        while f"{base}_{number}" in used:
            number += 1
        slug = f"{base}_{number}"
    used.add(slug)
    return slug


def _inline_text(children: Sequence[Token]) -> str:
    """The text a heading shows, without markup, footnote references or images."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).strip()


# ---- parsing rules of our own ----

_ABBREVIATION = re.compile(r"\*\[([^\]\n]+)\]:[ \t]*(.*)")


def _abbreviation_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``*[UNCCD]: United Nations Convention to Combat Desertification`` lines, as
    Python-Markdown's abbreviations; the definition is not shown."""
    if state.is_code_block(start):
        return False
    begin = state.bMarks[start] + state.tShift[start]
    line = state.src[begin:state.eMarks[start]]
    match = _ABBREVIATION.fullmatch(line)
    if not match:
        return False
    if not silent:
        state.env.setdefault("abbreviations", {})[match[1].strip()] = match[2].strip()
        state.line = start + 1
    return True


def _abbreviations(state: StateCore) -> None:
    found: dict[str, str] = state.env.get("abbreviations") or {}
    if not found:
        return
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in sorted(found, key=len, reverse=True))
                         + r")(?!\w)")
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "text" or not pattern.search(child.content):
                children.append(child)
                continue
            for i, piece in enumerate(pattern.split(child.content)):
                if i % 2 == 0:
                    if piece:
                        children.append(_text_token(piece))
                    continue
                opening = Token("html_inline", "", 0)
                opening.content = f'<abbr title="{html_lib.escape(found[piece])}">'
                closing = Token("html_inline", "", 0)
                closing.content = "</abbr>"
                children += [opening, _text_token(piece), closing]
        token.children = children


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _github_markup(state: StateCore) -> None:
    """Strikethrough as <del>, table alignment as ``align`` (inline styles are not
    kept), raw HTML that GitHub filters shown as text."""
    for token in state.tokens:
        if token.type in ("s_open", "s_close"):
            token.tag = "del"
        elif token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("align", style.removeprefix("text-align:"))
        elif token.type == "html_block":
            token.content = _DISALLOWED_RAW.sub("&lt;", token.content)
        for child in token.children or ():
            if child.type in ("s_open", "s_close"):
                child.tag = "del"
            elif child.type == "html_inline":
                child.content = _DISALLOWED_RAW.sub("&lt;", child.content)


def _rewrite_links(state: StateCore) -> None:
    rewrite: LinkRewriter | None = state.env.get("rewrite")
    if rewrite is None:
        return
    for token in state.tokens:
        for child in token.children or ():
            attribute, kind = {"link_open": ("href", "link"), "image": ("src", "image")}.get(child.type, ("", ""))
            if attribute and isinstance(target := child.attrGet(attribute), str) and target:
                new = rewrite(target, kind)
                if new is not None:
                    child.attrSet(attribute, new)


def _headings(state: StateCore) -> None:
    """Ids and permalinks on headings; the h2–h3 outline kept in ``env["outline"]``."""
    if not state.env.get("anchors"):
        return
    used: set[str] = set()
    outline: list[tuple[int, str, str]] = []
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        name = _inline_text(inline.children or ())
        slug = _unique(slugify(name), used)
        token.attrSet("id", slug)
        level = int(token.tag[1])
        if 2 <= level <= 3:
            outline.append((level, slug, name))
        permalink = Token("html_inline", "", 0)
        permalink.content = (f'<a class="headerlink" href="#{html_lib.escape(slug)}" '
                             f'title="Link to this section">#</a>')
        inline.children = [*(inline.children or ()), permalink]
    state.env["outline"] = outline


def _outline_html(outline: list[tuple[int, str, str]]) -> str:
    """The outline as nested lists, as Python-Markdown's table of contents was."""
    if not outline:
        return ""
    parts = ['<div class="toc">\n<ul>\n']
    stack: list[int] = []  # the levels of the open lists
    for level, slug, name in outline:
        if not stack:
            stack.append(level)
        elif level > stack[-1]:
            parts.append("<ul>\n")
            stack.append(level)
        else:
            while len(stack) > 1 and level <= stack[-2]:
                parts.append("</li>\n</ul>\n")
                stack.pop()
            parts.append("</li>\n")
            stack[-1] = level
        parts.append(f'<li><a href="#{html_lib.escape(slug)}">{html_lib.escape(name)}</a>')
    parts.append("</li>\n" + "</ul>\n</li>\n" * (len(stack) - 1) + "</ul>\n</div>\n")
    return "".join(parts)


def _toc_marker(state: StateCore) -> None:
    """A paragraph of only ``[TOC]`` (Typora, Python-Markdown) shows the outline there."""
    if not state.env.get("anchors"):
        return
    tokens, kept = state.tokens, []
    i = 0
    while i < len(tokens):
        if (tokens[i].type == "paragraph_open" and i + 2 < len(tokens)
                and tokens[i + 1].content.strip() == "[TOC]" and tokens[i + 2].type == "paragraph_close"):
            block = Token("html_block", "", 0)
            block.content = _outline_html(state.env.get("outline", []))
            kept.append(block)
            i += 3
        else:
            kept.append(tokens[i])
            i += 1
    state.tokens = kept


# ---- rendering ----

def _footnote_id(token: Token) -> str:
    label = token.meta.get("label")
    return re.sub(r"[^\w.-]+", "-", label) if label else str(token.meta["id"] + 1)


def _reference_id(token: Token) -> str:
    """The id of a footnote's n-th reference in the text, which its back-link points at."""
    ident, sub = _footnote_id(token), token.meta.get("subId", 0)
    return f"fnref:{ident}" if sub <= 0 else f"fnref{sub + 1}:{ident}"


def _footnote_ref(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    ident, ref = _footnote_id(token), _reference_id(token)
    return (f'<sup id="{html_lib.escape(ref)}"><a class="footnote-ref" href="#fn:{html_lib.escape(ident)}">'
            f'{token.meta["id"] + 1}</a></sup>')


def _footnote_open(self, tokens, idx, options, env) -> str:
    return f'<li id="fn:{html_lib.escape(_footnote_id(tokens[idx]))}">\n'


def _footnote_anchor(self, tokens, idx, options, env) -> str:
    ref = _reference_id(tokens[idx])
    return (f'&#160;<a class="footnote-backref" href="#{html_lib.escape(ref)}" '
            f'title="Back to the text">&#8617;</a>')


def _table_open(self, tokens, idx, options, env) -> str:
    # A wide table scrolls in its own box instead of widening a phone's page.
    return '<div class="table-wrap" tabindex="0">\n' + self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _list_item_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    opened = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        return opened + f'<span class="task-box{"-done" if token.meta["checked"] else ""}"></span> '
    return opened


def _parser(footnotes: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {
        # Lists nest 16 levels deep (courses/markdown_limits.py), two levels each here.
        # Reading "[" costs time in proportion to this depth too, so no deeper.
        "maxNesting": 40,
        "tasklists": True,
        "strikethrough_single_tilde": True,
    })
    md.enable(["table", "strikethrough"])
    # Every destination makes a link; which URL schemes survive is the sanitiser's rule
    # alone (``[x](javascript:...)`` keeps its text, loses its href).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.use(gfm_autolink_plugin).use(deflist_plugin)
    if footnotes:
        md.use(footnote_plugin, inline=False)
        md.add_render_rule("footnote_ref", _footnote_ref)
        md.add_render_rule("footnote_block_open", lambda *a: '<div class="footnote">\n<hr>\n<ol>\n')
        md.add_render_rule("footnote_block_close", lambda *a: "</ol>\n</div>\n")
        md.add_render_rule("footnote_open", _footnote_open)
        md.add_render_rule("footnote_anchor", _footnote_anchor)
    md.block.ruler.before("reference", "abbreviation", _abbreviation_block, {"alt": ["paragraph"]})
    md.core.ruler.push("abbreviations", _abbreviations)
    md.core.ruler.push("github_markup", _github_markup)
    md.core.ruler.push("rewrite_links", _rewrite_links)
    md.core.ruler.push("headings", _headings)
    md.core.ruler.push("toc_marker", _toc_marker)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("list_item_open", _list_item_open)
    return md


# Built once: a parser keeps no state between documents (that lives in ``env``).
_MODULES = _parser(footnotes=True)
_SHORT = _parser(footnotes=False)


@dataclass
class Rendered:
    html: str
    toc_html: str
    text: str  # plain text, for search


def render(text: str, rewrite: LinkRewriter | None = None) -> Rendered:
    """Render untrusted Markdown to sanitised HTML, with a table of contents."""
    env: dict[str, Any] = {"rewrite": rewrite, "anchors": True}
    body = _checkboxes(sanitise(_MODULES.render(text, env)))
    toc = sanitise(_outline_html(env.get("outline", [])))
    return Rendered(html=body, toc_html=toc, text=plain_text(body))


def render_inline(text: str) -> str:
    """A short text (a quiz question, a feedback) without a table of contents."""
    return _checkboxes(sanitise(_SHORT.render(text, {})))


_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')


def plain_text(fragment: str) -> str:
    text = nh3.clean(_PERMALINK.sub("", fragment), tags=set())
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
