"""Navigation defined once: the menu of every page and the home page's links come from
org.navigation.LINKS, by role."""

import re
from pathlib import Path

import pytest

from conftest import login
from org import navigation


def _menu(page: str) -> list[str]:
    nav = page[page.index('<ul class="navbar-nav') : page.index("</ul>")]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="nav-link" href="[^"]*">(.*?)</a>', nav)
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("tokyo_promoter", ["ホーム", "作業一覧", "担当事業所", "支給申請"]),
        ("tokyo_lecturer", ["ホーム", "担当のセミナー"]),
        (
            "tokyo_viewer",
            [
                "ホーム",
                "目標管理",
                "名簿",
                "協議会",
                "役割分担",
                "担当割当",
                "訪問・成立",
                # No 支給審査: the review pages are for staff, and a viewer is not shown a link to
                # a page that would refuse them.
                "説明会・研修",
                "人員",
                "委嘱",
                "促進員配置",
                "支部",
            ],
        ),
    ],
)
def test_each_role_gets_its_menu_from_the_one_list(client, people, who, expected):
    login(client, people[who])
    assert _menu(client.get("/").content.decode()) == expected


def test_the_review_link_goes_to_the_branch_or_hq_review_and_admins_get_their_pages(client, people, tokyo):
    login(client, people["tokyo_staff"])
    page = client.get("/").content.decode()
    assert 'href="/payments/review/">支給審査' in page and f'href="/org/branches/{tokyo.pk}/">支部' in page
    login(client, people["hq_staff"])
    page = client.get("/field/activity/").content.decode()
    assert 'href="/payments/hq-review/">支給審査' in page
    assert "ユーザー管理" not in _menu(page)
    login(client, people["tokyo_admin"])
    assert {"ユーザー管理", "監査ログ"} <= set(_menu(client.get("/").content.decode()))


def test_the_home_page_lists_the_same_destinations_with_their_notes(client, people):
    login(client, people["tokyo_staff"])
    response = client.get("/")
    home = {link["url"] for link in response.context["links"]}
    menu = {item["url"] for item in navigation.links_for(people["tokyo_staff"], menu=True)}
    assert menu - {"/queues/"} <= home
    assert all(link["note"] for link in response.context["links"] if link["label"] == "協議会")


def test_no_template_lists_the_menu_by_hand():
    base = (Path(__file__).resolve().parents[2] / "templates" / "base.html").read_text(encoding="utf-8")
    assert "user.role ==" not in base and "{% url 'council_list' %}" not in base


def test_pages_pick_their_year_with_the_one_picker():
    """The fiscal-year select is templates/year_select.html (in where.html for branch pages)."""
    root = Path(__file__).resolve().parents[2]
    by_hand = [
        str(path.relative_to(root))
        for path in root.glob("*/templates/**/*.html")
        if 'name="year">{% for y in years %}' in path.read_text(encoding="utf-8")
    ]
    assert by_hand == []
