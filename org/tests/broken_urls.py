"""The site's URLs and one view that fails, to see the 500 page as a person would."""

from django.urls import path

from issou.urls import urlpatterns as site


def broken(request):
    raise RuntimeError("a failure for the 500 page")


urlpatterns = [*site, path("broken-for-test/", broken)]
