from __future__ import annotations

import pytest

from frontline.channels.email.html import html_to_text, sanitize_html


@pytest.mark.parametrize("hostile", [
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<svg onload="alert(1)"></svg>',
    '<object data="evil.swf"></object>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
])
def test_hostile_markup_is_neutralised(hostile: str) -> None:
    cleaned = sanitize_html(hostile).lower()
    for marker in ("alert", "<script", "<iframe", "<form", "<input", "<svg", "<object", "<meta",
                   "javascript", "expression", "url(", "data:text", "<style"):
        assert marker not in cleaned


@pytest.mark.parametrize(("src", "kept"), [
    ("cid:image001@x", True), ("https://cdn.example/a.png", True), ("data:image/png;base64,iVBOR", True),
    ("http://tracker.example/p.gif", False), ("data:text/html;base64,PHNj", False), ("file:///etc/passwd", False),
])
def test_image_sources(src: str, kept: bool) -> None:
    assert (src in sanitize_html(f'<img src="{src}" alt="a">')) is kept


def test_links_get_safe_rel_and_formatting_survives() -> None:
    cleaned = sanitize_html('<p><b>Bold</b> <a href="https://example.com" target="_blank">x</a></p>')
    assert cleaned == '<p><b>Bold</b> <a href="https://example.com" rel="noopener noreferrer">x</a></p>'


def test_text_rendering_structure() -> None:
    html = ("<html><head><title>T</title><style>p{}</style></head><body>"
            "<h1>Title</h1><p>First&nbsp;para with <a href='https://ex.com/a'>a link</a>.</p>"
            "<p>Line<br>break</p><ol><li>one</li><li>two</li></ol>"
            "<a href='mailto:help@ex.com'>help@ex.com</a><div style='display:none'>preheader</div>"
            "<table><tr><td>A</td><td>B</td></tr></table><script>var x=1;</script></body></html>")
    assert html_to_text(html) == ("Title\n\nFirst\u00a0para with a link (https://ex.com/a).\n\nLine\nbreak\n\n"
                                  "1. one\n2. two\n\nhelp@ex.com\n\nA B")


def test_blockquote_becomes_quote_prefix_and_pre_keeps_spacing() -> None:
    text = html_to_text("<p>Answer</p><blockquote>old<br>lines</blockquote><pre>a\n  b</pre>")
    assert text == "Answer\n\n> old\n> lines\n\na\n  b"


def test_broken_html_still_renders() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>mixed</p> tail") == "unclosed bold mixed\n\ntail"
