"""Compiled templates kept on disk between runs, as Python keeps `__pycache__`.

Turning a Word template into Jinja code (docxtpl's clean-up of Word's XML, then Jinja's
compiler) takes longer than rendering a document with it. The code is kept under the user's
cache folder, named by a digest of everything it was made from, so an edited template, a
new klusterdocs or a new Jinja simply makes a new entry.

    KLUSTERDOCS_CACHE=/some/folder   use that folder
    KLUSTERDOCS_CACHE=off            keep nothing on disk
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import tempfile
from pathlib import Path
from types import CodeType

from klusterdocs import __version__

# bump when the way a template part becomes Jinja source changes
COMPILER_REVISION = 2


def cache_folder() -> Path | None:
    """Where compiled templates are kept, or None when the user turned it off."""
    setting = os.environ.get("KLUSTERDOCS_CACHE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "0", "off", "no") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder (a service account): keep nothing
            return None
    return Path(base) / "klusterdocs"


def digest(source: bytes, *versions: str) -> str:
    """The name of what `source` compiles to, with the versions of what compiles it."""
    made_by = "\0".join(
        (__version__, str(COMPILER_REVISION), importlib.util.MAGIC_NUMBER.hex(), *versions)
    )
    return hashlib.sha256(made_by.encode() + b"\0" + source).hexdigest()


def installed(package: str) -> str:
    """Which installation of `package` is in use, without importing it (that takes long)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package} missing"
    stat = os.stat(spec.origin)
    return f"{spec.origin} {stat.st_mtime_ns} {stat.st_size}"


def load(key: str) -> CodeType | None:
    """The code stored under `key`, or None (not there, unreadable or from another Python)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        code = marshal.loads((folder / f"{key}.code").read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(key: str, code: CodeType) -> None:
    """Keep `code` under `key`; a cache that cannot be written is silently skipped."""
    folder = cache_folder()
    if folder is None:
        return
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(marshal.dumps(code))
            os.replace(name, folder / f"{key}.code")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
