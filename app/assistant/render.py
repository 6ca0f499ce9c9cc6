"""The assistant's answers as safe HTML: Markdown rendered by markdown-it-py, then sanitised by
nh3, with the LaTeX left as text for KaTeX's auto-render in the browser.

A model's output is untrusted (a student can ask it to write anything), so raw HTML in it is
shown as text (markdown-it's `html` option is off), and whatever Markdown produces passes
through nh3's allow-list anyway. The maths is cut out before Markdown sees it (Markdown would
eat the backslashes and underscores of `\\frac{a_1}{b}`) and put back, escaped, afterwards.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

# Display maths first, so `$$x$$` is not taken for two empty inline spans.
_MATH = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$",
    re.DOTALL,
)
_FINAL = re.compile(r"^\s*\[FINAL ANSWER\]\s*:?\s*", re.IGNORECASE)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}


def render_answer(text: str) -> str:
    """HTML for one answer. A leading `[FINAL ANSWER]` marker becomes a labelled line."""
    text = text.replace("\ue000", "").replace("\ue001", "")  # our placeholders' brackets
    final = _FINAL.match(text)
    label = ""
    if final:
        text = text[final.end() :]
        label = '<p><span class="final-answer-label">Final answer</span></p>\n'
    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        maths.append(match.group(0))
        return f"\ue000{len(maths) - 1}\ue001"

    body = _md.render(_MATH.sub(stash, text))
    clean = nh3.clean(
        label + body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return re.sub(r"\ue000(\d+)\ue001", lambda m: html.escape(maths[int(m.group(1))]), clean)
