"""Indonesian dates as outlets print them, to ISO 8601 (WIB = +07:00)."""

from __future__ import annotations

import pytest

from search.dates import find_date, find_dates, parse_indonesian_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 April 2019", "2019-04-09"),
        ("Selasa, 09 Apr 2019 14:05 WIB", "2019-04-09T14:05:00+07:00"),
        ("23/02/2016", "2016-02-23"),
        ("Kamis, 5 November 2015 14:56 WIB", "2015-11-05T14:56:00+07:00"),
        ("kata Anies di Balai Kota, Selasa (9/4/2019).", "2019-04-09"),
        ("Kamis, 5 November 2015 - 15:56 wib", "2015-11-05T15:56:00+07:00"),
        ("Rabu, 4 November 2015 | 21:04 WIB", "2015-11-04T21:04:00+07:00"),
        ("Jumat , 17 February 2017, 13:16 WIB", "2017-02-17T13:16:00+07:00"),
        ("on 16 Feb 2016 at 09:10 WIB", "2016-02-16T09:10:00+07:00"),
        ("20 Des 2021, 09:59 WIB", "2021-12-20T09:59:00+07:00"),
        ("17 Agt 2019", "2019-08-17"),
        ("1 Agu 2019", "2019-08-01"),
        ("30 Ags 2019", "2019-08-30"),
        ("12 Mei 2019 pukul 10.00 WITA", "2019-05-12T10:00:00+08:00"),
        ("3 Okt 2019 19:00 WIT", "2019-10-03T19:00:00+09:00"),
        ("Kamis, 05/11/2015 10:08 WIB", "2015-11-05T10:08:00+07:00"),
        ("08/1/2026 20:19", "2026-01-08T20:19:00+07:00"),
        ("2019-09-10", "2019-09-10"),
        ("2019-09-10 04:08:00", "2019-09-10T04:08:00+07:00"),
        ("2019-09-10T21:48:00.000+0700", "2019-09-10T21:48:00+07:00"),
        ("2016-02-16T02:10:56Z", "2016-02-16T02:10:56+00:00"),
        ("2021-06-17T11:38:29-07:00", "2021-06-17T11:38:29-07:00"),
        ("Thu, 17 Jun 2021 11:38:29 GMT", "2021-06-17T11:38:29+00:00"),
        # malformed stamps real pages carry
        ("2015-11-05 T10:08:58Z", "2015-11-05T10:08:58+00:00"),
        ("2022-12-10T13-19-56Z", "2022-12-10T13:19:56+00:00"),
        ("2022/12/10 13:19:56", "2022-12-10T13:19:56+07:00"),
        # English-language editions: month first, 12-hour clock
        ("Sep 11, 2019 14:05 WIB", "2019-09-11T14:05:00+07:00"),
        ("November 5th, 2015 | 11:13 WIB", "2015-11-05T11:13:00+07:00"),
        ("Updated: Mar 3, 2021 8:05 PM", "2021-03-03T20:05:00+07:00"),
        ("3 Mar 2021 12:30 a.m. WIB", "2021-03-03T00:30:00+07:00"),
        ("Rabu, 11/09/2019 14:05 WIB", "2019-09-11T14:05:00+07:00"),
    ],
)
def test_parses_the_formats_outlets_print(text: str, expected: str) -> None:
    assert parse_indonesian_datetime(text) == expected


@pytest.mark.parametrize(
    "text", ["", None, "tanpa tanggal", "31/02/2019", "Rp 15.000", "9 April", "2 jam lalu", "Mei 2019"]
)
def test_returns_none_without_a_real_date(text: str | None) -> None:
    assert parse_indonesian_datetime(text) is None


def test_a_number_after_the_date_is_not_taken_for_a_time() -> None:
    assert parse_indonesian_datetime("Selasa, 9 April 2019, 15.000 orang hadir") == "2019-04-09"


def test_finds_every_date_in_order_and_reports_the_stated_zone() -> None:
    found = find_dates("Diperbarui 10 Des 2022 13:19 WIB, terbit 09/12/2022 pukul 15.26")
    assert [d.iso() for d in found] == ["2022-12-10T13:19:00+07:00", "2022-12-09T15:26:00+07:00"]
    assert [d.offset for d in found] == ["+07:00", None]


def test_converts_a_true_utc_stamp_to_wib() -> None:
    stamp = find_date("2016-02-16T02:10:56Z")
    assert stamp is not None
    assert stamp.in_offset("+07:00").iso() == "2016-02-16T09:10:56+07:00"
