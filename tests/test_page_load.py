"""What Lighthouse checks on the pages it measures (bench/lighthouse.py): no script
holds up the first paint, and each page says what it is to search engines and phones.
The scores themselves are measured, never asserted here (no timed tests)."""

import re

import pytest

from tests.test_routines import builtin

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def page_html(client, app, path: str) -> str:
    if "{routine}" in path:
        with app.app_context():
            path = path.format(routine=builtin().id)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path, signed_in_runner",
    [("/", False), ("/", True), ("/routines/{routine}", True), ("/library/", False)],
)
def test_scripts_wait_for_the_page_and_it_describes_itself(
    client, auth, app, path, signed_in_runner
):
    if signed_in_runner:
        auth.register()
    body = page_html(client, app, path)
    scripts = SCRIPT.findall(body)
    assert scripts
    # Deferred (module scripts always are): downloaded alongside the HTML, run after it
    # is parsed, never blocking it.
    deferred = r'\bdefer\b|type="module"'
    assert all(re.search(deferred, attributes) for attributes in scripts), scripts
    assert re.search(r'<html lang="en">', body)
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1', body)
    description = re.search(r'<meta name="description" content="([^"]+)">', body)
    assert description and len(description.group(1)) > 40
    assert re.search(r"<title>[^<]+</title>", body)
