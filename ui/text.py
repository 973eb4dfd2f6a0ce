"""User text (file names, cell values, user names) shown as literal text: never as HTML, never as Markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def literal(text: object) -> str:
    """`text` escaped so Markdown shows it exactly as written (no links, images, emphasis, colours or LaTeX)."""
    return _MARKDOWN.sub(r"\\\1", str(text))
