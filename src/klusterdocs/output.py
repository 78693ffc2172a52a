"""Writing output: atomically, so a failed run never leaves a half-written or missing document."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from klusterdocs.errors import RenderError, display_path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    On any error the temporary file is removed and `target` keeps its previous content.
    """
    created = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a run that was killed while writing
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        folder = display_path(target.parent)
        raise RenderError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    done = False
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; a document is not
        os.replace(temporary, target)
        done = True
    except OSError as exc:
        raise RenderError(f"cannot write {display_path(target)}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)
        if not done:  # a failed run leaves no empty folders behind either
            for empty in created:
                with contextlib.suppress(OSError):
                    empty.rmdir()


def write_atomic(target: Path, content: bytes) -> None:
    """Write `content` to `target` atomically."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(content)


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def normalise_zip(path: Path) -> None:
    """Rewrite an Office file so the same content always gives the same bytes.

    python-docx and python-pptx stamp every zip entry with the current time; here each entry
    keeps its order and content but gets a fixed time, permissions and compression.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            target.writestr(fixed_zip_info(name), data)


def fixed_zip_info(name: str) -> zipfile.ZipInfo:
    """A zip entry for `name` with a fixed time, permissions and compression."""
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info
