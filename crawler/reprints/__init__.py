"""Reprint detection: when two article bodies are one story, and how a copy finds its story.

The method, in the order a body meets it (README, "Reprints", for the measurements behind it):

1. **Fingerprint** (`fingerprint`): the body's width is folded (NFKC: full-width digits, letters and
   punctuation become ASCII), a leading news-agency dateline (`中新网9月3日电`, spaced or not) is cut, and
   the rest is reduced to letters, digits and CJK ideographs (spacing, punctuation and paragraph breaks
   drift freely between copies) and cut into *shingles*, every run of 4 characters. An exact hash of the
   reduced body, and the figures it states, come with them: spacing and width change none of them.
2. **Candidates** (`index`): MinHash-LSH, 64 min-hashes of the shingle set cut into 16 bands of 4, each
   band hashed to one 64-bit key. Two bodies whose shingle sets overlap by half or more share a band with
   a probability over 0.98 (`1 - (1 - J**4) ** 16`), unrelated bodies almost never. The head of a body
   (its first 64 shingles) gets 8 keys more the same way: a copy cut short after its first paragraphs,
   whose whole set overlaps the story's by little more than half (0.93 to share a band), has the same
   head (one such copy was missed in a 20,000-story crawl). A body stating 3 figures or more gets a key of
   its figures: a templated report whose wording's keys are full in the index is still found. Stored articles keep
   their band keys in the database; the articles this crawl accepted but has not committed yet are held
   in memory (`PendingArticles`). Bodies under 40 shingles get no keys: they match only when equal.
3. **Verification** (`matching`): a candidate is the same story when its body is equal, or when the
   smaller body's shingles are at least `Matching.threshold` contained in the other's (so a copy missing
   its last paragraph still matches), it keeps at least half the other's length, and every figure it
   states is stated by the other (two market-close reports that differ in one number stay apart).
   Of the copies of one story, the first stored is canonical unless a later one is clearly its origin
   (`is_origin`).

`benchmarks/reprints.py compare` measured the alternatives on 15,000 generated pages with reprint
drift: paragraph keys miss copies whose paragraph breaks moved; SimHash with banded lookup
(4 x 16 bits) misses copies missing a paragraph.

Who calls it: `pipelines.dedupe` matches an item against this crawl's pending articles;
`crawler.batchwrite` matches each batch against the stored articles inside its transaction.
"""
