import pytest

import complaint_nlp
from complaint_nlp.batch import chunked, classify_chunks
from complaint_nlp.rows import Row


def test_chunked() -> None:
    assert list(chunked("abcde", 2)) == [["a", "b"], ["c", "d"], ["e"]]
    assert list(chunked([], 3)) == []
    with pytest.raises(ValueError, match="size"):
        list(chunked("ab", 0))


def test_classify_chunks_keeps_the_order() -> None:
    model = complaint_nlp.load()
    texts = ["Pohon tumbang menutup jalan", "KTP saya belum jadi 3 bulan", "aplikasi error"]
    chunks = chunked([Row(i + 1, str(i), t) for i, t in enumerate(texts)], 2)
    done = list(classify_chunks(chunks, model))
    assert [[r.id for r in chunk] for chunk, _ in done] == [["0", "1"], ["2"]]
    assert [c for _, results in done for c in results] == model.classify_batch(texts)
