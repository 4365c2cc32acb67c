"""Sanitise untrusted HTML mail for display and render it as readable plain text.

The sanitiser is an allow-list (nh3): formatting survives, anything that can run
code, load remote content over plain HTTP, submit data or restyle the page does not.
Inline images must be cid:, data: or https so the UI can rewrite cid: references.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "dd",
    "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "*": {"style", "title", "dir", "lang", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width"},
    "table": {"width", "cellpadding", "cellspacing", "border"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type"},
    "col": {"span", "width"},
}
_SAFE_STYLE_PROPS = {
    "color", "background-color", "font-weight", "font-style", "font-family", "text-decoration",
    "text-align", "vertical-align", "white-space", "border", "border-collapse", "padding",
    "margin", "width", "height", "line-height",
}
_SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|cid:|#)", re.IGNORECASE)
_SAFE_IMAGE = re.compile(r"^(https:|cid:|data:image/(png|gif|jpe?g|webp|bmp);)", re.IGNORECASE)
_UNSAFE_CSS_VALUE = re.compile(r"url\s*\(|expression|javascript:|\\|@import|behavio", re.IGNORECASE)


def _filter_style(value: str) -> str | None:
    kept = []
    for declaration in value.split(";"):
        prop, sep, val = declaration.partition(":")
        prop = prop.strip().lower()
        if sep and prop in _SAFE_STYLE_PROPS and not _UNSAFE_CSS_VALUE.search(val):
            kept.append(f"{prop}: {val.strip()}")
    return "; ".join(kept) or None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    compact = re.sub(r"[\s\x00-\x1f]", "", value)
    if attribute == "style":
        return _filter_style(value)
    if tag == "a" and attribute == "href":
        return value if _SAFE_LINK.match(compact) else None
    if tag == "img" and attribute == "src":
        return value if _SAFE_IMAGE.match(compact) else None
    return value


def sanitize_html(html: str) -> str:
    """Allow-listed HTML: no script/style/forms/iframes/event handlers/javascript: URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template", "noscript", "textarea",
                            "select", "object", "embed", "iframe", "svg", "math"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_BLOCK = {"p", "div", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd",
          "center", "section", "article", "header", "footer", "address", "form", "hr", "pre",
          "blockquote", "li", "caption", "tbody", "thead", "tfoot", "fieldset", "figure"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "dl"}
_SKIP = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "select", "textarea"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "param"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class _TextRenderer(HTMLParser):
    """Collects lines; blockquote depth becomes "> " prefixes so quote stripping works."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_stack: list[str] = []
        self.quote_depth = 0
        self.pre_depth = 0
        self.lists: list[list[int]] = []  # [is_ordered, counter]
        self.links: list[tuple[str, int]] = []  # (href, position in current text)

    def _flush(self, blank: bool = False) -> None:
        text = "".join(self.current)
        self.current = []
        lines = text.split("\n") if self.pre_depth else [re.sub(r"[ \t\r\n\f\u200b]+", " ", text).strip()]
        for line in lines:
            if line or self.pre_depth:
                self.lines.append(("> " * self.quote_depth + line).rstrip())
        if blank:
            self._blank()

    def _blank(self) -> None:
        if self.lines and self.lines[-1].replace(">", "").strip():
            self.lines.append(("> " * self.quote_depth).rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skip_stack:
            if tag not in _VOID:
                self.skip_stack.append(tag)
            return
        if tag in _SKIP or (tag not in _VOID and _HIDDEN_STYLE.search(attributes.get("style") or "")):
            self.skip_stack.append(tag)
            return
        self._start_visible(tag, attributes)

    def _start_visible(self, tag: str, attributes: dict[str, str | None]) -> None:
        if tag == "br":
            self.current.append("\n" if self.pre_depth else "")
            if not self.pre_depth:
                self._flush()
        elif tag in _BLOCK:
            self._flush(blank=tag in _PARAGRAPH)
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag in ("ul", "ol"):
                self.lists.append([tag == "ol", int(attributes.get("start") or 1) - 1 if tag == "ol" else 0])
            elif tag == "li":
                self._list_marker()
            elif tag == "hr":
                self.lines.append("> " * self.quote_depth + "---")
        elif tag in ("td", "th"):
            self.current.append(" ")
        elif tag == "a":
            self.links.append((attributes.get("href") or "", len("".join(self.current))))

    def _list_marker(self) -> None:
        if self.lists and self.lists[-1][0]:
            self.lists[-1][1] += 1
            self.current.append(f"{self.lists[-1][1]}. ")
        else:
            self.current.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag == self.skip_stack[-1] or tag in _SKIP:
                self.skip_stack.pop()
            return
        if tag == "a" and self.links:
            self._close_link()
        elif tag in _BLOCK:
            self._flush()
            if tag == "blockquote" and self.quote_depth:
                self.quote_depth -= 1
            elif tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
            elif tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            if tag in _PARAGRAPH:
                self._blank()

    def _close_link(self) -> None:
        href, start = self.links.pop()
        label = "".join(self.current)[start:].strip()
        href = href.strip()
        if not href or href.startswith(("#", "cid:", "javascript:", "data:")):
            return
        target = href[7:] if href.lower().startswith("mailto:") else href
        if label and target.rstrip("/") not in label:
            self.current.append(f" ({target})")
        elif not label:
            self.current.append(target)

    def handle_data(self, data: str) -> None:
        if not self.skip_stack:
            self.current.append(data)

    def render(self) -> str:
        self._flush()
        text = "\n".join(line.rstrip() for line in self.lines)
        text = re.sub(r"(\n[> ]*)+$", "", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text: paragraphs, line breaks, list markers, links as "text (url)"."""
    renderer = _TextRenderer()
    try:
        renderer.feed(html)
        renderer.close()
    except Exception:  # HTMLParser is lenient, but never let rendering break parsing
        return re.sub(r"<[^>]*>", " ", html).strip()
    return renderer.render()
