"""The pure facet functions: date levels and labels, counting in one pass, and the items the page shows."""

from __future__ import annotations

import pytest

from search.facets import (
    MAX_TERM_ITEMS,
    UNDATED,
    FacetCounts,
    count_facets,
    date_bucket,
    date_facet_items,
    date_label,
    date_scope,
    date_trail,
    in_date_selection,
    is_date_selection,
    long_date,
    term_facet_items,
)

# document number -> (day, outlet); "" is what the columns hold for a missing value
DOCS = {
    0: ("2019-09-10", "Kompas"),
    1: ("2019-09-11", "Tempo"),
    2: ("2019-10-01", "Kompas"),
    3: ("2020-01-05", "Kompas"),
    4: ("", "Tempo"),
    5: ("2019-09-10", ""),
    6: ("2019-09-10", "Tempo"),
}


def counts(selected_date: str | None = None, selected_source: str | None = None, **options) -> FacetCounts:
    chosen = {"source": (selected_source,) if selected_source else ()}
    return count_facets(
        DOCS, lambda doc: DOCS[doc][0], {"source": lambda doc: DOCS[doc][1]}, selected_date, chosen, **options
    )


def toggle(value: str | None) -> str:
    return f"?date={value}" if value else "?"


@pytest.mark.parametrize("value", [UNDATED, "2019", "2019-09", "2019-09-10", "2020-02-29"])
def test_real_dates_and_undated_are_date_selections(value: str) -> None:
    assert is_date_selection(value)


@pytest.mark.parametrize(
    "value", ["", "19", "abcd", "2019-9", "2019-13", "2019-02-30", "2019-09-10x", "None"]
)
def test_anything_else_is_not_a_date_selection(value: str) -> None:
    assert not is_date_selection(value)


def test_date_labels_for_each_level() -> None:
    assert date_label("2019") == "2019"
    assert date_label("2019-09") == "September 2019"
    assert date_label("2019-09-01") == "1 Sep 2019"
    assert date_label(UNDATED) == "tanpa tanggal"


def test_long_date_names_the_weekday() -> None:
    assert long_date("2019-09-10") == "Selasa, 10 September 2019"
    assert long_date("2021-08-01") == "Minggu, 1 Agustus 2021"
    assert long_date(UNDATED) == "tanpa tanggal"


@pytest.mark.parametrize(
    ("selected", "scope"),
    [
        (None, ("", 4)),
        ("", ("", 4)),
        (UNDATED, (UNDATED, 4)),
        ("2019", ("2019", 7)),
        ("2019-09", ("2019-09", 10)),
        ("2019-09-10", ("2019-09", 10)),
    ],
)
def test_date_scope_counts_one_level_below_the_choice(selected: str | None, scope: tuple[str, int]) -> None:
    assert date_scope(selected) == scope


def test_date_bucket_cuts_a_day_to_the_level_and_keeps_undated() -> None:
    assert date_bucket("2019-09-10", 4) == "2019"
    assert date_bucket("2019-09-10", 7) == "2019-09"
    assert date_bucket("2019-09-10", 10) == "2019-09-10"
    assert date_bucket(UNDATED, 7) == UNDATED


def test_in_date_selection_by_prefix_and_undated_exactly() -> None:
    assert in_date_selection("2019-09-10", None)
    assert in_date_selection("2019-09-10", "2019")
    assert in_date_selection("2019-09-10", "2019-09-10")
    assert not in_date_selection("2019-09-10", "2020")
    assert in_date_selection(UNDATED, UNDATED)
    assert not in_date_selection("2019-09-10", UNDATED)
    assert not in_date_selection(UNDATED, "2019")


def test_counts_with_nothing_chosen() -> None:
    found = counts()
    assert found.date == {"2019": 5, "2020": 1, UNDATED: 1}
    assert found.terms["source"] == {
        "Kompas": 3,
        "Tempo": 3,
    }  # an article without an outlet is in no source count
    assert (found.total, found.docs) == (7, None)


def test_counts_within_a_chosen_year_are_per_month() -> None:
    found = counts("2019")
    assert found.date == {"2019-09": 4, "2019-10": 1}
    assert found.terms["source"] == {"Kompas": 2, "Tempo": 2}
    assert found.total == 5


def test_a_chosen_day_counts_its_month_and_a_chosen_outlet_still_shows_the_others() -> None:
    found = counts("2019-09-10", "Kompas", keep_docs=True)
    assert found.date == {"2019-09-10": 1}  # Kompas's days of September 2019: the chosen day is one of them
    assert found.terms["source"] == {
        "Kompas": 1,
        "Tempo": 1,
    }  # the outlets of that day, the chosen one or not
    assert (found.total, found.docs) == (1, {0})
    elsewhere = counts("2019-09-11", "Kompas", keep_docs=True)  # a day with no Kompas article
    assert elsewhere.terms["source"] == {"Tempo": 1}
    assert (elsewhere.total, elsewhere.docs) == (0, set())


def test_undated_and_outlet_choices_narrow_the_total() -> None:
    undated = counts(UNDATED, keep_docs=True)
    assert (undated.date, undated.terms["source"], undated.docs) == ({UNDATED: 1}, {"Tempo": 1}, {4})
    tempo = counts(None, "Tempo", keep_docs=True)
    assert tempo.date == {"2019": 2, UNDATED: 1}
    assert tempo.terms["source"] == {"Kompas": 3, "Tempo": 3}
    assert (tempo.total, tempo.docs) == (3, {1, 4, 6})


def test_date_items_are_chronological_with_undated_last() -> None:
    items = date_facet_items(counts(), None, toggle)
    assert items == [
        {"value": "2019", "label": "2019", "count": 5, "selected": False, "toggle": "?date=2019"},
        {"value": "2020", "label": "2020", "count": 1, "selected": False, "toggle": "?date=2020"},
        {"value": UNDATED, "label": "tanpa tanggal", "count": 1, "selected": False, "toggle": "?date=none"},
    ]


def test_choosing_a_date_item_narrows_and_choosing_it_again_goes_up() -> None:
    months = date_facet_items(counts("2019"), "2019", toggle)
    assert [(item["label"], item["toggle"]) for item in months] == [
        ("September 2019", "?date=2019-09"),
        ("Oktober 2019", "?date=2019-10"),
    ]
    days = date_facet_items(counts("2019-09-10"), "2019-09-10", toggle)
    assert [(item["value"], item["selected"], item["toggle"]) for item in days] == [
        ("2019-09-10", True, "?date=2019-09"),
        ("2019-09-11", False, "?date=2019-09-11"),
    ]
    (undated,) = date_facet_items(counts(UNDATED), UNDATED, toggle)
    assert (undated["selected"], undated["toggle"]) == (True, "?")


def test_date_trail_leads_back_up_level_by_level() -> None:
    assert date_trail(None, toggle) == []
    assert date_trail("2019-09-10", toggle) == [
        {"value": None, "label": "Semua tanggal", "toggle": "?"},
        {"value": "2019", "label": "2019", "toggle": "?date=2019"},
        {"value": "2019-09", "label": "September 2019", "toggle": "?date=2019-09"},
    ]
    assert [step["value"] for step in date_trail("2019", toggle)] == [None]
    assert [step["value"] for step in date_trail(UNDATED, toggle)] == [None]


def outlet_counts(how_many: int) -> FacetCounts:
    """Outlets "Media 01" ... with 1, 2, ... matches, so the last one has the most."""
    return FacetCounts(
        date={}, terms={"source": {f"Media {n:02d}": n for n in range(1, how_many + 1)}}, total=0
    )


def source_toggle(values: tuple[str, ...]) -> str:
    return "?" + "&".join(f"source={value}" for value in values)


def source_items(found: FacetCounts, chosen: tuple[str, ...] = ()) -> list[dict]:
    return term_facet_items(found.terms["source"], chosen, source_toggle, str)


def test_source_items_are_the_most_frequent_outlets() -> None:
    items = source_items(outlet_counts(MAX_TERM_ITEMS + 5))
    assert len(items) == MAX_TERM_ITEMS
    assert [item["count"] for item in items] == list(range(MAX_TERM_ITEMS + 5, 5, -1))
    assert items[0] == {
        "value": "Media 25",
        "label": "Media 25",
        "count": 25,
        "selected": False,
        "toggle": "?source=Media 25",
    }


def test_equal_counts_are_ordered_by_name() -> None:
    tied = FacetCounts(date={}, terms={"source": {"Tempo": 2, "Detik": 2, "Antara": 5}}, total=0)
    assert [item["value"] for item in source_items(tied)] == [
        "Antara",
        "Detik",
        "Tempo",
    ]


def test_the_chosen_outlet_is_always_shown_and_choosing_it_again_clears_it() -> None:
    items = source_items(outlet_counts(MAX_TERM_ITEMS + 5), ("Media 01",))
    assert len(items) == MAX_TERM_ITEMS + 1
    assert items[-1] == {
        "value": "Media 01",
        "label": "Media 01",
        "count": 1,
        "selected": True,
        "toggle": "?",
    }
    assert sum(item["selected"] for item in items) == 1
    (absent,) = source_items(outlet_counts(0), ("Media 99",))
    assert (absent["count"], absent["selected"]) == (0, True)
