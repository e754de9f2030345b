"""The content-addressed file store under ``DATA_DIR/evidence``.

Layout: ``users/<user id>/<first two hex digits>/<sha-256>``. The path comes from the hash alone
(validated as 64 hex digits), so no name a shopper chose ever reaches the file system. Each
shopper has a folder of their own: one shopper deleting their data cannot remove a file another
still needs, and "delete everything of mine" is one folder.

Writing streams: bytes go to a temporary file in ``tmp/`` (same file system) while they are
hashed, are flushed to disk, and the file is then atomically renamed to its content path — a
crash leaves a stray temporary file, never a half-written evidence file. Memory stays at one
write buffer whatever the size of the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import shutil
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from shopguard.evidence.source import ByteSource

WRITE_BUFFER = 256 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class TooLarge(Exception):
    """The stream went past ``limit`` bytes; nothing was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class EmptyFile(Exception):
    """The stream had no bytes at all; nothing was kept."""


HEAD_BYTES = 16  # enough to tell the container family (``metadata.sniff``)


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when the same content was already stored for this shopper
    head: bytes = b""  # the first bytes of the content


class _Spill:
    """The temporary file a blob is written to before it moves to its content path.

    Its descriptor is closed when the spill is dropped unclosed too (an update cancelled while
    the worker thread was making it), as a file object's would be."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path
        self._closer = weakref.finalize(self, os.close, fd)

    def write(self, data: bytes | bytearray) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self) -> None:
        self._closer()  # closes once, however often it is called

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # ------------------------------------------------------------------ paths

    def user_dir(self, user_id: int) -> Path:
        return self.root / "users" / str(int(user_id))

    def path(self, user_id: int, sha256: str) -> Path:
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError("not a sha-256 hex digest")
        return self.user_dir(user_id) / sha256[:2] / sha256

    def exists(self, user_id: int, sha256: str) -> bool:
        return self.path(user_id, sha256).is_file()

    # ------------------------------------------------------------------ writing

    async def put(
        self, user_id: int, source: ByteSource, *, max_bytes: int | None = None
    ) -> StoredBlob:
        """Stream ``source`` into the store; raises TooLarge, EmptyFile or the source's error.

        A file that fits in one write buffer (most screenshots and documents) is written,
        flushed and installed in one step on a worker thread; a larger one is written to its
        temporary file buffer by buffer as it arrives."""
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray()
        head = b""
        spill: _Spill | None = None
        try:
            async for chunk in source.chunks():
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                if len(head) < HEAD_BYTES:
                    head = (head + bytes(chunk[:HEAD_BYTES]))[:HEAD_BYTES]
                buffer += chunk
                if len(buffer) >= WRITE_BUFFER:
                    if spill is None:
                        spill = await asyncio.to_thread(self._spill)
                    # written in place: the buffer is not touched until the write returns
                    await asyncio.to_thread(spill.write, buffer)
                    buffer.clear()
            if size == 0:
                raise EmptyFile()
            sha = digest.hexdigest()
            final = self.path(user_id, sha)
            # _finish owns it from here: it installs it, or else discards it
            pending, spill = spill, None
            created = await asyncio.to_thread(self._finish, pending, buffer, final)
            return StoredBlob(sha256=sha, size=size, created=created, head=head)
        finally:
            if spill is not None:
                await asyncio.to_thread(spill.discard)

    def _spill(self) -> _Spill:
        """A new temporary file (mode 0600) in ``tmp/``, made on first use."""
        path = self.root / "tmp" / f"incoming-{secrets.token_hex(8)}"
        try:
            fd = os.open(path, _NEW_FILE, 0o600)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, _NEW_FILE, 0o600)
        return _Spill(fd, path)

    def _finish(self, spill: _Spill | None, rest: bytearray, final: Path) -> bool:
        """Write the rest, flush to disk, move into place (blocking: run it in a thread).

        Each system call here is paid for every file a shopper sends, so there are no more than
        needed: create, write, fsync, close, look for the content path, rename."""
        spill = spill or self._spill()
        installed = False
        try:
            if rest:
                spill.write(rest)
            spill.sync()
            spill.close()
            installed = _install(spill.path, final)
            return installed
        finally:
            if not installed:
                spill.discard()

    # ------------------------------------------------------------------ reading

    def open(self, user_id: int, sha256: str) -> BinaryIO:
        """Open a stored file for reading (blocking: call from a thread in async code)."""
        return self.path(user_id, sha256).open("rb")

    def verify(self, user_id: int, sha256: str) -> bool:
        """Whether the stored file is there and still has the content its name promises."""
        digest = hashlib.sha256()
        try:
            with self.open(user_id, sha256) as fh:
                while chunk := fh.read(WRITE_BUFFER):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    # ------------------------------------------------------------------ removing

    def remove(self, user_id: int, sha256: str) -> bool:
        """Remove one stored file (and its folder when empty); False when it was not there."""
        path = self.path(user_id, sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only succeeds when empty
        return True

    def remove_user(self, user_id: int) -> None:
        """Remove every stored file of the shopper."""
        shutil.rmtree(self.user_dir(user_id), ignore_errors=True)

    def stored_hashes(self, user_id: int) -> set[str]:
        """Every content hash on disk for the shopper (for checks and repairs)."""
        folder = self.user_dir(user_id)
        if not folder.is_dir():
            return set()
        return {p.name for p in folder.glob("??/*") if _SHA256_HEX.fullmatch(p.name)}


def _install(temp: Path, final: Path) -> bool:
    """Move the finished temporary file to its content path; False if it was already there."""
    try:
        os.stat(final)
        return False
    except FileNotFoundError:
        pass
    try:
        os.replace(temp, final)
    except FileNotFoundError:  # the first file in its folder
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(temp, final)
    return True
