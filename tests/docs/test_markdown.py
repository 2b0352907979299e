"""Descriptions are CommonMark: rendered as HTML and as Markdown, never shown as source, never passing raw HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from simulator.docs.markdown import code_span, html, markdown

DESCRIPTION = """**Simulator only: the `Prefer` header.** Read on *every* call.

- `code=503` answers that status;
- see [the guide](guide.html).

Text with <b>tags</b> and <script>alert(1)</script>."""


def test_html_renders_emphasis_code_lists_and_links() -> None:
    rendered = str(html(DESCRIPTION))
    assert "<strong>Simulator only: the <code>Prefer</code> header.</strong>" in rendered
    assert "<em>every</em>" in rendered
    assert "<ul>\n<li><code>code=503</code> answers that status;</li>" in rendered
    assert '<a href="guide.html">the guide</a>' in rendered
    assert "**" not in rendered and "`" not in rendered


def test_raw_html_is_shown_as_text_not_passed_through() -> None:
    rendered = str(html(DESCRIPTION))
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "href" not in str(html("[x](javascript:alert(1))"))
    assert "\\<script\\>" in markdown(DESCRIPTION)


def test_markdown_keeps_the_structure_and_a_cell_stays_on_one_line() -> None:
    assert markdown(DESCRIPTION).splitlines()[:4] == [
        "**Simulator only: the `Prefer` header.** Read on *every* call.",
        "",
        "- `code=503` answers that status;",
        "- see [the guide](guide.html).",
    ]
    cell = markdown(DESCRIPTION, cell=True)
    assert "\n" not in cell
    assert "`code=503` answers that status; see [the guide](guide.html)." in cell


def test_a_code_span_holds_backticks() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"
    assert str(html(code_span("a``b"))) == "<p><code>a``b</code></p>"


class _Text(HTMLParser):
    """Text outside `code` and `pre`, and outside `script`."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag in ("code", "pre", "script")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in ("code", "pre", "script")

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.text.append(data)


def test_no_page_shows_markdown_source(site: Path) -> None:
    for page in sorted(site.glob("*.html")):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        shown = [text for text in parser.text if "**" in text or "`" in text]
        assert shown == [], page.name
    assert "<strong>Simulator only: the <code>Prefer</code> request header.</strong>" in (
        site / "clients.html"
    ).read_text(encoding="utf-8")
