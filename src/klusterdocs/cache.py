"""What klusterdocs derives from its files, kept on disk between runs as Python keeps
`__pycache__`.

Turning a Word template into Jinja code (docxtpl's clean-up of Word's XML, then Jinja's
compiler) takes longer than rendering a document with it, and reading a data file's YAML
takes longer than the rest of a small command. The results are kept under the user's cache
folder, named by a digest of everything they were made from, so an edited template or data
file, a new klusterdocs or a new Jinja simply makes a new entry.

    KLUSTERDOCS_CACHE=/some/folder   use that folder
    KLUSTERDOCS_CACHE=off            keep nothing on disk
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import marshal
import os
from pathlib import Path
from typing import Any, TypeVar

from klusterdocs import __version__

try:  # hashlib's own BLAKE2, without importing hashlib: its OpenSSL takes 3 ms of every start
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

T = TypeVar("T")

# bump when the way a template part becomes Jinja source, or a text its blocks, changes
COMPILER_REVISION = 17


def cache_folder() -> Path | None:
    """Where compiled templates and parsed data are kept, or None when turned off."""
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


def hasher() -> blake2b:
    """A new 32-byte BLAKE2 hash: what cache entries, and the build's manifest, are named by."""
    return blake2b(digest_size=32)


def digest(source: bytes, *versions: str) -> str:
    """The name of what `source` compiles to, with the versions of what compiles it."""
    made_by = "\0".join(
        (__version__, str(COMPILER_REVISION), importlib.util.MAGIC_NUMBER.hex(), *versions)
    )
    return blake2b(made_by.encode() + b"\0" + source, digest_size=32).hexdigest()


@functools.cache
def installed(package: str) -> str:
    """Which installation of `package` is in use, without importing it (that takes long)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package} missing"
    stat = os.stat(spec.origin)
    return f"{spec.origin} {stat.st_mtime_ns} {stat.st_size}"


MAX_ENTRY_BYTES = 16 * 2**20  # a compiled template is a few hundred kB; more is not kept
_CHECK = 32  # bytes of the checksum before each entry


def load(key: str, kind: type[T]) -> T | None:
    """The `kind` of value stored under `key`, or None (not there, unreadable, damaged, or
    another Python's): an entry that does not match its checksum is removed, as a miss."""
    folder = cache_folder()
    if folder is None:
        return None
    path = folder / f"{key}.marshal"
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    check, content = stored[:_CHECK], stored[_CHECK:]
    try:
        if blake2b(content, digest_size=_CHECK).digest() != check:
            raise ValueError("damaged")
        value = marshal.loads(content)
    except (ValueError, EOFError, TypeError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return value if isinstance(value, kind) else None


def store(key: str, value: Any) -> None:
    """Keep `value` (code, or plain data) under `key`.

    An unwritable cache, or a value marshal cannot write (a date in a data file), is skipped.
    """
    folder = cache_folder()
    if folder is None:
        return
    try:
        content = marshal.dumps(value)
    except ValueError:
        return
    if len(content) > MAX_ENTRY_BYTES:
        return
    import tempfile  # only a run that stores something needs it

    content = blake2b(content, digest_size=_CHECK).digest() + content
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(name, folder / f"{key}.marshal")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
