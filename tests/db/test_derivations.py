"""Derivation texts packed against a preset dictionary (schema step 15, ``db.derivations``): every text comes back
byte for byte; the dictionary of a version never changes (texts stored with it would no longer unpack); a text
packed by a newer version is refused with a message, not garbage; a typical text takes a fifth of its size."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.derivations import DICTIONARIES, HERE, dictionary, pack, unpack

DICTIONARY_DIGESTS = {1: "3ecb812a01253fe549f1c078add4e22b9040b4babff92770d26ecb44ec43d68b"}
"""SHA-256 of each dictionary file as first shipped: never to change."""

TYPICAL = ('{"formula":"5.403 м³ × 43.18 руб./м³ = 233.30154 → 233.30","basis":"ПП 354, п. 42, прил. 2, ф. 1",'
           '"inputs":{"volume":"5.403","tariff":"43.18"}}')


def test_the_dictionaries_are_those_shipped():
    assert set(DICTIONARIES) == set(DICTIONARY_DIGESTS)
    for version, name in DICTIONARIES.items():
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == DICTIONARY_DIGESTS[version], name


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_comes_back(text):
    assert unpack(pack(text)) == text


def test_a_typical_derivation_takes_a_fifth_of_its_size():
    packed = pack(TYPICAL)
    assert unpack(memoryview(packed)) == TYPICAL  # PostgreSQL gives a memoryview
    assert len(packed) * 5 < len(TYPICAL.encode("utf-8"))


def test_a_text_of_an_unknown_dictionary_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="словарём версии 9"):
        unpack(bytes((9,)) + pack(TYPICAL)[1:])
    assert dictionary(1)  # the known one is there


def test_a_text_packed_by_a_copy_of_the_primed_compressor_is_the_text_packed_anew():
    """``pack`` copies one primed compressor instead of priming one per text: the bytes must be the same, so a key's
    packed form does not depend on which code packed it (sync compares rows)."""
    import zlib

    from db.derivations import MEMORY_LEVEL, VERSION, WINDOW_BITS, dictionary, pack

    for text in ('{"formula":"5.403 м³ × 43.18 руб./м³ = 233.30154 → 233.30","basis":"ПП 354, п. 42, прил. 2, ф. 1"}',
                 "", "x" * 20_000):
        fresh = zlib.compressobj(9, zlib.DEFLATED, -WINDOW_BITS, MEMORY_LEVEL, zlib.Z_DEFAULT_STRATEGY,
                                 dictionary(VERSION))
        assert pack(text) == bytes((VERSION,)) + fresh.compress(text.encode()) + fresh.flush()
        assert pack(text) == pack(text)
