"""Pure normalisers, one module per field: raw strings found on portal pages in, the clean values of
`docs/contract.md` out.

- `characters`: full-width folding, whitespace, HTML entities (shared by all the others)
- `dates`: publication times (full, relative, year-less) and the date in an article URL
- `views`: read counts
- `outlets`: the 来源 field and the canonical outlet names of `outlets.toml`
- `people`: author and editor names
- `titles`: headlines without their site-name suffix, learnt per site
- `body`: the article text without page furniture

Every public function accepts anything (None, garbage, non-strings) and returns the clean value or None;
none of them raises. They are cheap: a whole item (title, date, source, author, views and a
2,000-character body) normalises in well under a millisecond. The regexes live in `patterns`, each with
an example of what it matches; the words they are built from live in `crawler.vocabulary`.

Nothing here imports Scrapy; `pipelines.normalize.NormalizePipeline` calls these functions field by field.
"""

from __future__ import annotations

from crawler.normalize.body import clean_body, collapse_repeat, is_boilerplate
from crawler.normalize.characters import fold_width, normalize_space, repair_entities
from crawler.normalize.dates import date_from_url, dates_disagree, parse_published_at
from crawler.normalize.outlets import canonical_source, clean_source, load_source_aliases
from crawler.normalize.people import clean_person, find_editor, split_people
from crawler.normalize.titles import TitleSuffixLearner, clean_title, common_title_suffix
from crawler.normalize.views import parse_views

__all__ = [
    "TitleSuffixLearner",
    "canonical_source",
    "clean_body",
    "clean_person",
    "clean_source",
    "clean_title",
    "collapse_repeat",
    "common_title_suffix",
    "date_from_url",
    "dates_disagree",
    "find_editor",
    "fold_width",
    "is_boilerplate",
    "load_source_aliases",
    "normalize_space",
    "parse_published_at",
    "parse_views",
    "repair_entities",
    "split_people",
]
