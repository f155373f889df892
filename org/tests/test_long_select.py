"""LongSelect: a select of a thousand choices written out directly, escaped and with its choice kept."""

from django import forms

from org.forms import LongSelect


class Form(forms.Form):
    who = forms.ChoiceField(
        choices=[("", "（なし）"), ("1", "<b>推進 一郎</b>"), ("2", "推進 二郎")], widget=LongSelect
    )


def test_options_are_escaped_and_the_chosen_one_stays_selected_after_an_error():
    html = str(Form({"who": "2"})["who"])
    assert html.startswith('<select id="id_who" name="who" required>')
    assert '<option value="1">&lt;b&gt;推進 一郎&lt;/b&gt;</option>' in html
    assert '<option value="2" selected>推進 二郎</option>' in html
    assert '<option value="">（なし）</option>' in html
