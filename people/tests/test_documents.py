"""Appointment letters and ID cards as PDF with an embedded Japanese font, one or many at once."""

import pytest

from conftest import login, make_appointment, make_person
from people import documents


@pytest.fixture
def active(people, tokyo):
    return [make_appointment(make_person(tokyo, f"推進 {i}号"), status="active") for i in range(12)]


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ")


def test_a_letter_is_a_pdf_with_the_font_embedded(active):
    pdf = documents.appointment_letters(active[:1])
    assert pdf.startswith(b"%PDF")
    assert b"IPAexGothic" in pdf and b"/FontFile2" in pdf


def test_one_letter_per_page_and_ten_cards_per_page(active):
    assert pages(documents.appointment_letters(active)) == 12
    assert pages(documents.id_cards(active)) == 2


def test_a_branch_prints_all_its_promoters_cards_in_one_file(client, people, tokyo, active, osaka):
    make_appointment(make_person(osaka, "大阪 推進"), status="active")
    login(client, people["tokyo_staff"])
    response = client.post("/appointments/cards.pdf", {"all": "1", "role": "promoter", "status": "active"})
    assert response["Content-Type"] == "application/pdf"
    assert pages(response.content) == 2  # Tokyo's twelve; Osaka's card is not in Tokyo's scope


def test_the_letter_of_a_request_not_yet_decided_is_refused(client, people, tokyo):
    appointment = make_appointment(make_person(tokyo, "未決定 人"))
    login(client, people["tokyo_staff"])
    response = client.get(f"/appointments/{appointment.pk}/letter.pdf", follow=True)
    assert "委嘱中の委嘱についてのみ作成できます" in response.content.decode()


def test_a_promoter_downloads_their_own_card(client, people, tokyo):
    person = make_person(tokyo, "本人 推進", user=people["tokyo_promoter"])
    appointment = make_appointment(person, status="active")
    other = make_appointment(make_person(tokyo, "同僚 推進"), status="active")
    login(client, people["tokyo_promoter"])
    assert client.get(f"/appointments/{appointment.pk}/card.pdf")["Content-Type"] == "application/pdf"
    assert client.get(f"/appointments/{other.pk}/card.pdf").status_code == 404
