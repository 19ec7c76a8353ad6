"""Files the app stores (imported originals, attachments) go to a temporary MEDIA_ROOT, never into the work tree."""
import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
