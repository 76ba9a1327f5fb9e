"""The repository explains itself (issue 16, item 12).

Its documents point only at files a clone has, and ARCHITECTURE.md cannot
drift silently from the code: every repository path it names exists, and
every package of `events_app/` is described in it.
"""
import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# A reference to a document outside the repository: the folder beside it,
# or the design and style notes kept there.
OUTSIDE_REFERENCE = re.compile(r"\.\./shared|\b(?:DESIGN|STYLE)\.md\b")


def _git_files() -> list[str] | None:
    """The repository's files (tracked, and new ones not ignored) that exist
    in the work tree, or None when git cannot tell."""
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT, capture_output=True, check=True, timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name and (ROOT / name).is_file()})


def _repository_files() -> list[str]:
    files = _git_files()
    if files is None:
        pytest.skip("git is not available (or this is not a git checkout): "
                    "the repository's file list cannot be read")
    return files


def _is_checked_document(path: str) -> bool:
    """Markdown, Python, templates, the Makefile and TOML files."""
    name = path.rsplit("/", 1)[-1]
    return (
        name.endswith((".md", ".py", ".toml", ".mako"))
        or name == "Makefile"
        or (path.startswith("templates/") and name.endswith((".html", ".txt")))
    )


def _outside_references(files: list[str], root: Path = ROOT) -> list[str]:
    found = []
    for path in files:
        # This file names what it looks for.
        if path == THIS_FILE or not _is_checked_document(path):
            continue
        text = (root / path).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE_REFERENCE.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_no_document_refers_outside_the_repository():
    files = _repository_files()
    assert "README.md" in files and "Makefile" in files  # the list is the real one
    assert _outside_references(files) == []


def test_outside_references_are_found(tmp_path):
    """The check above can fail: a file naming the notes outside is reported."""
    (tmp_path / "notes.md").write_text("See ../shared/ for more.\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("# as DESIGN.md says\n", encoding="utf-8")
    (tmp_path / "data.json").write_text('"../shared"\n', encoding="utf-8")  # not checked
    assert _outside_references(["notes.md", "app.py", "data.json"], tmp_path) == [
        "notes.md:1: See ../shared/ for more.",
        "app.py:1: # as DESIGN.md says",
    ]


# --- ARCHITECTURE.md -----------------------------------------------------------


def _code_spans(markdown: str) -> list[str]:
    """The inline code spans of a Markdown text (fenced blocks left out),
    their whitespace collapsed as Markdown does."""
    markdown = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    return [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", markdown)]


def repository_paths(markdown: str) -> list[str]:
    """The code spans that name a file or folder of the repository.

    A path is one word that holds a `/` or ends in .py, .md or .html. A URL
    route (it starts with `/`, like `/events/<slug>`), an address
    (`redis://…`), a file extension (`.html`) and a command or SQL (several
    words) are not paths.
    """
    paths = []
    for span in _code_spans(markdown):
        if " " in span or span.startswith("/") or "://" in span or "…" in span:
            continue
        if re.fullmatch(r"\.\w+", span):
            continue
        if "/" in span or span.endswith((".py", ".md", ".html")):
            paths.append(span)
    return paths


def missing_paths(paths: list[str], files: list[str]) -> list[str]:
    """The paths that match no file of `files`.

    `a/b.py` must be a file; `a/` a folder holding a file; `<code>` in a
    path stands for any one name (`translations/<code>/…`); a bare file name
    (`views.py`, written in a package's row) must be some file's name.
    """
    folders = {folder for path in files for folder in _parents(path)}
    names = {path.rsplit("/", 1)[-1] for path in files}
    missing = []
    for path in paths:
        pattern = re.sub(r"<[^>/]+>", "*", path).rstrip("/")
        if "/" not in path:
            found = any(fnmatch.fnmatchcase(name, pattern) for name in names)
        elif path.endswith("/"):
            found = any(fnmatch.fnmatchcase(folder, pattern) for folder in folders)
        else:
            found = any(fnmatch.fnmatchcase(file, pattern) for file in files)
        if not found:
            missing.append(path)
    return missing


def _parents(path: str):
    parts = path.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        yield "/".join(parts[:end])


def _architecture() -> str:
    assert ARCHITECTURE.is_file(), "ARCHITECTURE.md describes the project: it must exist"
    return ARCHITECTURE.read_text(encoding="utf-8")


def test_every_path_in_architecture_exists():
    files = _repository_files()
    paths = repository_paths(_architecture())
    assert len(paths) > 50, "fewer paths than the document names: the extraction is broken"
    assert missing_paths(paths, files) == []


def test_path_extraction_and_matching():
    """The check above can fail, and leaves routes and commands alone."""
    text = (
        "The view `events_app/events/views.py` serves `/events/<slug>`;"
        " run `flask mail send-due`, with `redis://host:6379` and `text`;"
        " see `README.md`, `templates/errors/`, `views.py` (and its `.html`) and\n"
        "`translations/<code>/LC_MESSAGES/messages.po`.\n"
        "```\n`events_app/not_checked.py`\n```\n"
    )
    paths = repository_paths(text)
    assert paths == ["events_app/events/views.py", "README.md", "templates/errors/",
                     "views.py", "translations/<code>/LC_MESSAGES/messages.po"]
    files = ["README.md", "events_app/events/views.py", "templates/errors/404.html",
             "translations/fr/LC_MESSAGES/messages.po"]
    assert missing_paths(paths, files) == []
    assert missing_paths(["events_app/gone.py", "templates/nothing/", "gone.py",
                          "translations/<code>/LC_MESSAGES/other.po"], files) == [
        "events_app/gone.py", "templates/nothing/", "gone.py",
        "translations/<code>/LC_MESSAGES/other.po",
    ]


def test_every_package_is_described():
    packages = sorted(init.parent.name for init in (ROOT / "events_app").glob("*/__init__.py"))
    assert len(packages) >= 9, packages
    text = _architecture()
    undescribed = [name for name in packages if f"`events_app/{name}/`" not in text]
    assert undescribed == [], f"packages missing from ARCHITECTURE.md: {undescribed}"


def test_readme_points_to_architecture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "ARCHITECTURE.md" in readme
