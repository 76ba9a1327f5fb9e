"""Response helpers: the headers of pages behind personal links, and gzip
for the feeds."""
import gzip

from flask import request


def private(response):
    """A page behind a personal link: never stored by a cache, never passed on
    as a Referer to the sites it links to, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


GZIP = "gzip"


def wants_gzip() -> bool:
    """The client said it reads gzip (Accept-Encoding, with a quality above 0)."""
    return request.accept_encodings[GZIP] > 0


def gzipped(body: bytes, key: str, cache) -> bytes:
    """`body` compressed, once per `key` (a feed's validator) in `cache`.

    Level 6 and no timestamp: the same bytes give the same gzip in every
    process, so the ETag made for them holds across processes.
    """
    found = cache.get(f"{key}-{GZIP}")
    if found is None:
        found = gzip.compress(body, compresslevel=6, mtime=0)
        cache.put(f"{key}-{GZIP}", found)
    return found
