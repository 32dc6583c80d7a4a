"""Article-URL shapes learned from a listing's dated links (`crawler.extract.urlshapes`): which other URLs
of the site they take for articles, and which they must not."""

from __future__ import annotations

import pytest

from crawler.extract.urlshapes import MIN_SHAPE_LINKS, UrlShapes


def learned(*urls: str) -> UrlShapes:
    shapes = UrlShapes()
    shapes.learn(urls)
    return shapes


@pytest.mark.parametrize(
    ("listed", "url", "article"),
    [
        # dates in the path, ids of any length
        (["http://x.cn/2024/0903/123.html", "http://x.cn/2024/0902/7.html", "http://x.cn/2024/0830/45678.html"],
         "http://x.cn/2024/0904/99.html", True),
        (["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/22.html", "http://x.cn/a/20240901/333.html"],
         "http://x.cn/a/20240905/4444.html", True),
        # a coded id of letters and digits, by its length; a letter run that differs is a wildcard
        (["http://x.cn/24/0903/11/JA1B2C3D00019ABC.html", "http://x.cn/24/0903/10/JA0Z9Y8X00019ABC.html",
          "http://x.cn/24/0902/08/J9QWER1200019ABC.html"], "http://x.cn/24/0904/09/JB7K6L5M00019ABC.html", True),
        (["http://x.cn/n1/2024/0903/c1004-313.html", "http://x.cn/n2/2024/0902/c1001-5.html",
          "http://x.cn/n1/2024/0901/c1004-40417.html"], "http://x.cn/n1/2024/0904/c1002-88.html", True),
        (["http://x.cn/news/t20240903_123.html", "http://x.cn/news/t20240902_7.html", "http://x.cn/news/t20240830_45.html"],
         "http://x.cn/news/t20240904_8.html", True),
        (["http://x.cn/news/show?id=1", "http://x.cn/news/show?id=22", "http://x.cn/news/show?id=333"],
         "http://x.cn/news/show?id=4444", True),
        # must not: another folder or word, another host, a nav page, a date of another form
        (["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/22.html", "http://x.cn/a/20240901/333.html"],
         "http://x.cn/b/20240903/1.html", False),
        (["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/22.html", "http://x.cn/a/20240901/333.html"],
         "http://y.x.cn/a/20240903/1.html", False),
        (["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/22.html", "http://x.cn/a/20240901/333.html"],
         "http://x.cn/a/index.html", False),
        (["http://x.cn/2024/0903/123.html", "http://x.cn/2024/0902/7.html", "http://x.cn/2024/0830/45678.html"],
         "http://x.cn/2024/09/03/123.html", False),
        (["http://x.cn/news/show?id=1", "http://x.cn/news/show?id=22", "http://x.cn/news/show?id=333"],
         "http://x.cn/news/list?page=2", False),
        # must not: fewer links than MIN_SHAPE_LINKS share the shape (two may by chance)
        (["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/22.html", "http://x.cn/about/contact.html"],
         "http://x.cn/a/20240905/4444.html", False),
    ],
)  # fmt: skip
def test_a_url_of_a_learned_shape_is_an_article(listed: list[str], url: str, article: bool) -> None:
    assert learned(*listed).matches(url) is article


def test_shapes_add_up_over_listings_and_nothing_is_learned_from_nothing() -> None:
    shapes = UrlShapes()
    assert not shapes and not shapes.matches("http://x.cn/a/1.html")
    shapes.learn(f"http://x.cn/a/2024090{n}/{n}.html" for n in range(1, 1 + MIN_SHAPE_LINKS))
    shapes.learn(f"http://x.cn/news/show?id={n}" for n in range(1, 1 + MIN_SHAPE_LINKS))
    assert shapes.matches("http://x.cn/a/20241001/5.html") and shapes.matches("http://x.cn/news/show?id=9")
