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
        _remove_stale(target)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
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


def _remove_stale(target: Path) -> None:
    """Remove temporary files that runs killed while writing left beside `target`.

    The name holds the writer's process id, so a file another build is writing at this moment
    is left alone: only the files of processes that are gone are stale.
    """
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        writer = stale.name.removeprefix(f".{target.name}.").split(".")[0]
        if writer.isdigit() and _running(int(writer)):
            continue
        stale.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether process `pid` exists (signal 0 asks without sending anything)."""
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's process: it exists
        return True
    except (ProcessLookupError, OverflowError):  # gone, or never a process id
        return False
    return True


OWNER = ".klusterdocs-source"  # in each document folder: the input file it belongs to


@contextlib.contextmanager
def claimed_folder(output: Path, folder: Path, source: Path | None) -> Iterator[None]:
    """Write into `folder` (inside `output`) for the input file `source`, or refuse.

    Two inputs can make the same folder name (`Smart Textiles` and `smart-textiles!`): the
    second would overwrite the first one's documents, so the folder remembers whose it is and
    another file's documents are never written into it (a file that is gone gives it up). A
    folder that is a link, or leads out of `output`, is refused too.
    """
    root = output.resolve()
    resolved = folder.resolve()
    if folder.is_symlink() or (resolved != root and root not in resolved.parents):
        raise RenderError(f"{display_path(folder)} leads outside {display_path(output)}; refused")
    marker = folder / OWNER
    mine = str(source.resolve()) if source is not None else ""
    try:
        theirs = marker.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        theirs = ""
    if source is not None and theirs and theirs != mine and Path(theirs).is_file():
        raise RenderError(
            f"{display_path(folder)} holds the documents of {display_path(Path(theirs))}, and "
            f"{display_path(source)} gets the same folder name ({folder.name}): give one of "
            "them a short_name"
        )
    yield
    if mine and theirs != mine:
        write_atomic(marker, f"{mine}\n".encode())


def write_atomic(target: Path, content: bytes) -> None:
    """Write `content` to `target` atomically."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(content)


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def fixed_zip_info(name: str) -> zipfile.ZipInfo:
    """A zip entry for `name` with a fixed time, permissions and compression."""
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info
