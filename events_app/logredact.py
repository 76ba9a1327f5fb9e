"""Personal links never reach a log.

A registration's, a subscription's or a password link's token opens a page
with a person's name, address and needs: the development server's request
log and gunicorn's access log show such paths with the token replaced, and
without query strings (a staff search holds names).
"""
import logging
import re

from gunicorn.glogging import Logger

PERSONAL_PATH = re.compile(
    r"(/(?:r|calendar/r|subscriptions|invitation|password/reset)/)[^/\s?\"]+")


def redact(text: str) -> str:
    """`text` with every personal token replaced and query strings dropped."""
    text = PERSONAL_PATH.sub(r"\1[token]", text)
    return re.sub(r"\?[^\s\"]*", "", text)


class RedactTokens(logging.Filter):
    """For the development server's logger (`werkzeug`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the request line, path and query redacted in
    every access log format (see gunicorn.conf.py)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every value: the request line, the path, the referrer, the
        # `{RAW_URI}e`-style environ atoms alike.
        atoms = {key: redact(value) if isinstance(value, str) else value
                 for key, value in atoms.items()}
        atoms["q"] = atoms["{query_string}e"] = ""
        return atoms


def init_app(app) -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
