"""Incremental sync: ``updated_since`` returns what changed by every path the
services change rows — a whole save, a save of named fields, a queryset update, a bulk update —
and an ended assignment comes with its end so that a phone drops the business."""

import datetime

from django.utils import timezone

from api.tests.test_api import bearer
from conftest import login, make_appointment, make_business, make_person
from org.models import Association
from roster.models import BusinessStatus


def _since(client, url, since, headers) -> list[dict]:
    return client.get(url, {"updated_since": since.isoformat()}, **headers).json()["items"]


def test_a_reassigned_business_and_both_assignments_are_in_the_next_sync(client, people, tokyo):
    moved, untouched = make_business(tokyo, "移動商事"), make_business(tokyo, "据置商事")
    first = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    second = make_appointment(make_person(tokyo, "推進 次郎"), status="active")
    login(client, people["tokyo_staff"])
    assign = "/assignments/assign/"
    client.post(assign, {"year": 2026, "business": [moved.pk, untouched.pk], "appointment": first.pk})
    since = timezone.now()
    # The reassignment ends the first promoter's assignment (a queryset update) and moves the business.
    client.post(assign, {"year": 2026, "business": [moved.pk], "appointment": second.pk})
    staff = bearer(people["tokyo_staff"])
    assert [b["name"] for b in _since(client, "/api/v1/businesses", since, staff)] == ["移動商事"]
    changed = _since(client, "/api/v1/assignments", since, staff)
    assert sorted((a["appointment_id"], a["ended_at"] is None) for a in changed) == sorted(
        [(first.pk, False), (second.pk, True)]
    )
    # The first promoter's phone learns that the business left its list; the untouched one is not sent.
    phone = _since(client, "/api/v1/assignments", since, bearer(people["tokyo_promoter"]))
    assert [(a["business_name"], a["ended_at"] is not None) for a in phone] == [("移動商事", True)]
    # Without updated_since, the current assignments only, as before.
    current = client.get("/api/v1/assignments", **staff).json()["items"]
    assert all(a["ended_at"] is None for a in current) and len(current) == 2


def test_a_save_of_named_fields_and_a_whole_save_are_both_seen(client, people, tokyo):
    business = make_business(tokyo, "状態商事")
    association = Association.objects.create(branch=tokyo, name="新宿事務組合")
    Association.objects.create(branch=tokyo, name="渋谷事務組合")
    since = timezone.now()
    business.set_status(BusinessStatus.CLOSED, by=people["tokyo_staff"], reason="廃業")  # update_fields
    association.phone = "03-1234-5678"
    association.save()
    staff = bearer(people["tokyo_staff"])
    assert [b["status"] for b in _since(client, "/api/v1/businesses", since, staff)] == ["closed"]
    assert [a["name"] for a in _since(client, "/api/v1/associations", since, staff)] == ["新宿事務組合"]
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert _since(client, "/api/v1/businesses", later, staff) == []


def test_updated_since_without_an_offset_is_japan_time_and_nonsense_is_422(client, people, tokyo):
    make_business(tokyo, "時刻商事")
    staff = bearer(people["tokyo_staff"])
    an_hour_ago_jst = timezone.localtime() - datetime.timedelta(hours=1)
    naive = an_hour_ago_jst.replace(tzinfo=None).isoformat()
    assert len(client.get("/api/v1/businesses", {"updated_since": naive}, **staff).json()["items"]) == 1
    bad = client.get("/api/v1/businesses", {"updated_since": "昨日"}, **staff)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "updated_since"
    # Times too far off to turn into UTC select what the nearest sensible time selects.
    ancient = client.get("/api/v1/businesses", {"updated_since": "0001-01-01T00:00:00+14:00"}, **staff)
    assert [b["name"] for b in ancient.json()["items"]] == ["時刻商事"]
    future = client.get("/api/v1/businesses", {"updated_since": "9999-12-31T23:59:59-12:00"}, **staff)
    assert future.json()["items"] == []
    # An offset beyond what PostgreSQL holds (the fuzzer sent +16:05) is read as the same moment.
    odd = client.get("/api/v1/businesses", {"updated_since": "2020-03-02T04:47:53+16:05"}, **staff)
    assert odd.status_code == 200 and [b["name"] for b in odd.json()["items"]] == ["時刻商事"]


def test_businesses_imported_from_a_list_are_in_the_next_sync(
    client, people, tokyo, settings, django_capture_on_commit_callbacks
):
    """An import writes its rows with raw SQL (kit.rows), not save(): they are stamped all the same."""
    from roster.tests.test_import import ROWS, run, upload

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_business(tokyo, "既存商事")
    since = timezone.now()
    login(client, people["tokyo_staff"])
    upload(client, "".join(ROWS), tokyo)
    run(client, django_capture_on_commit_callbacks)
    names = {b["name"] for b in _since(client, "/api/v1/businesses", since, bearer(people["tokyo_staff"]))}
    assert names == {"㈱髙橋①商事", "山田工業(有)"}
