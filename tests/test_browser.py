"""The search page in a real headless Chromium (Debian's), driven by Playwright, against the real server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import serving

from search.writing import build_index

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DUPLICATES = Path(__file__).resolve().parent / "fixtures" / "duplicates"


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (`make browser` installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            browser.close()


def test_search_shows_ranked_highlighted_results_and_date_facet(
    page, live_server: str, tmp_path: Path
) -> None:
    page.goto(live_server + "/")
    page.fill("form[role=search] input[name=q]", "kebakaran hutan")
    page.press("form[role=search] input[name=q]", "Enter")
    page.wait_for_selector("article.result")

    assert page.input_value("form[role=search] input[name=q]") == "kebakaran hutan"
    results = page.locator("article.result")
    assert results.count() >= 3
    first_title = results.first.locator(".result-title a")
    assert first_title.get_attribute("href").startswith("https://")
    marked = [m.lower() for m in page.locator("article.result .snippet mark").all_inner_texts()]
    assert any("hutan" in m for m in marked)
    assert any(m in {"dibakar", "membakar", "terbakar", "pembakaran", "kebakaran"} for m in marked)
    assert "hasil" in page.locator(".result-count").inner_text()

    date_items = page.locator("#facet-date li.facet-item")
    assert date_items.count() >= 1
    assert page.locator("#facet-date .bar").count() == date_items.count()
    page.screenshot(path=str(tmp_path / "search-kebakaran-hutan.png"), full_page=True)
    assert (tmp_path / "search-kebakaran-hutan.png").stat().st_size > 10_000

    total_before = len(page.locator("article.result").all())
    date_items.first.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("#facet-date li.facet-item").count() >= 1
    assert 1 <= len(page.locator("article.result").all()) <= total_before


def test_phone_width_page_has_no_horizontal_scroll(page, live_server: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/search?q=bekasi")
    page.wait_for_selector("article.result")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def test_several_outlets_are_chosen_with_checkboxes(page, live_server: str, tmp_path: Path) -> None:
    page.goto(live_server + "/search?q=hutan")
    outlets = page.locator("#facet-source input[type=checkbox]")
    assert outlets.count() >= 2
    chosen = [outlets.nth(0).get_attribute("value"), outlets.nth(1).get_attribute("value")]
    outlets.nth(0).check()
    outlets.nth(1).check()
    page.click("#facet-source button[type=submit]")
    page.wait_for_selector("article.result")
    assert page.input_value("form[role=search] input[name=q]") == "hutan"
    shown = set(page.locator("article.result .result-source").all_inner_texts())
    assert shown and shown <= set(chosen)
    assert len(shown) == 2
    assert sorted(page.locator(".active-filters .chip").all_inner_texts()) == sorted(f"{c} ×" for c in chosen)
    page.screenshot(path=str(tmp_path / "outlets-desktop.png"), full_page=True)
    feed_href = page.locator("a.feed-link").get_attribute("href")
    assert page.locator('head link[type="application/atom+xml"]').get_attribute("href") == feed_href
    feed = page.request.get(live_server + feed_href)
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    assert {f"<name>{outlet}</name>" in feed.text() for outlet in chosen} == {True}


def test_on_a_phone_the_facets_open_from_a_filter_button_above_the_results(
    page, live_server: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/search?q=bekasi")
    button, facets = page.locator(".filters-button"), page.locator("aside.facets")
    assert button.is_visible() and not facets.is_visible()
    first_result = page.locator("article.result").first.bounding_box()
    assert button.bounding_box()["y"] < first_result["y"]
    page.screenshot(path=str(tmp_path / "phone-filters-closed.png"), full_page=True)
    button.click()
    assert facets.is_visible()
    assert facets.bounding_box()["y"] < page.locator("article.result").first.bounding_box()["y"]
    page.screenshot(path=str(tmp_path / "phone-filters-open.png"), full_page=True)

    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(live_server + "/search?q=bekasi")
    assert page.locator("aside.facets").is_visible() and not page.locator(".filters-button").is_visible()


def test_home_page_lists_the_newest_articles_beside_the_facets(
    page, live_server: str, tmp_path: Path
) -> None:
    page.goto(live_server + "/")
    assert page.locator("article.result").count() == 10
    facets, intro = page.locator("aside.facets").bounding_box(), page.locator(".intro").bounding_box()
    assert facets["x"] + facets["width"] <= intro["x"]  # the left column holds the facets
    page.screenshot(path=str(tmp_path / "home-desktop.png"), full_page=True)
    page.locator("#facet-category a").first.click()
    page.wait_for_load_state()
    assert page.locator(".active-filters .chip").count() == 1
    page.click("text=30 hari terakhir")
    page.wait_for_load_state()
    assert page.locator(".quick-ranges .chip.selected").inner_text() == "30 hari terakhir"
    assert page.locator(".active-filters .chip").count() == 2
    page.screenshot(path=str(tmp_path / "home-category-30-days.png"), full_page=True)


def test_completions_appear_as_you_type_and_the_form_works_without_javascript(
    page, live_server: str, tmp_path: Path
) -> None:
    page.goto(live_server + "/")
    page.locator("input[name=q]").press_sequentially("kebak", delay=30)
    # a selector wait, not wait_for_function: the page's CSP forbids the eval that polling a function uses
    page.wait_for_selector("#suggestions option", state="attached")
    options = page.eval_on_selector_all("#suggestions option", "els => els.map(e => e.value)")
    assert options and all(option.startswith("kebak") for option in options)
    page.screenshot(path=str(tmp_path / "suggest-desktop.png"))

    without_script = page.context.browser.new_page(java_script_enabled=False)
    without_script.goto(live_server + "/")
    without_script.fill("input[name=q]", "kebakaran")
    without_script.press("input[name=q]", "Enter")
    without_script.wait_for_selector("article.result")
    assert without_script.locator("article.result").count() >= 1


def test_copies_of_one_story_collapse_into_a_line_that_opens_the_story(
    page, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    index_dir = tmp_path_factory.mktemp("stories") / "index"
    build_index(index_dir, [DUPLICATES / "articles.jsonl"])
    with serving(index_dir) as url:
        page.goto(url + "/search?q=banjir+garut")
        page.wait_for_selector("article.result")
        assert page.locator("article.result").count() == 2
        similar = page.locator("article.result a.similar")
        assert similar.count() == 1
        assert similar.inner_text().startswith("1 berita serupa dari: ")
        page.screenshot(path=str(tmp_path / "stories.png"), full_page=True)
        similar.click()
        page.wait_for_load_state()
        assert page.locator("article.result").count() == 2
        assert "Berita serupa" in page.locator(".active-filters").inner_text()
        page.locator("article.result a.related").first.click()
        page.wait_for_selector("h1.related-title")
        assert page.locator("article.result").count() >= 1
