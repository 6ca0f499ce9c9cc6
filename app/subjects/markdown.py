"""Markdown as safe HTML, for teaching guides and the tutor's answers.

markdown-it-py renders with raw HTML off (an `<script>` in a guide or a model's answer shows as
text), then nh3 keeps only an allow-list of tags and attributes. LaTeX is cut out before Markdown
sees it (Markdown would eat the backslashes and underscores of `\\frac{a_1}{b}`), put back as
escaped text, and rendered in the browser by the vendored KaTeX inside `data-katex` containers.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_MATH = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$", re.DOTALL
)
TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text: str) -> Markup:
    text = (text or "").replace("\ue000", "").replace("\ue001", "")
    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        maths.append(match.group(0))
        return f"\ue000{len(maths) - 1}\ue001"

    clean = nh3.clean(
        _md.render(_MATH.sub(stash, text)),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    restored = re.sub(r"\ue000(\d+)\ue001", lambda m: html.escape(maths[int(m.group(1))]), clean)
    return Markup(restored)  # noqa: S704 (sanitised by nh3 just above)
