"""Text that came from data (names, file names, cell values, user names) shown as text: never as Markdown or HTML."""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character: CommonMark lets a backslash escape each one, so no character of the text can
# open a link, an image, an HTML tag, emphasis, a heading, a list, a table, LaTeX ($) or a directive (:red[…]).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

WORD_JOINER = "\u2060"
"""An invisible character that keeps two characters apart without a visible gap or a line break."""

# Some of Streamlit's Markdown extensions read the text after the escapes are gone: bare URLs (http://…, www.…) and
# e-mail addresses become links, :material/…: an icon, :smile: an emoji. A word joiner after every colon and "@",
# and inside "www.", leaves nothing for them to match, and the reader sees the same characters.
_TEXT_LEVEL = re.compile(r"(?<=[:@])|(?<=www)(?=\.)", re.IGNORECASE)


def literal(text: object) -> str:
    """`text` as Markdown that Streamlit shows exactly as written (no links, images, HTML, emphasis, colours, icons,
    emoji or LaTeX); for every Markdown-reading call: captions, titles, alerts, toasts, labels, help, st.table cells."""
    return _PUNCTUATION.sub(r"\\\1", _TEXT_LEVEL.sub(WORD_JOINER, str(text)))


def chart_text(text: object) -> str:
    """`text` for a plotly title, label, tick, legend or hover, which read a little HTML (<a href>, <b>, <br>, …) and
    character entities: shown as written."""
    return html.escape(str(text), quote=False)
