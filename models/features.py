"""Feature cache: encode each corpus's unique texts once per backbone hash."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from models.backbone import FEATURE_DIM, MAX_TOKENS, MID_LAYER, Backbone

log = logging.getLogger(__name__)

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "vigil-features"


class FeatureStore:
    """Maps text -> pooled features, backed by per-group .npy files."""

    def __init__(
        self,
        backbone: Backbone | None,
        cache_dir: Path = DEFAULT_CACHE,
        backbone_sha: str | None = None,
        variant: str = "",
    ) -> None:
        self.backbone = backbone
        sha = backbone_sha or (backbone.sha256 if backbone else "none")
        name = f"{sha[:16]}-L{MID_LAYER}-T{MAX_TOKENS}" + (f"-{variant}" if variant else "")
        self.dir = Path(cache_dir) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self._index: dict[str, int] = {}
        self._blocks: list[np.ndarray] = []
        self._size = 0

    def add(self, group: str, texts: Iterable[str]) -> None:
        """Make sure every text has features; ``group`` names the cache file."""
        uniq = sorted({t for t in texts if t not in self._index})
        if not uniq:
            return
        digest = hashlib.sha256("\x00".join(uniq).encode()).hexdigest()[:16]
        path = self.dir / f"{group}-{digest}.npy"
        if path.is_file():
            feats = np.load(path)
        else:
            if self.backbone is None:
                raise RuntimeError(f"no cached features at {path} and no backbone to encode")
            log.info("encoding %d texts for %s", len(uniq), group)
            feats = self.backbone.encode(uniq, progress=True)
            np.save(path.with_suffix(".tmp.npy"), feats)
            path.with_suffix(".tmp.npy").rename(path)
        assert feats.shape == (len(uniq), FEATURE_DIM)
        for i, t in enumerate(uniq):
            self._index[t] = self._size + i
        self._blocks.append(feats)
        self._size += len(uniq)

    def matrix(self) -> np.ndarray:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0]

    def get(self, texts: list[str]) -> np.ndarray:
        return self.matrix()[[self._index[t] for t in texts]]


def fill_store(store: FeatureStore, corpus) -> FeatureStore:
    """Encode (or load from cache) every text the corpus needs, one cache file per source."""
    by_group: dict[str, set[str]] = {}
    for ex in corpus.singles:
        by_group.setdefault(ex.source, set()).add(ex.text)
        if ex.parent:
            by_group[ex.source].add(ex.parent)
    for p in corpus.pairs:
        by_group.setdefault(f"pairs-{p.source}", set()).update((p.parent, p.text))
    for group in sorted(by_group, key=lambda g: len(by_group[g])):
        store.add(group, by_group[group])
    return store


def main() -> None:
    import argparse

    import torch

    from models.data.build import load_corpus
    from models.data.common import default_data_dir

    ap = argparse.ArgumentParser(description="Encode all corpora into the feature cache.")
    ap.add_argument("--data-dir", type=Path, default=default_data_dir())
    ap.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(2)
    fill_store(FeatureStore(Backbone(), args.cache_dir), load_corpus(args.data_dir))


if __name__ == "__main__":
    main()
