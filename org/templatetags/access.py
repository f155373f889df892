"""{% may_open 'person_edit' person.pk as url %}<a href="{{ url }}">編集</a>{% endmay_open %}: a link
shown only to those its page lets in, decided by org.access.may_open.

The body is rendered when the signed-in user may open the page, with its address (the URL name
reversed with the arguments) in ``url`` when ``as url`` is given. Without ``as``, the arguments may be
left out: ``{% may_open 'branch_edit' %}``
decides a table's column of 編集 links, as a page opens to a role whatever its row.
"""

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.urls import reverse

from org import access

register = template.Library()


class MayOpenNode(template.Node):
    def __init__(
        self,
        url_name: FilterExpression,
        args: list[FilterExpression],
        var: str | None,
        body: NodeList,
    ) -> None:
        self.url_name = url_name
        self.args = args
        self.var = var
        self.body = body

    def render(self, context: Context) -> str:
        url_name = self.url_name.resolve(context)
        user = context.get("user") or getattr(context.get("request"), "user", None)
        if user is None:
            # Rendered without a request (render_to_string): pass "user", or every link would vanish.
            raise ImproperlyConfigured(f"may_open '{url_name}': the template's context has no user.")
        if not access.may_open(user, url_name):
            return ""
        if self.var is None:
            return self.body.render(context)
        url = reverse(url_name, args=[arg.resolve(context) for arg in self.args])
        with context.push(**{self.var: url}):
            return self.body.render(context)


@register.tag("may_open")
def may_open(parser: Parser, token: Token) -> MayOpenNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("may_open takes a URL name.")
    var = None
    if len(bits) >= 4 and bits[-2] == "as":
        var = bits[-1]
        bits = bits[:-2]
    url_name = parser.compile_filter(bits[1])
    args = [parser.compile_filter(bit) for bit in bits[2:]]
    body = parser.parse(("endmay_open",))
    parser.delete_first_token()
    return MayOpenNode(url_name, args, var, body)
