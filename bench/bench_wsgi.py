"""The app as gunicorn serves it in the page benchmark (`bench/pages.py`).

The real application, built by `create_app()` from the environment
(DATABASE_URL, RATELIMIT_ENABLED, …), plus one trivial endpoint so that the
baseline runs through the same gunicorn, the same workers and the same Flask
app (request context, after-request hooks) as the pages it is compared with.

    gunicorn --chdir <project> --pythonpath <project>/bench bench_wsgi:app
"""
import sys
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from events_app import create_app  # noqa: E402

app = create_app()


@app.get("/_bench/trivial")
def bench_trivial():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@lru_cache(maxsize=4)
def _payload(size: int) -> bytes:
    return b"x" * size


@app.get("/_bench/bytes/<int:size>")
def bench_bytes(size: int):
    """`size` bytes from memory: what sending a body that big costs on its own
    (bench/feeds.py compares the full feed with a body of the same size)."""
    return _payload(size), 200, {"Content-Type": "text/calendar; charset=utf-8"}
