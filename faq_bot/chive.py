"""chiVe word vectors (20,000 x 300) read straight from the installed ``ja-ginza`` wheel.

The wheel is installed with ``pip install --no-deps ja-ginza`` (no spaCy): its
``vocab/vectors`` is a NumPy array and ``vocab/key2row`` a msgpack map from spaCy's 64-bit
string hash (MurmurHash64A, seed 1, over UTF-8) to a row. Licence: chiVe (Apache-2.0) via
GiNZA (MIT). Without the wheel, retrieval simply runs without the vector parts.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import msgpack
import numpy as np

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1
_lock = threading.Lock()


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """spaCy's ``hash_string`` (MurmurHash64A), so words find their vector rows."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    whole = n // 8
    for i in range(whole):
        k = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    rest = data[whole * 8:]
    if rest:
        h = ((h ^ int.from_bytes(rest, "little")) * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


def vocab_dir() -> Path | None:
    """The wheel's ``vocab`` folder, or None when ja-ginza is not installed."""
    spec = importlib.util.find_spec("ja_ginza")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for d in sorted(Path(base).glob("ja_ginza-*/vocab")):
            if (d / "vectors").exists() and (d / "key2row").exists():
                return d
    return None


class WordVectors:
    """Unit-length word vectors looked up by surface or normalised form."""

    def __init__(self, folder: Path) -> None:
        raw = np.load(folder / "vectors", allow_pickle=False).astype(np.float32)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        self.unit = raw / np.maximum(norms, 1e-9)
        self.key2row: dict[int, int] = msgpack.unpackb((folder / "key2row").read_bytes(), strict_map_key=False)
        self.dim = raw.shape[1]
        self._rows: dict[str, int] = {}

    def row(self, word: str) -> int:
        """Vector row of ``word``, or -1 (hashes are remembered: the corpus vocabulary is small)."""
        r = self._rows.get(word)
        if r is None:
            r = self._rows[word] = int(self.key2row.get(murmurhash64a(word.encode("utf-8")), -1))
        return r


_cached: list[WordVectors | None] = []


def load() -> WordVectors | None:
    """The shared vectors (loaded once per process; ~0.5 s), or None without the wheel."""
    with _lock:
        if not _cached:
            folder = vocab_dir()
            _cached.append(WordVectors(folder) if folder else None)
        return _cached[0]
