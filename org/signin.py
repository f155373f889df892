"""The second factor for administrators: verifying a TOTP code, and enrolling an authenticator app."""

import math
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from org import access
from org.forms import TokenForm
from org.models import User
from org.navigation import safe_next


@login_required
def otp_verify(request: access.AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.requires_otp or user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
        return redirect("home")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if wait := _seconds_to_wait(user):
            form.add_error(
                "token",
                f"続けて間違えたため、あと{wait}秒は確認できません。少し待ってから、"
                "認証アプリにその時表示されているコードを入力してください。",
            )
        elif device := match_token(user, form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(safe_next(request, "home"))
        else:
            form.add_error(
                "token",
                "認証コードが正しくありません。認証アプリに今表示されているコードを入力してください"
                "（間違えるたびに、次に試せるまでの待ち時間が延びます）。",
            )
    return render(request, "registration/otp_verify.html", {"form": form})


def _seconds_to_wait(user: User) -> int:
    """How long until a code may be tried again. django-otp refuses every code, the right one too,
    for 1, 2, 4 … seconds after each wrong one: the person is told to wait, not that the code is wrong."""
    waits = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return 0
        until = (data or {}).get("locked_until")
        waits.append(math.ceil((until - timezone.now()).total_seconds()) if until else 1)
    return max(min(waits), 1) if waits else 0


@login_required
def otp_setup(request: access.AuthenticatedRequest) -> HttpResponse:
    """First login of an administrator: show a QR code and confirm one code from the app.

    Only an administrator with no confirmed device may enrol one; a lost device is reset
    by another administrator (org.services.user_reset_otp).
    """
    user = request.user
    if not user.requires_otp or user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
        return redirect("home")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("otp_verify")
    if request.method == "POST":
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            return redirect("otp_setup")
    else:
        # Each showing makes a new secret: one shown before (a reload, a page left open) is void.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="認証アプリ")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "二要素認証を登録しました。")
            return redirect("home")
        form.add_error("token", "認証コードが正しくありません。アプリに表示された6桁を入力してください。")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": b32encode(device.bin_key).decode()},
    )
