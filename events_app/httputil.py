"""Response helpers shared by the pages behind personal links."""


def private(response):
    """A page behind a personal link: never stored by a cache, never passed on
    as a Referer to the sites it links to, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
