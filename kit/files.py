"""Uploaded documents (council papers, enrolment evidence): the one way they are stored and served.

Each kind keeps its own table, owner and scope (councils.CouncilFile, fieldwork.Evidence) on this
abstract model: the file itself lies outside the web root under a random name, in a folder per kind
under VAR_DIR/files, and is only ever served through a view that has checked the user's right to
it — as a download, never shown inline (an uploaded PDF would run in the browser's viewer).
"""

from pathlib import Path
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.http import FileResponse

from kit.text import fit_filename
from lib import uploads


class StoredFile(models.Model):
    FOLDER: ClassVar[str]  # under VAR_DIR/files/

    filename = models.CharField("ファイル名", max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField("サイズ（バイト）")
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        abstract = True

    @classmethod
    def folder(cls) -> Path:
        return Path(settings.VAR_DIR) / "files" / cls.FOLDER

    @classmethod
    def keep(cls, *, actor: Any, filename: str, data: bytes, content_type: str, **owner: Any) -> Self:
        """Store checked bytes (lib.uploads.check gave ``content_type``) and record them with their owner."""
        return cls._default_manager.create(
            filename=fit_filename(cls, "filename", Path(filename).name),
            stored_name=uploads.save(cls.folder(), data),
            size=len(data),
            content_type=content_type,
            uploaded_by=actor,
            **owner,
        )

    @property
    def path(self) -> Path:
        return self.folder() / self.stored_name

    def download(self) -> FileResponse:
        """The file as an attachment under its own name (call after access has allowed it)."""
        return FileResponse(
            self.path.open("rb"), as_attachment=True, filename=self.filename, content_type=self.content_type
        )
