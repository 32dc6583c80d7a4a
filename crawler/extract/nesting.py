"""Where a page's elements would stand had its author written every end tag: libxml2 nests an element whose
end tag is missing around everything after it, where a browser ends it at the next item. The stages that count
items or paragraphs read a page's tree through these when the tree as parsed holds none (`mainlist`, `body`).

Pure functions over a parsed page.
"""

from __future__ import annotations

from collections.abc import Iterator

from crawler.extract.dom import INLINE_MARKUP, Element


def ancestors(element: Element, unnest: bool) -> Iterator[Element]:
    """The ancestors of `element`, innermost first; `unnest`: as if the end tags of a list's items were where
    their author meant them, as a browser reads them. The parser (libxml2) nests an item in the one before
    where that one's end tag is missing: an element of the tag and class of its parent and its last element
    (`<div class="item">...<div class="item">...`) is its sibling; so is a list item, a term or a row in the
    one before when only inline markup stands between them (`<li><a>标题</a><span>09-03<li>...`: a browser's
    `<li>` ends the `<li>` open, and its `<span>`).

    >>> from parsel import Selector
    >>> page = Selector(text='<ul><div class="i"><a>1</a><div class="i"><a>2</a></ul>').root
    >>> link = page.xpath("//a")[1]
    >>> [e.tag for e in ancestors(link, False)][:4], [e.tag for e in ancestors(link, True)][:3]
    (['div', 'div', 'ul', 'body'], ['div', 'ul', 'body'])
    >>> link = Selector(text='<ul><li><a>1</a><span>09-03<li><a>2</a></ul>').root.xpath("//a")[1]
    >>> [e.tag for e in ancestors(link, False)][:4], [e.tag for e in ancestors(link, True)][:3]
    (['li', 'span', 'li', 'ul'], ['li', 'ul', 'body'])
    """
    if not unnest:
        yield from element.iterancestors()
        return
    node, parent = element, element.getparent()
    while parent is not None:
        while parent is not None and (outer := item_before(node, parent)) is not None:
            node, parent = outer, outer.getparent()
        if parent is None:
            return
        yield parent
        node, parent = parent, parent.getparent()


# The items a list item, a term or a row ends, and what else it ends on its way to them besides inline markup.
_ENDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset()),
    "dt": (frozenset({"dt", "dd"}), frozenset()),
    "dd": (frozenset({"dt", "dd"}), frozenset()),
    "tr": (frozenset({"tr"}), frozenset({"td", "th"})),
}
_INLINE = INLINE_MARKUP | {"a"}


def item_before(node: Element, parent: Element) -> Element | None:
    """The item `node` (under `parent`) was nested in for want of its end tag (see `ancestors`), else None."""
    if parent.tag == node.tag and parent.get("class") == node.get("class") and last_element(parent) is node:
        return parent
    if (ends := _ENDS.get(node.tag)) is not None:
        items, through = ends
        while parent is not None and parent.tag not in items and (parent.tag in _INLINE or parent.tag in through):
            parent = parent.getparent()
        if parent is not None and parent.tag in items:
            return parent
    return None


def last_element(element: Element) -> Element | None:
    """The last child of `element` that is an element (not a comment), or None."""
    return next((child for child in reversed(element) if isinstance(child.tag, str)), None)
