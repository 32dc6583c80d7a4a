"""The scoring of benchmarks/extractors.py (needs neither trafilatura nor GNE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.extractors import (
    Page,
    bounded_f1,
    char_f1,
    labelled_span,
    run_extractor,
    same_text,
    same_time,
    score_page,
    summarize,
)


@pytest.mark.parametrize(
    ("got", "expected", "f1"),
    [
        ("财经新闻", "财经新闻", 1.0),
        ("财经 新闻\n", "财经新闻", 1.0),  # whitespace and paragraph breaks do not count
        ("闻新经财", "财经新闻", 1.0),  # a multiset: order does not count
        ("财经", "财经新闻", 2 / 3),  # precision 1, recall 1/2
        ("财经新闻财经新闻", "财经新闻", 2 / 3),  # a body pasted twice: precision 1/2, recall 1
        ("财财", "财经", 0.5),  # repeats count once each: 1 common of 2 and 2
        ("股市", "财经", 0.0),
        ("", "财经", 0.0),
        (None, "财经", 0.0),
        ("财经", None, 0.0),
        (None, "", 1.0),  # the page has no body and none was found
    ],
)
def test_char_f1(got: str | None, expected: str | None, f1: float) -> None:
    assert char_f1(got, expected) == pytest.approx(f1)


@pytest.mark.parametrize(
    ("got", "expected", "day", "minute"),
    [
        ("2024-09-03T11:54:03+08:00", "2024-09-03T11:54:00+08:00", True, True),  # seconds do not count
        ("2024-09-03 11:54", "2024-09-03T11:54:00+08:00", True, True),  # naive: Beijing time
        ("2024-09-03T03:54:00Z", "2024-09-03T11:54:00+08:00", True, True),  # UTC, converted
        ("2024-09-02T20:30:00+00:00", "2024-09-03T04:30:00+08:00", True, True),  # another day in UTC
        ("2024-09-02T20:30:00", "2024-09-03T04:30:00+08:00", False, False),  # naive is not UTC
        ("2024年9月3日 11:54", "2024-09-03T11:54:00+08:00", True, True),
        ("2024/09/03 11时54分", "2024-09-03T11:54:00+08:00", True, True),
        ("2024-09-03", "2024-09-03T11:54:00+08:00", True, False),  # a day only
        ("2024-09-03T11:55:00+08:00", "2024-09-03T11:54:00+08:00", True, False),
        ("2024-09-04T11:54:00+08:00", "2024-09-03T11:54:00+08:00", False, False),
        ("昨天", "2024-09-03T11:54:00+08:00", False, False),  # unparsable: wrong, not a crash
        (None, "2024-09-03T11:54:00+08:00", False, False),
        ("", None, True, True),  # the page has no date and none was found
        ("2024-09-03 11:54", None, False, False),
    ],
)
def test_same_time(got: str | None, expected: str | None, day: bool, minute: bool) -> None:
    assert (same_time(got, expected, "day"), same_time(got, expected, "minute")) == (day, minute)


SPAN = "央行开展逆回购中标利率持平"  # a labelled body as its page shows it: letters, digits and CJK only


@pytest.mark.parametrize(
    ("got", "chars", "f1"),
    [
        ("央行开展逆回购。\n中标利率持平。", 13, 1.0),  # punctuation and line breaks do not count
        ("央行开展逆回购。", 13, 2 * 7 / 20),  # the last sentence missed: precision 1, recall 7/13
        ("导航首页\n央行开展逆回购。\n中标利率持平。", 13, 2 * (13 / 17) / (1 + 13 / 17)),  # a nav line: P 13/17
        ("央行开展逆回购中标利率持平央行开展逆回购中标利率持平", 13, 2 / 3),  # a second copy: precision 1/2
        ("中标利率持平", 9, 2 * (6 / 9) / (1 + 6 / 9)),  # the span holds 4 characters the label left out
        ("央行开展逆回购中标利率持平", 9, 2 * (9 / 13) / (1 + 9 / 13)),  # ... then all of it is right up to 9
        ("", 13, 0.0),
        (None, 13, 0.0),
    ],
)
def test_bounded_f1(got: str | None, chars: int, f1: float) -> None:
    assert bounded_f1(got, SPAN, chars) == pytest.approx(f1)


def test_labelled_span_is_the_visible_text_between_the_bounds_nearest_the_labelled_length() -> None:
    html = (
        "<html><head><title>央行开展逆回购</title></head><body><div>导航</div>"
        "<p class='summary'>央行开展逆回购，……</p><p>央行开展逆回购。</p><script>var a='中标';</script>"
        "<figure>图为会场</figure><p>中标利率持平。</p><p>责任编辑：张三</p></body></html>"
    ).encode()
    # the summary repeats the first sentence: the span from there is further from the labelled 13 letters
    assert labelled_span(html, "央行开展逆回购。", "中标利率持平。", 13) == "央行开展逆回购图为会场中标利率持平"
    assert labelled_span(html, "央行开展逆回购。", "利率下调。", 13) is None


def test_an_extractor_without_a_field_is_not_scored_on_it() -> None:
    assert score_page({"title": "标题", "body": "正文第一段"}, EXPECTED) == {
        "body F1": 1.0,
        "body>=0.9": 1.0,
        "title": 1.0,
    }
    assert score_page(None, EXPECTED)["author"] == 0.0  # an extractor that raised misses every field


def test_same_text_strips_only_surrounding_whitespace() -> None:
    assert same_text(" 张三\n", "张三")
    assert same_text("", None)
    assert not same_text("记者 张三", "张三")


EXPECTED = {"title": "标题", "published_at": "2024-09-03T11:54:00+08:00", "author": "张三", "body": "正文第一段"}


def page(name: str, **expected: object) -> Page:
    return Page(name, Path(f"/tmp/{name}.html"), b"<html></html>", None, {**EXPECTED, **expected})


def test_score_page_scores_only_the_expected_keys() -> None:
    got = {"title": "标题", "published_at": "2024-09-03 11:54", "author": None, "body": "正文第一段"}
    assert score_page(got, {"title": "标题", "author": None}) == {"title": 1.0, "author": 1.0}
    assert score_page(got, EXPECTED) == {
        "body F1": 1.0, "body>=0.9": 1.0, "day": 1.0, "minute": 1.0, "author": 0.0, "title": 1.0
    }  # fmt: skip


def test_a_crashing_extractor_misses_every_field_of_that_page_and_is_counted() -> None:
    pages = [page("good"), page("bad"), page("good2", author=None)]

    def extract(p: Page) -> dict[str, object]:
        if p.name == "bad":
            raise ValueError("no content")
        return dict(EXPECTED)

    run = run_extractor("boom", extract, pages, repeat=2)
    assert run.errors == [None, "ValueError: no content", None]
    assert run.outputs[1] is None
    assert len(run.seconds) == 3
    summary = summarize(run, pages)
    assert summary["errors"] == 1
    assert summary["title"] == pytest.approx(2 / 3)
    assert summary["body F1"] == pytest.approx(2 / 3)
    assert summary["author"] == pytest.approx(1 / 3)  # good2 has no author, the extractor found one
    assert summary["minute"] == pytest.approx(2 / 3)
