"""The seminar questionnaire that participants answer on their own phones: the one page without login.

It shows only the seminar's name, date and organiser, accepts answers only while the seminar's
questionnaire is open, refuses oversized or malformed posts, limits the posts per address, and keeps
one answer per device. No personal data is asked.

One answer per device, and what that can and cannot prevent: the device id is random, kept by the
browser in a cookie signed by the server (a made-up or altered id is ignored and a new one given),
HttpOnly, SameSite=Lax and, in production, Secure; the database keeps only its hash, one answer per
seminar and id. This stops a participant answering twice from the same browser, and a script from
choosing ids. It cannot stop someone who clears their cookies, opens a private window or another
browser, or uses several phones: a bound on that is the per-address limit (RATE), which a seminar
room's shared address also caps. Strong one-person-one-answer would need accounts or tokens per
participant, which the seminars do not have.
"""

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from events import services
from events.models import Dispatch

DEVICE_COOKIE = "issou_q"
DEVICE_SALT = "events.questionnaire.device"
RATE = "10/10m"  # posts per address: a seminar room shares one address, a phone posts once


def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    dispatch = Dispatch.objects.select_related("fiscal_year").filter(token=token).first()
    if dispatch is None:
        raise Http404("アンケートが見つかりません。")
    questions = services.questions(dispatch.fiscal_year)
    context: dict[str, Any] = {"dispatch": dispatch, "questions": questions}
    if not dispatch.questionnaire_open or not context["questions"]:
        return render(request, "events/questionnaire_closed.html", context, status=410)
    device = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT
    ) or secrets.token_urlsafe(16)
    status = 200
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > services.MAX_ANSWER_BYTES:
            return render(
                request, "events/questionnaire_closed.html", {**context, "too_large": True}, status=413
            )
        if is_ratelimited(request, group="questionnaire", key="ip", rate=RATE, increment=True):
            context["errors"] = ["送信が多すぎます。しばらくしてからもう一度お試しください。"]
            return render(request, "events/questionnaire.html", context, status=429)
        try:
            answers = services.answers_from(request.POST, questions)
            services.response_record(dispatch=dispatch, device=device, answers=answers)
        except ValidationError as error:
            context["errors"] = error.messages
            status = 400
        else:
            context["thanks"] = True
    response = render(request, "events/questionnaire.html", context, status=status)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device,
        salt=DEVICE_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
