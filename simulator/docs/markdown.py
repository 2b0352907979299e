"""The contract's descriptions, CommonMark, rendered as sanitized HTML or as normalized Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# "html": False turns raw HTML in a description into text, so the page shows it rather than runs it.
_PARSER = MarkdownIt("commonmark", {"html": False})
_SPECIAL = re.compile(r"([\\`*\[\]<>])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def html(text: str) -> Markup:
    """A description as HTML: paragraphs, lists, emphasis, code and links; raw HTML shown as text."""
    return Markup(_PARSER.render(text).strip())


def code_span(text: str) -> str:
    """`text` as a Markdown code span, fenced by more backticks than it holds in a row."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end of a span, and a backtick there would join the fence.
    padding = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def markdown(text: str, *, cell: bool = False) -> str:
    """A description as Markdown again, from the parsed tree (raw HTML escaped); on one line for a table cell."""
    blocks = _blocks(_PARSER.parse(text), cell)
    return " ".join(blocks) if cell else "\n\n".join(blocks)


def _blocks(tokens: Sequence[Token], cell: bool) -> list[str]:
    blocks: list[str] = []
    items: list[str] | None = None
    number = 0
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            items, number = [], int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else 0
        elif token.type in ("bullet_list_close", "ordered_list_close") and items is not None:
            blocks.append("; ".join(item.rstrip(";,") for item in items) if cell else "\n".join(items))
            items = None
        elif token.type == "inline":
            line = _inline(token.children or [])
            if items is None:
                blocks.append(line)
            elif number:
                items.append(f"{number}. {line}")
                number += 1
            else:
                items.append(line if cell else f"- {line}")
        elif token.type in ("fence", "code_block"):
            content = token.content.rstrip("\n")
            blocks.append(code_span(" ".join(content.split())) if cell else f"```\n{content}\n```")
    return blocks


def _inline(children: Sequence[Token]) -> str:
    marks = {"strong_open": "**", "strong_close": "**", "em_open": "*", "em_close": "*"}
    out: list[str] = []
    links: list[str] = []
    for child in children:
        if child.type == "text":
            out.append(_UNDERSCORE.sub(r"\\_", _SPECIAL.sub(r"\\\1", child.content)))
        elif child.type == "code_inline":
            out.append(code_span(child.content))
        elif child.type in marks:
            out.append(marks[child.type])
        elif child.type == "link_open":
            links.append(str(child.attrGet("href")))
            out.append("[")
        elif child.type == "link_close":
            out.append(f"]({links.pop()})")
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out).strip()
