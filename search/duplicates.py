"""Near-duplicate stories, found while an index is written: each article gets the id of its story's cluster.

The outlets of a news archive carry syndicated and lightly rewritten copies of one text under several URLs.
An article's signature is a MinHash (datasketch) of its body's three-word shingles; two articles whose
estimated Jaccard similarity reaches SIMILARITY are copies of one text. On click-id, pairs at 0.5 and above
are copies or rewrites sharing most paragraphs, while two different articles on one event stay below about
0.3 (bench/bench_duplicates.py lists the clusters to read).

Candidates are found by locality-sensitive hashing: the signature is cut into BANDS bands of ROWS values, each
band hashed to a short key, and articles sharing at least SHARED_KEYS keys are compared. The keys are indexed
with the article (the `near_keys` field), so an update finds an earlier copy in the index by a term lookup
and the new article joins its cluster; within one run, the keys of the articles written so far are kept in
memory, and the same rule applies. A key is the band's number and 12 bits of its hash: 32-bit keys made
nearly every key a term of its own (896,043 terms, 164 MB of the click-id Whoosh index); 12 bits cap the
terms at BANDS * 4096, and the random articles sharing two 12-bit keys with a new one are about one in 20,000.
A cluster's id is the id of the first article written in it. Bodies too short to tell copies from templates
("Baca juga", a photo caption) get no signature and a cluster of their own.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from datasketch import MinHash

SHINGLE_WORDS = 3
MIN_WORDS = 40  # shorter bodies are mostly captions and templates that many unrelated articles share
SIMILARITY = 0.5  # the estimated Jaccard similarity of shingles from which two bodies are one text
ROWS = 3  # signature values per band: a pair at similarity 0.5 shares a band's values with probability 1/8
BANDS = 40
SHARED_KEYS = 2  # a pair at 0.5 shares two of the 40 bands or more with probability 0.968, at 0.6 with 0.998
KEY_HEX_DIGITS = 3
PERMUTATIONS = ROWS * BANDS

_WORD = re.compile(r"\w+")
# Drawn once: datasketch draws the permutations anew for every MinHash, which costs more than hashing a body.
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=PERMUTATIONS, scheme=_SCHEME).permutations


def signature(body: str) -> MinHash | None:
    """The MinHash of the body's word shingles (lowercased), or None for a body under MIN_WORDS words.
    Shingles are hashed with CRC-32 (a C call, with the 32 bits MinHash expects) rather than datasketch's
    default SHA-1, which took half the time of a signature."""
    words = _WORD.findall(body.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {
        " ".join(words[at : at + SHINGLE_WORDS]).encode() for at in range(len(words) - SHINGLE_WORDS + 1)
    }
    minhash = MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32, permutations=_PERMUTATIONS, scheme=_SCHEME)
    minhash.update_batch(list(shingles))
    return minhash


def band_keys(minhash: MinHash) -> list[str]:
    """One short term per band: the band's number and 12 bits of a hash of its values ("07c1f")."""
    values = minhash.hashvalues
    bands = (values[band * ROWS : (band + 1) * ROWS].tobytes() for band in range(BANDS))
    return [
        f"{number:02d}{hashlib.blake2b(band, digest_size=2).hexdigest()[:KEY_HEX_DIGITS]}"
        for number, band in enumerate(bands)
    ]


@dataclass(frozen=True)
class Indexed:
    """An article already in the index that shares a band key with a new one."""

    cluster: str
    body: str


# The articles already in the index that have at least SHARED_KEYS of the given band keys.
IndexedLookup = Callable[[list[str]], Iterable[Indexed]]


@dataclass(frozen=True)
class Story:
    """What the index stores about an article's story: its cluster and its band keys."""

    cluster: str
    near_keys: list[str]


class StoryClusters:
    """Assigns each article of a build or update, in writing order, to the cluster of its most similar
    earlier copy (written in this run, or found in the index through `indexed`), else to a new cluster."""

    def __init__(self, indexed: IndexedLookup | None = None) -> None:
        self._indexed = indexed
        self._by_key: defaultdict[str, list[tuple[str, MinHash]]] = defaultdict(list)  # key -> (cluster, sig)

    def assign(self, article_id: str, body: str) -> Story:
        minhash = signature(body)
        if minhash is None:
            return Story(cluster=article_id, near_keys=[])
        keys = band_keys(minhash)
        best, cluster = SIMILARITY, article_id
        for candidate_cluster, candidate in self._candidates(keys):
            similarity = minhash.jaccard(candidate)
            if similarity >= best:
                best, cluster = similarity, candidate_cluster
        for key in keys:
            self._by_key[key].append((cluster, minhash))
        return Story(cluster=cluster, near_keys=keys)

    def _candidates(self, keys: list[str]) -> Iterable[tuple[str, MinHash]]:
        """(cluster, signature) of the earlier articles sharing SHARED_KEYS band keys or more; an article
        being replaced meets its own earlier version, and so keeps its cluster."""
        shared: Counter[int] = Counter()
        earlier: dict[int, tuple[str, MinHash]] = {}
        for key in keys:
            for cluster, candidate in self._by_key.get(key, ()):
                shared[id(candidate)] += 1
                earlier[id(candidate)] = (cluster, candidate)
        yield from (earlier[found] for found, count in shared.items() if count >= SHARED_KEYS)
        if self._indexed is not None:
            for found in self._indexed(keys):
                indexed_signature = signature(found.body)
                if indexed_signature is not None:
                    yield found.cluster, indexed_signature
