"""The renderer modules had before issue 15 (Python-Markdown), kept only to compare with.

Stored HTML of older revisions came from it; ``tests/courses/test_rerender.py`` shows
what re-rendering the shipped courses changes, and ``bench/markdown_conformance.py``
times it beside today's renderer. Python-Markdown is a test dependency only.
"""

import markdown
from markdown.extensions.toc import slugify_unicode

from institute.markdown import Rendered, plain_text, sanitise


def render(text: str) -> Rendered:
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "footnotes", "def_list", "sane_lists", "abbr", "toc"],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"permalink": "#", "permalink_title": "Link to this section",
                    "slugify": slugify_unicode, "toc_depth": "2-3"},
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        },
        output_format="html",
    )
    body = sanitise(md.convert(text))
    toc = sanitise(getattr(md, "toc", "")) if getattr(md, "toc_tokens", None) else ""
    return Rendered(html=body, toc_html=toc, text=plain_text(body))
