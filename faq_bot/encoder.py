"""Plug-in point for a local ONNX sentence encoder (a site that can bring its own weights).

``KYODO_FAQ_ENCODER=/path/model.onnx``: nothing is downloaded. The model takes ``input_ids``
(int64, [batch, tokens]) and, if it declares it, ``attention_mask``; its first output is either
sentence vectors [batch, dim] or token vectors [batch, tokens, dim] (mean-pooled here).
Token ids come from ``vocab.txt`` next to the model (one token per line, longest match first),
or else from the code points modulo the model's ``vocab_size`` metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort

from kyodo.core.errors import BusinessError

MAX_TOKENS = 256


class SentenceEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length sentence vectors, one row per text."""


class OnnxEncoder:
    """Sentence vectors from a local ONNX model, run with onnxruntime on the CPU."""

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        if not p.is_file():
            raise BusinessError(f"文の埋め込みモデル（ONNX）が見つかりません: {p}", hint="KYODO_FAQ_ENCODER にファイルの場所を指定してください。")
        try:
            self.session = ort.InferenceSession(str(p), providers=["CPUExecutionProvider"])
        except (RuntimeError, ValueError, OSError) as exc:  # onnxruntime's errors derive from RuntimeError
            raise BusinessError(f"ONNXモデルを読み込めません（{type(exc).__name__}）。", where=p.name) from None
        self.inputs = {i.name for i in self.session.get_inputs()}
        if "input_ids" not in self.inputs:
            raise BusinessError("ONNXモデルに入力 input_ids がありません。", where=p.name)
        meta = self.session.get_modelmeta().custom_metadata_map
        self.vocab_size = int(meta.get("vocab_size", "0") or 0)
        vocab_file = p.with_name("vocab.txt")
        self.vocab = {t: i for i, t in enumerate(vocab_file.read_text(encoding="utf-8").splitlines())} if vocab_file.exists() else {}
        if not self.vocab and self.vocab_size <= 0:
            raise BusinessError("ONNXモデルの横に vocab.txt がなく、メタデータ vocab_size もありません。", where=p.name)
        self._longest = max(map(len, self.vocab), default=1)

    def _ids(self, text: str) -> list[int]:
        if not self.vocab:
            return [ord(c) % self.vocab_size for c in text[:MAX_TOKENS]] or [0]
        ids: list[int] = []
        i = 0
        unk = self.vocab.get("[UNK]", 0)
        while i < len(text) and len(ids) < MAX_TOKENS:
            for n in range(min(self._longest, len(text) - i), 0, -1):
                if text[i:i + n] in self.vocab:
                    ids.append(self.vocab[text[i:i + n]])
                    i += n
                    break
            else:
                ids.append(unk)
                i += 1
        return ids or [unk]

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 32):
            batch = [self._ids(t) for t in texts[start:start + 32]]
            width = max(map(len, batch))
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, row in enumerate(batch):
                ids[r, :len(row)], mask[r, :len(row)] = row, 1
            feeds = {"input_ids": ids, **({"attention_mask": mask} if "attention_mask" in self.inputs else {})}
            vec = np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)
            if vec.ndim == 3:
                vec = (vec * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out.append(vec)
        v = np.vstack(out)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
