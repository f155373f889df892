"""A file to download under its Japanese name (RFC 6266 filename*, which every current browser reads)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
