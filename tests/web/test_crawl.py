"""No dead link: on the demo data, every page reachable as HR, admin and employee is crawled from
the home page, and every link it shows answers below 400.

Links are grouped by route and query-string keys (``/accords/<id>`` with any id is one group);
up to SAMPLES_PER_GROUP links of each group are followed, so every kind of page and every kind
of link is tried without fetching all 132 employees' pages.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from hrtele import clock
from hrtele.demo.data import DEMO_ACCOUNTS
from hrtele.demo.loader import load_demo
from hrtele.extensions import db
from tests.conftest import login

pytestmark = pytest.mark.slow

SAMPLES_PER_GROUP = 3
MAX_FETCHES = 1500
#: Links that end the session or leave the site are not followed.
NOT_FOLLOWED_ENDPOINTS = {"auth.logout", "static"}


@pytest.fixture
def backend():
    return "sqlite"  # the crawl is about links, not the database (both run the same views)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "#", "javascript:")):
            continue
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "localhost"):
            continue  # another site (legal texts on Légifrance…)
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _group(adapter, url: str) -> tuple | None:
    parts = urlsplit(url)
    try:
        endpoint, _args = adapter.match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed):
        return ("unrouted", parts.path)  # fetched: it must answer below 400 anyway
    if endpoint in NOT_FOLLOWED_ENDPOINTS:
        return None
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (endpoint, keys)


def _crawl(app, client) -> tuple[int, list[tuple[str, int, str]]]:
    adapter = app.url_map.bind("localhost")
    queue: deque[tuple[str, str]] = deque([("/", "(départ)")])
    seen: set[str] = {"/"}
    per_group: dict[tuple, int] = {}
    dead: list[tuple[str, int, str]] = []
    fetched = 0
    while queue and fetched < MAX_FETCHES:
        url, found_on = queue.popleft()
        response = client.get(url)
        fetched += 1
        if response.status_code >= 400:
            dead.append((url, response.status_code, found_on))
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(response.headers["Location"])
            if target.path == "/connexion":
                dead.append((url, response.status_code, found_on))  # logged out by a link
                continue
            next_url = target.path + (f"?{target.query}" if target.query else "")
            if next_url not in seen:
                seen.add(next_url)
                queue.append((next_url, url))
            continue
        if response.mimetype != "text/html":
            continue
        for link in _links(url, response.get_data(as_text=True)):
            if link in seen:
                continue
            group = _group(adapter, link)
            if group is None or per_group.get(group, 0) >= SAMPLES_PER_GROUP:
                continue
            per_group[group] = per_group.get(group, 0) + 1
            seen.add(link)
            queue.append((link, url))
    return fetched, dead


@pytest.mark.parametrize("role", ["hr", "admin", "employee"])
def test_no_dead_link_on_any_page_reachable_by_each_role(app, role):
    with app.app_context():
        load_demo(clock.today())
        db.session.commit()
    account = next(a for a in DEMO_ACCOUNTS if a.role == role)
    client = app.test_client()
    assert login(client, account.email, account.password).status_code == 302
    fetched, dead = _crawl(app, client)
    assert not dead, "liens morts : " + "; ".join(f"{u} ({s}, sur {p})" for u, s, p in dead)
    assert fetched > (40 if role != "employee" else 8), f"trop peu de pages parcourues : {fetched}"
