"""The lock files (requirements/*.txt, `make lock`) that `make run`, `make
test` and a production install use agree with pyproject.toml: every package
named there is pinned, at a version its range admits, with hashes."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)")


def pins(path) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} from a pip-compile file."""
    found, current = {}, None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            found[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
        elif not line.startswith(" "):
            current = None
    return found


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(("lock", "wanted"), [
    ("app.txt", PROJECT["dependencies"]),
    ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
])
def test_every_dependency_is_pinned_within_its_range_with_hashes(lock, wanted):
    locked = pins(ROOT / "requirements" / lock)
    assert locked, lock
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements/{lock}: run `make lock`"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version}, outside {requirement.specifier}: run `make lock`")
    assert all(hashes >= 1 for _, hashes in locked.values()), "a pin without its hash"


def test_the_application_lock_holds_no_test_tools():
    locked = pins(ROOT / "requirements" / "app.txt")
    for line in PROJECT["optional-dependencies"]["dev"]:
        assert canonicalize_name(Requirement(line).name) not in locked
