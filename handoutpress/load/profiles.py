"""Colour profiles shipped in handoutpress/data (the PDF/A output intent's sRGB)."""
from __future__ import annotations

import zlib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    return zlib.compress(resources.files("handoutpress").joinpath("data/sRGB.icc").read_bytes(), 9)
