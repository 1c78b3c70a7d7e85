"""Near-duplicate stories, found while an index is written: each article gets the id of its story's cluster.

The outlets of a news archive carry syndicated and lightly rewritten copies of one text under several URLs.
An article's signature is a MinHash (datasketch) of its body's three-word shingles; two articles whose
estimated Jaccard similarity reaches SIMILARITY are copies of one text. On click-id, pairs at 0.5 and above
are copies or rewrites sharing most paragraphs, while two different articles on one event stay below about
0.3 (bench/bench_duplicates.py lists the clusters to read).

Candidates are found by locality-sensitive hashing: the signature is cut into BANDS bands of ROWS values, and
articles sharing a band's hash are compared. The band keys are indexed with the article (the `near_keys`
field), so an update finds an earlier copy in the index by a term lookup and the new article joins its
cluster; within one run, the keys of the articles written so far are kept in memory. A cluster's id is the
id of the first article written in it. Bodies too short to tell copies from templates ("Baca juga", a photo
caption) get no signature and a cluster of their own.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from datasketch import MinHash

SHINGLE_WORDS = 3
MIN_WORDS = 40  # shorter bodies are mostly captions and templates that many unrelated articles share
SIMILARITY = 0.5  # the estimated Jaccard similarity of shingles from which two bodies are one text
ROWS = 3  # signature values per band: a pair at 0.5 shares a band with probability 1 - (1 - 0.5**3) ** 40
BANDS = 40
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
    """One short term per band: the band's number and a hash of its values ("07c1f3a9e2")."""
    values = minhash.hashvalues
    bands = (values[band * ROWS : (band + 1) * ROWS].tobytes() for band in range(BANDS))
    return [
        f"{band:02d}{hashlib.blake2b(data, digest_size=4).hexdigest()}" for band, data in enumerate(bands)
    ]


@dataclass(frozen=True)
class Indexed:
    """An article already in the index that shares a band key with a new one."""

    cluster: str
    body: str


# The articles already in the index that have any of the given band keys.
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
        """(cluster, signature) of the earlier articles sharing a band key; an article being replaced meets
        its own earlier version, and so keeps its cluster."""
        seen: set[int] = set()
        for key in keys:
            for cluster, candidate in self._by_key.get(key, ()):
                if id(candidate) not in seen:
                    seen.add(id(candidate))
                    yield cluster, candidate
        if self._indexed is not None:
            for found in self._indexed(keys):
                indexed_signature = signature(found.body)
                if indexed_signature is not None:
                    yield found.cluster, indexed_signature
