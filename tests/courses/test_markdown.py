"""Markdown is untrusted: nothing executable survives rendering."""

import re

import pytest

from institute.markdown import render

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name="password"></form>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_nothing_executable_survives(source):
    html = render(f"Before\n\n{source}\n\nAfter").html
    lowered = html.lower()
    for needle in ("<script", "onerror", "onload", "javascript:", "<iframe", "style=",
                   "<object", "<embed", "<form", "<input", "data:text", "<style", "<meta",
                   "<svg", "<math"):
        assert needle not in lowered, (source, html)
    assert "Before" in html and "After" in html


def test_event_handler_attributes_are_removed_everywhere():
    html = render('<p onclick="x()" onmouseover="y()">hi</p>').html
    assert not re.search(r"\son\w+=", html)


def test_supported_syntax():
    source = """## Section one

| Species | Rooting depth |
|:--|--:|
| Salix | 2 m |

Text with a note[^1].

Saltation
: hopping grains

```python
ndvi = (nir - red) / (nir + red)
```

[^1]: The footnote.
"""
    rendered = render(source)
    assert '<h2 id="section-one">' in rendered.html
    assert '<th align="right">' in rendered.html
    assert 'class="footnote"' in rendered.html and 'href="#fn:1"' in rendered.html
    assert "<dl>" in rendered.html and "<dt>Saltation</dt>" in rendered.html
    assert '<code class="language-python">' in rendered.html
    assert 'href="#section-one"' in rendered.toc_html
    assert "hopping grains" in rendered.text and "<" not in rendered.text


def test_headings_in_other_scripts_get_anchors():
    assert 'id="荒漠化"' in render("## 荒漠化").html


def test_links_can_be_rewritten():
    html = render("![map](images/map.png) [next](02-next.md)",
                  lambda url, kind: f"/x/{kind}/{url}").html
    assert 'src="/x/image/images/map.png"' in html and 'href="/x/link/02-next.md"' in html
