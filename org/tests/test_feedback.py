"""org.feedback: the one way a refused action is shown."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from org import feedback


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_becomes_one_error_message_and_the_outcome_is_false():
    request = _request()
    with feedback.errors_as_message(request, "取り込めませんでした：") as done:
        raise ValidationError(["1行目が不正です。", "2行目が不正です。"])
    assert not done
    assert [str(m) for m in get_messages(request)] == [
        "取り込めませんでした：1行目が不正です。 2行目が不正です。"
    ]


def test_an_action_that_goes_through_shows_nothing_and_other_errors_are_not_swallowed():
    request = _request()
    with feedback.errors_as_message(request) as done:
        pass
    assert done and not list(get_messages(request))
    try:
        with feedback.errors_as_message(request):
            raise KeyError("x")
    except KeyError:
        pass
    else:
        raise AssertionError("a programming error must not become a message")


def test_other_refusals_get_their_own_words_or_their_own_text():
    request = _request()
    with feedback.errors_as_message(
        request, others={ValueError: "参加人数は数字で入力してください。"}
    ) as done:
        int("三")
    assert not done
    with feedback.errors_as_message(request, "取り込めませんでした：", others={LookupError: None}) as again:
        raise KeyError("列「支部コード」がありません")
    assert not again
    assert [str(m) for m in get_messages(request)] == [
        "参加人数は数字で入力してください。",
        "'列「支部コード」がありません'",
    ]
