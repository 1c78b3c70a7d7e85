"""The Flask app against a real index on disk; the live server (`python -m web`) on a free loopback port where
the behaviour is about serving: debug off, answering through a rebuild, many clients at once."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from flask.json.provider import DefaultJSONProvider
from helpers import serving

from search.indexing import build_index
from web import create_app
from web.fast_json import OrjsonProvider

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
HOSTILE = "<script>alert(\"x\")</script>' onmouseover='"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web") / "index"
    build_index(folder, [FIXTURES / "articles.jsonl"])
    return folder


@pytest.fixture(scope="module")
def client(index_dir: Path):
    return create_app({"INDEX": str(index_dir)}).test_client()


def page(client, **params) -> BeautifulSoup:
    response = client.get("/search?" + urlencode(params, doseq=True))
    assert response.status_code == 200
    return BeautifulSoup(response.data, "lxml")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:  # refused, reset or timed out: a failure the test reports, not a crash
        return 0, str(error).encode()


def test_results_page_follows_the_html_contract(client):
    soup = page(client, q="kebakaran hutan")
    form = soup.select_one('form[role="search"][action="/search"]')
    assert form.select_one('input[type="search"][name="q"]')["value"] == "kebakaran hutan"
    assert form.select_one('button[type="submit"]')
    results = soup.select("article.result")
    assert len(results) == 5
    assert all(result.select_one("h2.result-title a")["href"].startswith("https://") for result in results)
    kalimantan = next(
        r for r in results if r.select_one(".result-title a").text.endswith("Kalimantan Terbakar")
    )
    assert [mark.text for mark in kalimantan.select(".result-title mark")] == ["Hutan", "Terbakar"]
    assert kalimantan.select_one("span.result-source").text == "Warta Nasional"
    assert kalimantan.select_one("time.result-date")["datetime"] == "2019-09-20T09:00:00+07:00"
    assert kalimantan.select_one("time.result-date").text == "Jumat, 20 September 2019"
    assert [mark.text for mark in kalimantan.select("p.snippet mark")][:2] == ["hutan", "terbakar"]
    assert soup.select_one("p.result-count").text.startswith("5 hasil (")
    items = soup.select("#facet-date li.facet-item")
    assert [item.select_one(".label").text for item in items] == ["2019"]
    assert len(soup.select("#facet-date .bar")) == len(items)
    assert {a.select_one(".label").text for a in soup.select("#facet-source li.facet-item label")} == {
        "Warta Nasional",
        "Kabar Riau",
    }


def test_choosing_a_date_narrows_the_results_and_the_trail_leads_back(client):
    soup = page(client, q="kebakaran")
    year_link = soup.select_one("#facet-date li.facet-item a")["href"]
    months = BeautifulSoup(client.get(year_link).data, "lxml")
    assert [item.select_one(".label").text for item in months.select("#facet-date li.facet-item")] == [
        "September 2019",
        "Oktober 2019",
    ]
    october = months.select("#facet-date li.facet-item a")[1]["href"]
    days = BeautifulSoup(client.get(october).data, "lxml")
    assert len(days.select("article.result")) == 1
    back = days.select("#facet-date .trail a")[0]
    assert back.text == "Semua tanggal"
    assert len(BeautifulSoup(client.get(back["href"]).data, "lxml").select("article.result")) == 6


def test_every_page_links_its_json_twin_with_the_same_answer(client):
    soup = page(client, q="kebakaran", sort="newest", per_page=2, page=2)
    api = client.get(soup.select_one("a.json-link")["href"])
    assert api.status_code == 200
    answer = api.get_json()
    assert (answer["query"], answer["page"], answer["per_page"], answer["total"]) == ("kebakaran", 2, 2, 6)
    assert [hit["title"] for hit in answer["results"]] == [a.text for a in soup.select(".result-title a")]
    assert set(answer["results"][0]) == {
        "id", "title", "title_html", "url", "source", "published", "snippet", "score", "cluster", "similar",
        "similar_sources",
    }  # fmt: skip
    assert {"date", "source", "category"} <= set(answer["facets"])
    assert {"value", "label", "count", "selected", "toggle"} <= set(answer["facets"]["date"][0])
    assert answer["took_ms"] >= 0
    assert soup.select_one("nav.pager a[rel=prev]")


@pytest.mark.parametrize(
    "params", [{"q": "kebakaran"}, {"q": "Jakarta banjir", "page": "2"}, {"q": "\u00e9t\u00e9 </script>"}, {}]
)
def test_json_answers_are_the_bytes_flasks_own_encoder_writes(client, params):
    """web/fast_json.py: orjson writes what Flask's default provider would (sorted keys, no spaces, UTF-8)."""
    response = client.get("/api/search?" + urlencode(params))
    answer = response.get_json()
    with client.application.app_context():
        standard = DefaultJSONProvider(client.application)
        standard.ensure_ascii = False
        assert response.data == standard.response(answer).data
    assert isinstance(client.application.json, OrjsonProvider)


def test_every_results_page_links_an_atom_feed_of_its_newest_matches(client):
    soup = page(client, q="kebakaran", source="Warta Nasional", page=2)
    link = soup.select_one('head link[rel="alternate"][type="application/atom+xml"]')
    assert link["href"] == "/search.atom?q=kebakaran&source=Warta+Nasional"
    answer = client.get(link["href"])
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    feed = feedparser.parse(answer.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Cari Berita: kebakaran"
    assert feed.feed.links[0]["href"] == (
        "http://localhost/search.atom?q=kebakaran&source=Warta+Nasional&sort=newest&per_page=20"
    )
    assert [entry.title for entry in feed.entries] == [
        "Pemerintah Tambah Anggaran Pemadaman Kebakaran Hutan",
        "Ratusan Hektare Hutan Kalimantan Terbakar",
        "Asap Kebakaran Hutan, Sekolah di Pekanbaru Diliburkan",
    ]
    newest = feed.entries[0]
    assert newest.link.startswith("https://") and newest.id == newest.link
    assert newest.published == "2019-10-02T11:00:00+07:00" and newest.author == "Warta Nasional"
    assert "kebakaran hutan" in newest.summary  # readers drop <mark>; the feed itself carries it, escaped
    assert b"&lt;mark&gt;kebakaran&lt;/mark&gt;" in answer.data
    assert feed.feed.updated == newest.updated


def test_the_site_describes_itself_as_a_search_engine_for_the_address_bar(client):
    assert page(client).select_one('head link[rel="search"]')["href"] == "/opensearch.xml"
    answer = client.get("/opensearch.xml")
    assert answer.mimetype == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(answer.data)
    spec = "{http://a9.com/-/spec/opensearch/1.1/}"
    assert root.tag == f"{spec}OpenSearchDescription"
    assert root.find(f"{spec}ShortName").text == "Cari Berita"
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{spec}Url")}
    assert templates["text/html"] == "http://localhost/search?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://localhost/search.atom?q={searchTerms}"
    searched = client.get(templates["text/html"].replace("{searchTerms}", "kebakaran"))
    assert searched.status_code == 200 and b"article" in searched.data


def test_completions_as_you_type(client):
    answer = client.get("/api/suggest?q=keba")
    assert answer.status_code == 200
    assert answer.get_json() == ["keba", ["kebakaran", "kebakaran hutan"]]
    assert client.get("/api/suggest?q=%00").get_json() == ["", []]
    box = page(client).select_one('form[role="search"] input[name="q"]')
    assert box["data-suggest"] == "/api/suggest" and box["list"] == "suggestions"
    assert client.get("/static/suggest.js").status_code == 200


def test_misspelt_query_shows_the_corrected_one_and_links_the_one_typed(client):
    corrected = page(client, q="kebakran hutan")
    line = corrected.select_one("p.correction")
    assert (
        " ".join(line.text.split()) == "Menampilkan hasil untuk kebakaran hutan. Telusuri kebakran hutan saja"
    )
    assert len(corrected.select("article.result")) == 5
    as_typed = line.select_one("a.as-typed")
    assert as_typed["href"] == "/search?q=kebakran+hutan&as_typed=1"
    typed = BeautifulSoup(client.get(as_typed["href"]).data, "lxml")
    assert not typed.select("p.correction, p.suggestion")
    assert typed.select_one('input[name="q"]')["value"] == "kebakran hutan"


def test_weakly_misspelt_query_links_the_corrected_one(client):
    suggestion = page(client, q="daearh").select_one("p.suggestion a")
    assert suggestion.text == "daerah"
    assert BeautifulSoup(client.get(suggestion["href"]).data, "lxml").select("article.result")


def test_empty_states(client):
    nothing = page(client, q="zxqv")
    assert not nothing.select("article.result")
    assert "Tidak ada berita" in nothing.select_one(".empty").text
    assert not nothing.select(".facets, .facet h2, .filters-button")  # no empty TANGGAL/MEDIA headings


def test_home_page_browses_the_newest_articles_with_every_facet(client):
    home = page(client)
    assert home.select_one(".intro")
    dates = [time["datetime"] for time in home.select("article.result time.result-date")]
    assert dates[:2] == ["2019-10-02T11:00:00+07:00", "2019-09-20T09:00:00+07:00"]
    assert home.select_one(".result-count").text.startswith("Berita terbaru: 17 artikel")
    assert {section["id"] for section in home.select(".facets section")} == {
        "facet-date", "facet-source", "facet-category"
    }  # fmt: skip
    by_category = page(client, category="OLAHRAGA")
    assert len(by_category.select("article.result")) == 2
    assert not by_category.select_one(".intro")
    assert [chip.text for chip in by_category.select(".active-filters .chip")] == ["Olahraga ×"]


def test_a_recent_result_says_how_long_ago_it_was_published(tmp_path):
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    article = {
        "title": "Gempa Kecil Terasa di Bandung",
        "content": "Gempa kecil terasa di Bandung pagi ini; tidak ada kerusakan.",
        "url": "https://kabar.example/gempa-bandung",
        "published": three_hours_ago.astimezone(timezone(timedelta(hours=7))).isoformat(timespec="seconds"),
    }
    (tmp_path / "recent.jsonl").write_text(json.dumps(article), encoding="utf-8")
    build_index(tmp_path / "ix", [tmp_path / "recent.jsonl"])
    recent = create_app({"INDEX": str(tmp_path / "ix")}).test_client()
    assert page(recent, q="gempa").select_one("article.result .result-ago").text == "· 3 jam lalu"


def test_sort_is_offered_once_and_date_chips_read_like_the_facets(client):
    assert not page(client, q="kebakaran").select(".result-ago")  # 2019 is not recent
    soup = page(client, q="kebakaran", **{"from": "2019-09-16", "to": "2019-10-02"}, sort="newest")
    assert not soup.select('form[role="search"] select[name="sort"]')
    assert soup.select_one('form[role="search"] input[type="hidden"][name="sort"]')["value"] == "newest"
    assert len(soup.select("nav.sort-links")) == 1
    assert [chip.text for chip in soup.select(".active-filters .chip")] == ["16 Sep 2019 – 2 Okt 2019 ×"]


def test_outlets_are_chosen_with_checkboxes_several_at_once(client):
    soup = page(client, q="kebakaran")
    form = soup.select_one("#facet-source form")
    assert form.select_one('input[type="hidden"][name="q"]')["value"] == "kebakaran"
    boxes = form.select('input[type="checkbox"][name="source"]')
    assert {box["value"] for box in boxes} == {"Warta Nasional", "Kabar Riau", "Kota Kita"}
    chosen = page(client, q="kebakaran", source=["Kabar Riau", "Kota Kita"])
    assert {tag.text for tag in chosen.select("span.result-source")} == {"Kabar Riau", "Kota Kita"}
    checked = chosen.select('#facet-source input[type="checkbox"][checked]')
    assert {box["value"] for box in checked} == {"Kabar Riau", "Kota Kita"}


@pytest.mark.parametrize(
    "params",
    [{"page": "-1"}, {"per_page": "100000"}, {"from": "junk"}, {"q": "x" * 501}, {"sort": "'; DROP"}],
)
def test_bad_parameters_get_400_with_a_message(client, params):
    api = client.get("/api/search?" + urlencode({"q": "hutan", **params}))
    assert api.status_code == 400
    assert api.is_json and api.get_json()["error"]
    html = client.get("/search?" + urlencode({"q": "hutan", **params}))
    assert html.status_code == 400
    assert BeautifulSoup(html.data, "lxml").select_one('.notice[role="alert"]').text.strip()


def test_missing_index_is_a_clear_503(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "none")}).test_client()
    api = client.get("/api/search?q=hutan")
    assert api.status_code == 503
    assert "indexer.py build" in api.get_json()["error"]
    html = client.get("/search?q=hutan")
    assert html.status_code == 503
    assert "Indeks pencarian belum tersedia" in html.get_data(as_text=True)


def test_queries_and_article_text_are_escaped_everywhere(client):
    html = client.get("/search?" + urlencode({"q": HOSTILE})).get_data(as_text=True)
    assert "<script>alert" not in html and "onmouseover='" not in html
    assert BeautifulSoup(html, "lxml").select_one('input[name="q"]')["value"] == HOSTILE

    html = client.get("/search?q=celah+situs").get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    assert not soup.select("article.result script")
    assert "Celah <script> di Situs" in soup.select_one(".result-title a").text  # shown as text
    assert "&lt;script&gt;" in html or "&lt;<mark>script</mark>&gt;" in html

    api = client.get("/api/search?" + urlencode({"q": HOSTILE}))
    assert api.get_json()["query"] == HOSTILE.strip()
    policy = client.get("/search?q=hutan").headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and "script-src 'self';" in policy
    assert "<script>" not in html  # only the site's own script file, never inline


def test_control_characters_never_reach_the_page(client):
    html = client.get("/search?q=%00").get_data(as_text=True)
    assert "\x00" not in html
    long_query = client.get("/search?q=a%00b&page=-1")  # the 400 page shows the query too
    assert long_query.status_code == 400 and "\x00" not in long_query.get_data(as_text=True)


def test_only_web_addresses_become_links(client):
    title = page(client, q="rendang").select_one(".result-title a")
    assert title.text == "Resep Rendang Daging Khas Minang"
    assert not title.has_attr("href")  # its URL in the data is "javascript:..."


def test_server_runs_without_debug_mode(index_dir):
    assert create_app({"INDEX": str(index_dir)}).debug is False
    with serving(index_dir) as url:
        status, body = fetch(url + "/console")  # werkzeug's debugger console exists only in debug mode
        assert status == 404
        status, body = fetch(url + "/api/search?page=-1")
        assert status == 400 and "Traceback" not in body.decode()


def test_a_busy_port_says_how_to_pick_another(index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "web", "--index", str(index_dir), "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Port {port} is in use" in done.stderr and f"cannot serve on 127.0.0.1:{port}" in done.stderr
    assert "make run PORT=" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("workers", [0, 2], ids=["one process", "two gunicorn workers"])
def test_server_keeps_answering_through_rebuilds_and_then_serves_the_new_index(tmp_path, workers):
    index_dir = tmp_path / "index"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "articles.jsonl", corpus / "articles.jsonl")
    build_index(index_dir, [corpus])
    statuses: list[int] = []
    stop = threading.Event()
    with serving(index_dir, workers=workers) as url:

        def keep_asking() -> None:
            while not stop.is_set():
                statuses.append(fetch(url + "/api/search?q=kebakaran")[0])

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            assert json.loads(fetch(url + "/api/search?q=gempa")[1])["total"] == 0
            build_index(index_dir, [corpus])
            shutil.copy(FIXTURES / "later.jsonl", corpus / "later.jsonl")
            build_index(index_dir, [corpus])
            answer = json.loads(fetch(url + "/api/search?q=gempa")[1])
        finally:
            stop.set()
            asker.join()
    assert answer["total"] == 1
    assert answer["results"][0]["title"] == "Gempa Magnitudo 5,2 Guncang Lombok, Warga Berhamburan"
    assert statuses and set(statuses) == {200}


@pytest.mark.slow
def test_eight_concurrent_clients_for_twenty_seconds_get_no_errors(index_dir):
    queries = [
        "kebakaran hutan",
        "bekasi",
        "timnas",
        "pemerintah",
        "kebakran",
        '"kerja sama"',
        "banjir -jakarta",
    ]
    failures: list[str] = []
    answered = [0] * 8

    def client_loop(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            query = queries[turn % len(queries)]
            path = "/api/search?" if turn % 2 else "/search?"
            status, body = fetch(url + path + urlencode({"q": query, "page": 1 + turn % 3}))
            if status != 200 or not body:
                failures.append(f"{status} for {path}{query}")
            answered[number] += 1
            turn += 1

    threads = [threading.Thread(target=client_loop, args=(number,)) for number in range(8)]
    with serving(index_dir) as url:
        deadline = time.monotonic() + 20
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert all(count > 0 for count in answered)
