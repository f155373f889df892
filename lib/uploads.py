"""Checking an uploaded document by its bytes, not its name: size, and a signature matching the extension."""

import secrets
import zipfile
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024

# extension → (signature at offset 0, content type)
KINDS = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pptx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
OFFICE_PART = {".xlsx": "xl/", ".docx": "word/", ".pptx": "ppt/"}


class UploadError(ValueError):
    pass


def accepted_names(extensions: Iterable[str] = KINDS) -> str:
    return "・".join(ext.lstrip(".").upper() for ext in extensions if ext != ".jpeg")


def check(
    filename: str,
    data: bytes,
    *,
    extensions: Mapping[str, tuple[bytes, str]] = KINDS,
    max_bytes: int = MAX_BYTES,
) -> str:
    """The content type of an acceptable file; otherwise UploadError saying what is wrong, in Japanese."""
    name = filename.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in extensions:
        raise UploadError(
            f"「{filename}」は受け付けられない種類のファイルです（{accepted_names(extensions)}）。"
        )
    if len(data) > max_bytes:
        raise UploadError(
            f"「{filename}」は大きすぎます（{len(data) / 1024 / 1024:.1f}MB、上限 {max_bytes // 1024 // 1024}MB）。"
        )
    if not data:
        raise UploadError(f"「{filename}」は空のファイルです。")
    signature, content_type = KINDS[extension]
    if not data.startswith(signature) or not _office_parts_match(extension, data):
        raise UploadError(
            f"「{filename}」の中身が拡張子（{extension}）と一致しません。ファイルを確認してください。"
        )
    return content_type


def _office_parts_match(extension: str, data: bytes) -> bool:
    """An Office file is a zip holding its own part folder; any other zip renamed .xlsx is refused."""
    part = OFFICE_PART.get(extension)
    if part is None:
        return True
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return any(name.startswith(part) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def save(directory: Path, data: bytes) -> str:
    """Keep checked bytes under a random name in ``directory`` (outside the web root); the name is returned."""
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_urlsafe(24)
    (directory / name).write_bytes(data)
    return name
