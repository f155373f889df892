"""Block and national meetings, with the issues each branch raised and HQ's follow-up (R-EVT-3)."""

from conftest import login, post_edit
from events.models import Meeting, MeetingIssue


def _meeting(client, **fields):
    data = {
        "year": 2026,
        "kind": "block",
        "held_on": "2026-09-25",
        "venue": "関東ブロック会場",
        "participants": "厚生労働省、各労働局、各支部",
        "agenda": "未手続事業一掃の進捗",
        **fields,
    }
    return client.post("/events/meetings/new/", data, follow=True)


def test_hq_records_meetings_and_follows_up_the_issues_branches_raised(client, people, tokyo, osaka):
    login(client, people["hq_staff"])
    assert "ブロック会議はブロックを選んでください。" in _meeting(client).content.decode()
    _meeting(client, block=tokyo.block_id)
    _meeting(client, kind="national", held_on="2026-11-13", block=tokyo.block_id)
    national = Meeting.objects.get(kind="national")
    assert national.block is None  # the national meeting belongs to no block
    block = Meeting.objects.get(kind="block")
    client.post(
        f"/events/meetings/{block.pk}/",
        {"branch": tokyo.pk, "issue": "調査員の確保が難しい", "status": "open"},
    )
    client.post(
        f"/events/meetings/{block.pk}/", {"branch": osaka.pk, "issue": "大阪の課題", "status": "open"}
    )
    issue = MeetingIssue.objects.get(branch=tokyo)
    post_edit(
        client,
        f"/events/meetings/{block.pk}/?edit={issue.pk}",
        {"follow_up": "本部で募集広報を支援", "status": "done"},
    )
    issue.refresh_from_db()
    assert (issue.follow_up, issue.status) == ("本部で募集広報を支援", "done")
    # Branches read the meetings, and only their own issues; they do not record them.
    login(client, people["tokyo_staff"])
    page = client.get(f"/events/meetings/{block.pk}/").content.decode()
    assert "調査員の確保が難しい" in page and "大阪の課題" not in page
    response = client.post(
        f"/events/meetings/{block.pk}/", {"branch": tokyo.pk, "issue": "追加", "status": "open"}
    )
    assert response.status_code == 403
    assert client.get("/events/meetings/new/").status_code == 403
