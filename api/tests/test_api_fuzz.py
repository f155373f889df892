"""The API fuzzed against its own OpenAPI schema: schemathesis sends at least
100 generated requests to every operation, through a real server, with a branch staff's token;
no server error, and every response as the schema says (status, content type, body)."""

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from api.models import ApiToken
from api.v1 import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def token(people, tokyo):
    _, secret = ApiToken.issue(user=people["tokyo_staff"], name="fuzz", expires_on=timezone.localdate())
    return secret


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, live_server, token):
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        # An unknown query parameter is ignored, as HTTP APIs do; every other check applies.
        excluded_checks=[negative_data_rejection],
    )
