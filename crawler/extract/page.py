"""A fetched article page as the spider reads it: its tree (the charset repaired), its identity URL and its
Article item. One home for both readers of a page: the crawl (`crawler.spiders.portal`) and
`finnews reextract` (`crawler.reextract`), which reads kept pages with no network."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from crawler import profiles
from crawler.extract.article import RawArticle, extract_article
from crawler.extract.charset import decode_html, disguised_utf8
from crawler.extract.dom import INLINE_MARKUP, NOT_XML, Element
from crawler.extract.kind import is_gone
from crawler.extract.links import site_links
from crawler.extract.pagefacts import document_base, page_hrefs
from crawler.extract.pagination import first_part, later_part, next_part, next_part_urls
from crawler.extract.urls import canonical_url, same_site
from crawler.items import Article

#: What `page_selector` may do to a page: re-decode its text (its declared charset was wrong), read bad bytes as
#: U+FFFD, build its tree again with its deepest elements side by side (`parse_html`: nested too deep).
REPAIRED, BAD_BYTES, FLATTENED = "repaired", "bad_bytes", "flattened"


def page_selector(response: TextResponse) -> tuple[Selector, tuple[str, ...], str]:
    """The page's selector (`parse_html`, not Scrapy's `response.selector`), re-decoded when its declared
    charset was wrong; bad bytes in a page of a right charset are U+FFFD where they are. Also what was done
    (of REPAIRED, BAD_BYTES, FLATTENED) and the encoding."""
    if "\ufffd" not in response.text and (response.encoding == "utf-8" or not disguised_utf8(response.body)):
        text, encoding, done = response.text, response.encoding, []
        root, flattened = parse_html(text, _utf8_body(response))
    else:
        text, encoding, repaired = decode_html(
            response.body, (response.headers.get("Content-Type") or b"").decode("latin-1")
        )
        done = [REPAIRED] if repaired else [BAD_BYTES] if "\ufffd" in text else []
        root, flattened = parse_html(text)
    return Selector(root=root, type="html"), (*done, *[FLATTENED] * flattened), encoding


def fetched_selector(
    response_class: type[TextResponse], url: str, body: bytes, content_type: bytes | None
) -> tuple[Selector, tuple[str, ...], str]:
    """`page_selector` of a page's bytes as fetched, in a worker process: the response built again as Scrapy built it
    (same class, Content-Type and body, so the same encoding)."""
    response = response_class(url, body=body, headers={"Content-Type": content_type} if content_type else {})
    return page_selector(response)


def _utf8_body(response: TextResponse) -> bytes | None:
    """The page's bytes when they are its text in UTF-8 (a text without U+FFFD decoded from UTF-8 bytes without a
    byte-order mark, which the text leaves out): what `html_selector` parses as they are, as `finnews extract` does."""
    body = response.body
    return body if response.encoding == "utf-8" and not body.startswith(codecs.BOM_UTF8) else None


def html_selector(text: str, utf8: bytes | None = None) -> Selector:
    """The parsed page of `text` (`parse_html`) as a selector."""
    return Selector(root=parse_html(text, utf8)[0], type="html")


def parse_html(text: str, utf8: bytes | None = None) -> tuple[Element, bool]:
    """The root of the parsed page of `text`, whole, and whether it was nested too deep (then built again, flat
    below MAX_DEPTH: `_FlatBuilder`).

    Whole: a `</html>` or `</body>` before the page's end (a header include that closes the document, the
    article after it) ends nothing: after it and a comment, libxml2 puts the rest of the page in a second root
    element, outside the `<body>` every stage reads. And a page nested deeper than libxml2 builds (2,048
    elements: unclosed `<font>`s of a pasted document, a hostile page) is not cut there: libxml2 stops at that
    depth and drops the rest of the page; such a page is parsed again into a tree built here, whose elements
    below MAX_DEPTH stand side by side, in page order (as a browser builds it).
    `utf8`: `text` in UTF-8, when the caller has it (a page's bytes that decoded as UTF-8 without a bad
    byte): parsed as they are when nothing is to be cut from them, a tenth of the parse's time spared.

    >>> page = "<p>页头</p></html><!-- 页头完 -->" + "<p>正文</p>" * 200
    >>> Selector(text=page).xpath("count(//body//p)").get(), html_selector(page).xpath("count(//body//p)").get()
    ('1.0', '201.0')
    >>> html_selector(page.replace("</html>", "</BODY >")).xpath("count(//body//p)").get()
    '201.0'
    >>> html_selector(" <p>正文</p>", " <p>正文</p>".encode()).get() == html_selector("<p>正文</p>").get()
    True
    >>> html_selector("<p>央行<!-- 广告位 -->开展逆回购</p>").xpath("//p/text()").getall()  # comments left out
    ['央行开展逆回购']
    >>> root, flattened = parse_html("<body>" + "<font>" * 3000 + "<p>正文</p>" + "</font>" * 3000 + "<p>文末</p>")
    >>> flattened, root.xpath("string(//body)"), max(len(list(e.iterancestors())) + 1 for e in root.iter())
    (True, '正文文末', 257)
    >>> root, _ = parse_html("<body>" + "<div>" * 3000 + "<p>正文</p>" + "</div>" * 3000 + "<p>文末</p>")
    >>> root.xpath("string(//body)"), max(len(list(e.iterancestors())) + 1 for e in root.iter())
    ('正文文末', 512)
    """
    root, flattened = _parse(text, utf8)
    if _outside_body(root) and _early_end(text):  # the tree's test first: the text's costs a twentieth of a parse
        root, flattened = _parse(_DOCUMENT_END.sub("", text))
    return root, flattened


def _outside_body(root: Element) -> bool:
    """Whether the parsed page holds an element after its `<body>` or after its root (where libxml2 puts what
    follows a `</body>` or `</html>` and a comment)."""
    body = root.find("body")
    return any(isinstance(after.tag, str) for top in (root, body) if top is not None for after in top.itersiblings())


def _parse(text: str, utf8: bytes | None = None) -> tuple[Element, bool]:
    """`parse_html` of a page's text as it is."""
    if utf8 is None or text[:1].isspace() or text[-1:].isspace() or b"\x00" in utf8:
        utf8 = text.strip().replace("\x00", "").encode()
    # Parsed as parsel parses `Selector(text=..., type="html")`, but into plain lxml.etree elements: the
    # element classes of lxml.html run Python code for every element proxy made (about a tenth of an
    # extraction's time on real pages), and no stage needs their methods. And without comments, which no stage
    # reads and every walk over the page steps over (a text around one is one text node: as a browser shows it).
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, remove_comments=True)
    root = etree.fromstring(utf8 or b"<html/>", parser)
    if any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):  # it stopped there
        builder = _FlatBuilder()
        flat = etree.fromstring(utf8, etree.HTMLParser(recover=True, encoding="utf-8", target=builder))
        if flat is not None:
            return flat, True
    return (etree.fromstring(b"<html/>", parser) if root is None else root), False


#: How deep `_FlatBuilder` nests elements: Chromium's HTML parser's limit (its elements below it stand side by side).
MAX_DEPTH = 512
#: ... and from what depth it leaves out the elements of inline markup (`dom.INLINE_MARKUP`), keeping their text:
#: the unclosed `<font>`s of a pasted document, which make most such pages, then take no room from the article's
#: own elements below them.
WRAPPERS_DEPTH = MAX_DEPTH // 2


class _FlatBuilder:
    """An lxml parser target that builds the page's tree with no element deeper than MAX_DEPTH: from
    WRAPPERS_DEPTH, inline markup's elements are left out (their text kept); below MAX_DEPTH, each element takes
    the place of the one before, as its next sibling. Its text stays in page order; comments and processing
    instructions are left out; names and text that an lxml tree cannot hold are left out (an attribute), made a
    `<span>` (an element: `<o:p>` of a pasted document) or cleaned (control characters)."""

    def __init__(self) -> None:
        self.root: Element | None = None
        self.open: list[Element | None] = []  # the elements the parser has open, outermost first (None: left out)
        self.nested: list[Element] = []  # ... as built: MAX_DEPTH at most
        self.last: Element | None = None  # where text goes: its text (it was just opened) or its tail
        self.tail = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if len(self.nested) >= WRAPPERS_DEPTH and tag in INLINE_MARKUP:
            self.open.append(None)
            return
        element = etree.Element(tag if _valid_name(tag) else "span")
        for name, value in attributes.items():
            if _valid_name(name):
                element.set(name, NOT_XML.sub("", value))
        if self.root is None:
            self.root = element
            self.nested.append(element)
        elif len(self.nested) >= MAX_DEPTH:
            self.nested[-2].append(element)  # beside the deepest
            self.nested[-1] = element
        else:
            (self.nested[-1] if self.nested else self.root).append(element)  # a second root: the root's
            self.nested.append(element)
        self.open.append(element)
        self.last, self.tail = element, False

    def end(self, tag: str) -> None:
        element = self.open.pop()
        if element is None:
            return
        if self.nested and self.nested[-1] is element:
            self.nested.pop()
        self.last, self.tail = element, True

    def data(self, text: str) -> None:
        if self.last is None:
            return
        text = NOT_XML.sub("", text)
        if self.tail:
            self.last.tail = (self.last.tail or "") + text
        else:
            self.last.text = (self.last.text or "") + text

    def close(self) -> Element | None:
        return self.root


@lru_cache(maxsize=1024)
def _valid_name(name: str) -> bool:
    """Whether lxml takes `name` as an element's or an attribute's name."""
    try:
        etree.Element(name).set(name, "")
    except ValueError:
        return False
    return True


# The end tags of a document: "</html>", "</BODY >".
_DOCUMENT_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
#: How much of a page may follow its `</html>` (comments, a counter script) before it is an early one.
_AFTER_END_CHARS = 1000


def _early_end(text: str) -> bool:
    """Whether a `</html>` or `</body>` comes more than _AFTER_END_CHARS characters before the text's end."""
    found = _DOCUMENT_END.search(text, 0, max(0, len(text) - _AFTER_END_CHARS))
    return found is not None


def page_url(fetched: str, declared: str | None, profile: profiles.Profile) -> str:
    """What identifies an article page: its `<link rel=canonical>` when that is an article URL of the
    same site (CMSs that point every page's canonical at the home page exist), else the URL it was
    fetched from (after redirects); both in canonical form, on the profile's host (not on a mobile
    variant a redirect led to)."""
    if declared and same_site(declared, fetched):
        canonical = canonical_url(declared, profile.host)
        if profile.is_article(canonical):
            return canonical
    return canonical_url(fetched, profile.host)


def read_article(
    selector: Selector,
    response_url: str,
    profile: profiles.Profile,
    listing_date: str | None,
    crawled_at: datetime,
    first: str | None = None,
) -> tuple[RawArticle, Article]:
    """The page's raw extraction and its Article item (raw values, before `crawler.normalize`), with the URL of
    the article's next part where it is paginated (`raw.next_part`; `first`: the URL of its first part, when
    this page is read as a later one) or, for a page read as an article that is a later part of one, the URL of
    the first part (`raw.first_part`)."""
    raw = extract_article(selector, response_url, profile.fields)
    raw.next_part = _next_part(selector, response_url, first or response_url, profile.host)
    if first is None and (later := later_part(response_url)) is not None:  # most pages: their URL names none
        raw.first_part = first_part(site_links(selector, response_url, profile.host), *later)
    url = page_url(response_url, raw.canonical_url, profile)
    article = raw.to_article(url, profile.name, profile.site_name, crawled_at)
    article.listing_date_raw = listing_date
    return raw, article


def _next_part(selector: Selector, url: str, first: str, host: str) -> str | None:
    """`pagination.next_part` of the page, its links resolved only where an href may name that part (most
    article pages have no parts: their hrefs are tested as one string)."""
    if url == first:
        number = 2
    elif (following := next_part_urls(url, first)) is not None:
        number = following[0] + 1
    else:
        return None
    mark = _part_mark(number)
    if not mark.search("\0".join(page_hrefs(selector))):
        return None
    anchors = [a for a in selector.root.iter("a") if mark.search(a.get("href", ""))]
    return next_part(site_links(selector, url, host, anchors=anchors), url, first)


@lru_cache(maxsize=64)
def _part_mark(number: int) -> re.Pattern[str]:
    """What an href naming part `number` holds, in every form of `pagination.part_url`: "_2.", "-2.", "=2" (not
    "=20240903"), "/2/"."""
    return re.compile(f"[_-]{number}\\.|={number}(?![0-9])|/{number}/")


def add_part(article: Article, part: RawArticle) -> None:
    """Append the text and images of a later part of a paginated article to it."""
    if part.paragraphs:
        article.body = "\n".join(filter(None, (article.body, *part.paragraphs)))
    article.images += [image for image in part.images if image not in article.images]


@dataclass(frozen=True)
class ArticleReading:
    """What the spider needs of an article page read in a worker process (`read_fetched_article`)."""

    article: Article
    failed: list[str]  # RawArticle.failed
    counter_url: str | None
    repairs: tuple[str, ...]  # what `page_selector` did
    encoding: str
    hrefs: tuple[str, ...]  # `pagefacts.page_hrefs`
    base: str  # what they resolve against: `pagefacts.document_base`
    next_part: str | None  # RawArticle.next_part
    first_part: str | None  # RawArticle.first_part
    gone: bool  # the portal's "not found" page (`kind.is_gone`): no article


def read_fetched_article(
    response_class: type[TextResponse],
    url: str,
    body: bytes,
    content_type: bytes | None,
    profile: profiles.Profile,
    listing_date: str | None,
    crawled_at: datetime,
) -> ArticleReading:
    """`read_article` over a page's bytes as fetched (`fetched_selector`): what an extraction worker process runs
    (its arguments and result pickle)."""
    selector, repairs, encoding = fetched_selector(response_class, url, body, content_type)
    raw, article = read_article(selector, url, profile, listing_date, crawled_at)
    hrefs, base = page_hrefs(selector), document_base(selector, url)
    return ArticleReading(
        article,
        raw.failed,
        raw.counter_url,
        repairs,
        encoding,
        hrefs,
        base,
        raw.next_part,
        raw.first_part,
        is_gone(selector),
    )
