"""What a refusal says on each channel: the web page, the API's error envelope, the CLI.

The access-parity tests ask a resource's one loading function, through each channel,
for the same actors, and compare (status, message) pairs: a page and the API answer
the same status; all three say the same words.
"""

import html
import re

_PAGE_MESSAGE = re.compile(r"<h1>[^<]*</h1>\s*<p>(.*?)</p>", re.S)


def page_refusal(response) -> tuple[int, str]:
    """The status and the message of a web error page."""
    found = _PAGE_MESSAGE.search(response.get_data(as_text=True))
    assert found, f"{response.status_code}: not an error page"
    return response.status_code, html.unescape(found.group(1)).strip()


def api_refusal(response) -> tuple[int, str]:
    """The status and the message of the API's error envelope."""
    body = response.get_json()
    assert body and "error" in body, f"{response.status_code}: not an error envelope"
    return response.status_code, body["error"]["message"]


def cli_refusal(result) -> str:
    """The message of a CLI command that failed (``Error: …`` and a non-zero exit)."""
    assert result.exit_code != 0, result.output
    found = re.search(r"^Error: (.*)$", result.output, re.M)
    assert found, result.output
    return found.group(1).strip()


def sent_to_login(response) -> bool:
    """An anonymous visitor is sent to the login page, not refused with a message."""
    return response.status_code == 302 and "/login" in response.headers["Location"]
