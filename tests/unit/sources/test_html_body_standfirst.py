"""Body text: the standfirst under the headline leads the body, once, when the page shows it."""

from __future__ import annotations

from packager.sources.html import extract_html_article

_STANDFIRST = (
    "The harbour bridge gets its new deck next spring, the council decided after a long night "
    "of debate over the school repairs."
)


def _page(description: str, header: str, body_start: str = "") -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the council story: the members debated the budget for the new "
        "harbour bridge and the school repairs at length, with residents for and against.</p>"
        for i in range(12)
    )
    return (
        "<html><head><title>Council budget</title>"
        f"<meta name='description' content='{description}'></head><body>"
        "<nav><a href='/'>Home</a></nav><main><article>"
        f"<header><h1>Council budget</h1>{header}</header>"
        f"<div class='article-body'>{body_start}{paragraphs}</div>"
        "</article></main><footer><p>Copyright News</p></footer></body></html>"
    ).encode()


def test_a_standfirst_outside_the_body_container_leads_the_body() -> None:
    page = _page(_STANDFIRST, f"<div class='teaser-text'><p>{_STANDFIRST}</p></div>")
    body = extract_html_article(page, origin="standfirst.html").body
    assert body[0] == _STANDFIRST
    assert sum("council story" in p for p in body) == 12


def test_a_shortened_description_finds_the_whole_standfirst() -> None:
    page = _page(_STANDFIRST[:60] + "…", f"<p class='intro'>{_STANDFIRST}</p>")
    body = extract_html_article(page, origin="short.html").body
    assert body[0] == _STANDFIRST


def test_a_standfirst_already_in_the_body_comes_once() -> None:
    page = _page(_STANDFIRST, "", body_start=f"<p>{_STANDFIRST}</p>")
    body = extract_html_article(page, origin="once.html").body
    assert sum(p == _STANDFIRST for p in body) == 1


def test_a_description_the_page_does_not_show_stays_out() -> None:
    page = _page(_STANDFIRST, "")
    body = extract_html_article(page, origin="hidden.html").body
    assert not any("next spring" in p for p in body)
