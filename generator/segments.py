"""Chinese word segmentation for the search index, remembered between builds.

Material's search plugin cuts every section's text into words with jieba while
it indexes the pages. Loading jieba's dictionary takes about 0.6 s and cutting
the course about 0.45 s, on every build, though the text seldom changes. A
``SegmentCache`` keeps the words of each text it has cut, in an artifact keyed by
everything that decides the cut (jieba's version and dictionaries), so a build
whose text is unchanged never loads the dictionary, and an edit cuts only the
sections it touched. The words are exactly jieba's, so the index is unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import jieba

from generator import artifacts

JIEBA_CUT = jieba.cut
"""jieba's own cut, which the cache calls for a text it has not seen."""

_user_dicts_loaded: set[str] = set()
"""User dictionaries (by content hash) already added to jieba in this process."""
_LOADING = threading.Lock()


class SegmentCache:
    """jieba's words for each text, read from and saved to an entry of ``store``."""

    def __init__(self, store: artifacts.Store, user_dict: Path, words: Sequence[str] = ()) -> None:
        self.store = store
        self.user_dict = user_dict
        self.words_added = tuple(words)
        """More words jieba keeps whole (the glossary's and the synonym list's)."""
        self.terms_key = artifacts.key(
            "jieba-terms", user_dict=user_dict.read_bytes(), words=self.words_added
        )
        self.key = artifacts.key(
            "search",
            jieba=jieba.__version__,
            dictionary=str(jieba.dt.dictionary),
            terms=self.terms_key,
        )
        self.known: dict[str, list[str]] = self._read()
        self.used: dict[str, list[str]] = {}

    def _read(self) -> dict[str, list[str]]:
        """The saved cuts; a missing or damaged entry is an empty cache."""
        try:
            data = json.loads(self.store.read("search", self.key, ".json") or b"")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def words(self, text: str) -> list[str]:
        """jieba's words for ``text``, cut only if no earlier build cut it."""
        words = self.known.get(text)
        if words is None:
            self._load_jieba()
            words = list(JIEBA_CUT(text))
        self.used[text] = words
        return words

    def _load_jieba(self) -> None:
        """jieba's dictionary and the course's, once per process."""
        with _LOADING:
            if self.terms_key not in _user_dicts_loaded:
                jieba.load_userdict(str(self.user_dict))
                for word in self.words_added:
                    jieba.add_word(word)
                _user_dicts_loaded.add(self.terms_key)

    def warm_up(self) -> None:
        """Load jieba on a thread, so the next rebuild that cuts new text need not wait.

        For ``mkdocs serve``: the author's next edit comes seconds after a build.
        """
        threading.Thread(target=self._load_jieba, name="jieba", daemon=True).start()

    def cut(
        self,
        sentence: str | bytes,
        cut_all: bool = False,
        HMM: bool = True,
        use_paddle: bool = False,
    ) -> Iterator[str]:
        """A stand-in for ``jieba.cut`` (Material calls it with UTF-8 bytes)."""
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        if cut_all or not HMM or use_paddle:
            return JIEBA_CUT(text, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)
        return iter(self.words(text))

    def install(self) -> None:
        """Make ``jieba.cut`` (what Material's search plugin calls) go through this cache."""
        jieba.cut = self.cut

    def save(self, *, keep_unused: bool = False) -> None:
        """Keep the texts this build cut.

        ``keep_unused``: also keep texts this build did not index (a dirty
        rebuild indexes only the pages that changed).
        """
        keep = {**self.known, **self.used} if keep_unused else self.used
        if keep != self.known:
            data = json.dumps(keep, ensure_ascii=False, separators=(",", ":"))
            self.store.write("search", self.key, ".json", data.encode("utf-8"))
            self.known = keep
