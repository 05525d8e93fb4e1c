"""What a saved page says about itself: its outlet (README "Web pages": og:site_name, else
the URL's registered domain)."""

from __future__ import annotations

import pytest

from dedup import html

BODY = (
    "<p>La tempête Léna a privé d'électricité des centaines de milliers de foyers dans "
    "l'ouest de la France, selon le gestionnaire du réseau, qui a mobilisé ses équipes "
    "pendant toute la nuit de mardi à mercredi.</p>"
    "<p>Les écoles de plusieurs communes du Finistère sont restées fermées mercredi, et "
    "la préfecture a demandé aux habitants de limiter leurs déplacements.</p>"
)


def _page(title: str, head: str = "") -> bytes:
    # og:title and the description repeat the title, as news pages do (helper-52)
    head = (
        f'<meta property="og:title" content="{title}">'
        f'<meta name="description" content="{title}">{head}'
    )
    return (
        f"<html><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1>{BODY}</article></body></html>"
    ).encode()


def _outlet(page: bytes, url: str | None = "https://www.ouest-info.fr/meteo/lena") -> str | None:
    record = {"id": "lena", "url": url} if url else {"id": "lena"}
    return html.page_article(page, record, "page.html").outlet


@pytest.mark.parametrize(
    "title",
    [
        "Tempête Léna : encore 120.000 foyers sans électricité",
        "Streik bei der Bahn | 2.000 Züge fallen aus",
        "Terremoto - scossa di magnitudo 4.2 a Napoli",
    ],
)
def test_a_number_in_the_title_is_no_site_name(title: str) -> None:
    """A title part with a dot in a number is trafilatura's guess of a domain, not a name
    the page states: the URL's registered domain is the outlet."""
    assert _outlet(_page(title)) == "ouest-info.fr"


def test_a_stated_site_name_is_the_outlet_even_with_dots() -> None:
    page = _page(
        "Tempête Léna : encore 120.000 foyers sans électricité",
        '<meta property="og:site_name" content="St. Malo Info">',
    )
    assert _outlet(page) == "St. Malo Info"


def test_a_publisher_stated_in_json_ld_is_the_outlet() -> None:
    page = _page(
        "Tempête Léna | Ouest.Info Actu",
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Ouest.Info Actu"}}</script>',
    )
    assert _outlet(page) == "Ouest.Info Actu"


def test_a_domain_in_the_title_names_the_outlet_of_a_page_without_url() -> None:
    assert _outlet(_page("Tempête Léna | ouest-info.fr"), url=None) == "ouest-info.fr"
