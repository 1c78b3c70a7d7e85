"""Clean articles out of saved news pages and plain-text dumps.

Generic rules come first so that an outlet never seen still comes out right. One module per thing found:
- decoding:  bytes to text, whatever charset the page declares;
- meta:      the page's meta tags, JSON-LD article and canonical link;
- outlet:    the outlet as readers know it;
- credits:   the writer a credit line names;
- category:  the section, normalised to a small set of Indonesian names;
- title:     the headline;
- published: the publication date;
- relative:  dates like "2 jam yang lalu", against the time the page was saved;
- body:      the article's paragraphs without reader furniture;
- page:      one HTML page to an `Article`, in that order;
- dumps:     plain-text dumps to an `Article`;
- tables:    the word lists, tag sets, outlet table and patterns all of them read.
"""

from search.extract.category import normalise_category
from search.extract.decoding import decode_html
from search.extract.dumps import extract_text_dump
from search.extract.errors import ExtractError
from search.extract.outlet import outlet_name
from search.extract.page import extract_html
from search.extract.tables import MAX_PAGE_BYTES
from search.extract.title import title_from_body

__all__ = [
    "MAX_PAGE_BYTES",
    "ExtractError",
    "decode_html",
    "extract_html",
    "extract_text_dump",
    "normalise_category",
    "outlet_name",
    "title_from_body",
]
