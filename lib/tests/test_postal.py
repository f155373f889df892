"""Postal codes looked up offline, from any thread."""

import threading

from lib import postal


def test_a_code_gives_prefecture_city_and_town():
    assert postal.lookup("100-0013") == postal.PostalAddress("東京都", "千代田区", "霞が関")


def test_unknown_and_malformed_codes_give_none():
    assert postal.lookup("0000000") is None
    assert postal.lookup("12345") is None


def test_lookups_work_from_another_thread_as_a_web_server_makes_them():
    results = []
    thread = threading.Thread(target=lambda: results.append(postal.lookup("5300001")))
    thread.start()
    thread.join()
    assert results[0].city == "大阪市北区"
