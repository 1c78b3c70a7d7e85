"""The word lists, tag sets, outlet table and patterns every extractor reads: a new rule is a change here.

Kept apart from the code that applies them so that adding an outlet, a furniture phrase or a credit form
touches one file.
"""

from __future__ import annotations

import re

from search.dates import MONTHS

# Pages and dumps bigger than this are refused unread: no news article is 10 MB of text.
MAX_PAGE_BYTES = 10 * 1024 * 1024

OUTLETS = {
    "antaranews.com": "ANTARA News",
    "bisnis.com": "Bisnis.com",
    "cnbcindonesia.com": "CNBC Indonesia",
    "cnnindonesia.com": "CNN Indonesia",
    "detik.com": "detikcom",  # its channels (inet.detik.com, "detikInet") are one outlet: one facet value
    "fimela.com": "Fimela.com",
    "idntimes.com": "IDN Times",
    "jawapos.com": "JawaPos.com",
    "kapanlagi.com": "KapanLagi.com",
    "kompas.com": "Kompas.com",
    "kontan.co.id": "Kontan",
    "kumparan.com": "kumparan",
    "liputan6.com": "Liputan6.com",
    "mediaindonesia.com": "Media Indonesia",
    "merdeka.com": "Merdeka.com",
    "okezone.com": "Okezone",
    "posmetro-medan.com": "Posmetro Medan",
    "republika.co.id": "Republika",
    "sindonews.com": "SINDOnews",
    "suara.com": "Suara.com",
    "tempo.co": "Tempo.co",
    "tirto.id": "Tirto.id",
    "tribunnews.com": "Tribunnews.com",
    "viva.co.id": "VIVA",
    "wowkeren.com": "WowKeren",
}
DETIK_CHANNELS = ("news", "inet", "sport", "finance", "hot", "health", "travel", "food", "oto", "edu")
OUTLET_BY_LOWER_NAME = (
    {name.lower(): name for name in OUTLETS.values()}
    | {"republika online": "Republika", "antara": "ANTARA News"}
    | {f"detik{channel}": "detikcom" for channel in DETIK_CHANNELS}
)

# Containers that never hold the article's own prose.
SKIP_TAGS = {
    "script", "style", "noscript", "iframe", "svg", "form", "button", "select", "input", "textarea",
    "template", "nav", "footer", "aside", "figure", "figcaption", "video", "audio", "object", "embed",
    "canvas", "map", "head", "title", "meta", "link",
}  # fmt: skip
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
    "td", "th", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "center", "header", "hr",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# class/id words of boxes that are not the article: related links, sharing, tags, comments, ads.
BOILERPLATE_CLASS_WORDS = {
    "related", "terkait", "share", "sharing", "social", "sosmed", "socmed", "comment", "comments", "komentar",
    "tag", "tags", "breadcrumb", "breadcrumbs", "newsletter", "sidebar", "popular", "terpopuler", "populer",
    "recommendation", "rekomendasi", "advertisement", "ads", "iklan", "banner", "juga", "bacajuga", "footer",
    "author", "byline", "editor", "penulis", "reporter", "caption", "copyright", "rating", "subscribe",
    "tweet", "instagram", "tiktok",
}  # fmt: skip
# Boilerplate words that also name a box run together with another word: "commentlist", "relatedposts",
# "sidebarleft", "bacajugabox" (not short or ambiguous ones: "ads" is in "address", "editor" in "ckeditor").
COMPOUND_BOILERPLATE_WORDS = (
    "related", "terkait", "comment", "komentar", "sidebar", "breadcrumb", "newsletter", "popular",
    "populer", "recommendation", "rekomendasi", "advertisement", "bacajuga", "subscribe", "copyright",
    "sosmed", "socmed",
)  # fmt: skip
CLASS_WORD_SPLIT = re.compile(r"[^a-z0-9]+")

# Paragraphs that are reader furniture wherever they appear in a body.
FURNITURE = re.compile(
    r"""^(?:
        (?:baca|lihat|simak|tonton|saksikan|cek)\s+(?:juga|selanjutnya|selengkapnya|video|berita|artikel|breaking)\b
      | baca\s*:
      | pilihan\s+editor\s*:
      | (?:sebagian\s+)?(?:artikel|berita|tulisan|konten|naskah)\s+ini\s+
        (?:(?:telah|sudah|pernah|juga|sebelumnya)\s+)*(?:tayang|terbit|diterbitkan|dimuat|dipublikasikan|ditayangkan)\b
      | this\s+(?:article|story)\s+(?:was|has\s+been)\s+(?:first\s+)?(?:published|posted)\b
      | (?:yuk|ayo|mari)\b[,!]?\s+
        (?:dapatkan|simak|ikuti|gabung|bergabung|baca|tonton|download|unduh|follow)\b
      | dapatkan\s+(?:update|informasi|berita)\b
      | dilarang\s+keras\s+mengambil\b
      | laporan\s+wartawan\b
      | halaman\s+(?:selanjutnya|berikutnya|sebelumnya)\b
      | (?:berita|artikel|kumpulan\s+berita)\s+(?:terkait|lainnya|rekomendasi|pilihan)\b
      | (?:jangan\s+lewatkan|terpopuler|pilihan|terkini|rekomendasi|populer|tags?|topik)\s*:?\s*$
      | jangan\s+lewatkan(?:\s+\w+){1,3}\s*:\s*$
      | advertisement\s*$ | iklan\s*$
      | scroll\s+(?:to|down)\b
      | lanjutkan\s+membaca\b
      | (?:perbesar|komentar(?:\s+pembaca)?)\s*$
      | \d+\s+dari\s+\d+\s+halaman\s*$
      | halaman\s*[\d\s]+(?:selanjutnya)?\s*$
      | \[gambas:
      | (?:editor|penulis|pewarta|reporter|redaktur|red|rep|foto|fotografer|penyunting|kontributor)
        (?:\s*(?:&|,|/|dan)\s*(?:editor|penulis|pewarta|reporter|redaktur|fotografer|penyunting))*\s*:
      | (?:copyright|hak\s+cipta)\b | ©
      | tweets\s+by\b
      | (?:copy\s+link|bagikan|share)\s*:?\s*$
      | jangan\s+sampai\s+ketinggalan\b
      | rate\s+artikel\b
      | a-\s*a\+\s*$
    )""",
    re.I | re.X,
)
# A syndication note that closes the last paragraph instead of standing alone: "... katanya. Artikel ini telah
# tayang di Kompas.com dengan judul ...".
SYNDICATION_TAIL = re.compile(
    r"(?<=[.!?\"”])\s+(?:sebagian\s+)?(?:artikel|berita|tulisan|konten)\s+ini\s+"
    r"(?:(?:telah|sudah|pernah|juga)\s+)*(?:tayang|terbit|diterbitkan|dimuat|dipublikasikan|ditayangkan)\b.*$",
    re.I,
)
# Credit lines, also when the label is styled apart from the name: "Penulis: Rina Wulandari", "EditorBagus
# Santoso" (two <span>s), a table row read as "Penulis" then ": Nabilla Tashandra", "Rep: C31/ Red: Israr".
# Labels that may stand alone or run into the name; the colon-only ones also open prose ("Oleh karena
# itu", "Rep" in "Republik", "Red" in "Redaksi"), so they make a credit only with a colon. "Sumber:" is no
# credit: a press release ends with its source.
_CREDIT_LABELS = (
    r"penulis|reporter|pewarta|kontributor|wartawan|jurnalis|editor|redaktur|penyunting|penyelaras"
    r"|fotografer|videografer"
)
_COLON_ONLY_CREDIT_LABELS = r"ditulis\s+oleh|oleh|rep|red"
# A name as credits print it: capitalised words or initials, with "bin", "dan", "&" or commas between them.
_CREDIT_NAME = r"[A-Z0-9][\w.'’-]*(?:(?:\s+|\s*,\s*)(?:[A-Z0-9(][\w.'’()-]*|bin|binti|dan|&))*"
_CREDIT = (
    rf"(?:(?i:{_CREDIT_LABELS})(?:\s*[:|])*\s*|(?i:{_CREDIT_LABELS}|{_COLON_ONLY_CREDIT_LABELS})(?:\s*[:|])+\s*)"
    rf"(?:{_CREDIT_NAME})?"
)
CREDIT_LINE = re.compile(rf"^\(?\s*(?:{_CREDIT}|[:|]\s*{_CREDIT_NAME})(?:\s*[|/,;]\s*{_CREDIT})*\s*\)?$")
MAX_CREDIT_LINE_CHARS = 80
# A writer named in a credit, wherever on the page it is printed: "Penulis : Rina", "Reporter: Aksara Bebey",
# "Laporan Wartawan Tribunnews.com, Ani Lestari".
_WRITER_LABELS = r"penulis|reporter|pewarta|kontributor|wartawan|jurnalis|ditulis\s+oleh|oleh"
WRITER_CREDIT = re.compile(
    rf"(?:^|[|/;(]\s*)(?i:{_WRITER_LABELS})(?:\s*[:|])*\s*(?P<name>{_CREDIT_NAME})"
    rf"|^(?i:laporan\s+wartawan)\s+[\w.]+\s*,\s*(?P<reporter>{_CREDIT_NAME})"
)
MAX_CREDIT_CONTEXT_CHARS = 120
WRITER_LABEL_START = re.compile(rf"^\s*(?:{_WRITER_LABELS}|laporan\s+wartawan)\b", re.I)
# What a credit says about the writer before the name: "Kontributor Lhokseumawe, Masriadi".
WRITER_ROLE_PREFIX = re.compile(rf"^(?i:{_WRITER_LABELS})\s+[\w .-]{{2,30}},\s*")
# What runs on after a credited name in the same line: the next credit ("Rina Wulandari Editor Bagus") or the
# date ("Rina Wulandari Kamis, 5 November 2015").
AFTER_CREDIT_NAME = re.compile(
    rf"\s*,?\s+(?:(?i:{_CREDIT_LABELS}|{_COLON_ONLY_CREDIT_LABELS}|senin|selasa|rabu|kamis|jum'?at|sabtu|minggu)\b"
    r"|\d).*$"
)
# Author fields that name the outlet or its staff, not a person: "Liputan6.com", "Tim Redaksi", "developer",
# "Kompas Cyber Media".
NOT_A_PERSON = re.compile(
    r"\b(?:redaksi|tim|admin|administrator|developer|staff|newsroom|desk|media|network|group)\b|\.\w{2,6}\b|\d",
    re.I,
)
# A pager or a "read on" line between the parts of one article: "1 2 3 Selanjutnya »", "Halaman 2 dari 4",
# "Baca Selanjutnya", "Scroll down untuk melanjutkan membaca". The article goes on after it.
CONTINUATION = re.compile(
    r"^(?:(?:halaman|hal\.?|page)\s*:?\s*)?(?:(?:\d{1,3}|dari|of|selanjutnya|berikutnya|sebelumnya|next|prev(?:ious)?"
    r"|[»›«‹<>…]|\.\.\.)\s*)+$"
    r"|selanjutnya|berikutnya|next\s+page|lanjutkan\s+membaca|melanjutkan\s+membaca|scroll\s+(?:down|to)",
    re.I,
)
MAX_CONTINUATION_CHARS = 80
CONTAINS_FURNITURE = re.compile(r"google\s+news|berikan\s+komentar", re.I)
# Invitations to follow the outlet elsewhere, which run a little longer: "Simak breaking news ... WhatsApp
# Channel : https://...", "Ikuti kami di Instagram", "Download aplikasi ... sekarang".
FOLLOW_US = re.compile(
    r"whats\s*app\s+channel|wa\s+channel|saluran\s+whats\s*app|grup\s+telegram|telegram\s+channel"
    r"|^(?:ikuti|follow)\s+(?:kami|juga|saluran|kanal|channel|akun|berita|update|instagram|twitter|tiktok)\b"
    r"|^(?:download|unduh)\s+(?:aplikasi|app)\b",
    re.I,
)
MAX_FOLLOW_US_CHARS = 300
# A picture's caption printed as a paragraph ends with the photo credit: "... Foto: Grammy",
# "... (AP Photo/Vincent Yu)", "... (Foto/Ist)".
PHOTO_CREDIT = re.compile(
    r"(?:^|[\s(\[])(?:foto|photo|sumber\s+foto|ilustrasi|gambar)\s*[:/]\s*(?:dok\.\s*)?[^.:()\[\]]{1,60}[)\]]?\s*\.?$",
    re.I,
)
MAX_CAPTION_CHARS = 300
# The photo credit closing a caption, cut off when the caption itself is the story (a gallery):
# "... Waisak. (ANTARA FOTO/Anis Efizudin)", "... dunia. Foto: Lensa Nusantara/Dimas".
CAPTION_CREDIT = re.compile(
    r"\s*[(\[]?\s*(?-i:[A-Z][A-Z.]*\s+)?(?:foto|photo|sumber\s+foto)\s*[:/][^()\[\]]{1,60}[)\]]?\s*\.?$", re.I
)
# A caption that is only the picture's source: "shutterstock", "Ilustrasi shutterstock.com", "Dok. Istimewa".
PICTURE_SOURCE_ONLY = re.compile(
    r"^\(?(?:(?:ilustrasi|foto|photo|dok\.?|dokumentasi|gambar|image)\s*[:/.]?\s*)*"
    r"(?:shutterstock|freepik|unsplash|pexels|pixabay|istimewa|ist|istockphoto|getty\s*images|canva)"
    r"(?:\.com)?(?:\s*/\s*[^()/]{2,30})?\)?\.?$",
    re.I,
)
HASHTAGS_ONLY = re.compile(r"^(?:#\S+(?:\s+\S+){0,3}\s*)+$")
# Author/editor initials that close an article: "(mdk/yan)", "(kpl/pur/tch)", "(H-4)"; alone: "(ren)".
# Also, after a sentence, lower-case initials alone ("... katanya. (jpnn)", "... petani.(tsa)") and the outlet
# with the reporter's name or the rubric ("(Tribunnews.com/Ani Lestari)", "(tirto.id - Ekonomi)").
TRAILING_CREDIT = re.compile(
    r"\s*\((?:[A-Za-z0-9]{1,6}\s*[/-]\s*)+[A-Za-z0-9]{1,6}\)\s*$"
    r"|(?<=[.!?\"”])\s*\((?:[a-z]{2,6}|[\w-]+(?:\.[a-z]{2,3})+\s*[/\-–]\s*[^()/]{2,40})\)\s*$"
)
CREDIT_ONLY = re.compile(r"^\(\s*(?:[a-z]{2,6}|[\w-]+(?:\.[a-z]{2,3})+\s*[/\-–]\s*[^()/]{2,40})\s*\)$", re.I)
# A reporter's name or agency closing an article: "DINI TEJA", "ANTARA", "REUTERS | AFP".
AUTHOR_SIGNATURE = re.compile(r"^(?=(?:\S+\s+){0,4}\S+$)[A-Z][A-Z .,'’|/()&-]{1,40}$")
STAMP_WORDS = re.compile(
    r"\b(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|mon|tue|wed|thu|fri|sat|sun)\w*"
    r"|\b(?:wib|wita|wit|utc|gmt|pukul|jam|diperbarui|dipublikasikan|diterbitkan|terbit|updated?|published|on|at)\b"
    r"|\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
)
UPDATE_WORDS = re.compile(
    r"\b(?:diperbarui|diperbaharui|pembaruan|diubah|update[ds]?|last\s+modified|modified|edited)\b", re.I
)
DATELINE_ONLY = re.compile(r"^[A-Z][\w .,()]{1,60}\s*(?:-|–|—|--)$")
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+|\s*\|\s*|:\s+")
WHITESPACE = re.compile(r"\s+")

# Meta tags (lower-cased property/name/itemprop) that carry the publication date.
STRUCTURED_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dtk:publishdate",
    "publishdate",
    "pubdate",
    "publish-date",
    "date",
    "dc.date.issued",
    "dc.date",
    "sailthru.date",
    "content_publishdate",
)

# The dateline that opens a story or a dump: "Suara.com - ", "JAKARTA, KOMPAS.com - ", "Medan (ANTARA) - ".
DATELINE_LEAD = re.compile(r"^(?P<lead>(?:(?![.!?]\s)[^\"“]){2,70}?)\s*(?:--|-|–|—)\s+(?=\S)")
LEAD_OUTLET = re.compile(r"[A-Za-z][\w-]*(?:\.[A-Za-z]{2,6})+|(?<=\()[A-Z][A-Za-z ]{2,30}(?=\))")
LINK_LIST_START = re.compile(
    r"^(?:baca\s+juga|berita\s+terkait|artikel\s+terkait|terpopuler|pilihan|terkini|rekomendasi|"
    r"berita\s+lainnya|tags?\s*:|topik\s*:|editor\s*:|penulis\s*:|copyright)\b",
    re.I,
)

# The sections articles are filed under, and the words outlets use for them in breadcrumbs, section metadata,
# sub-domains and URL paths ("regional.kompas.com", "/bola/", "ShowBiz", "Tekno").
CATEGORY_WORDS = {
    "Nasional": ("nasional", "national"),
    "Regional": (
        "regional", "daerah", "nusantara", "megapolitan", "metro", "jabar", "jateng", "jatim", "jogja",
        "sumut", "sumsel", "kalbar", "kaltim", "sulsel",
    ),
    "Internasional": (
        "internasional", "international", "dunia", "world", "global", "luar negeri", "mancanegara",
    ),
    "Politik": ("politik", "politics", "pemilu", "pilkada", "pilpres"),
    "Hukum": ("hukum", "law", "kriminal", "crime", "kriminalitas"),
    "Ekonomi": (
        "ekonomi", "economy", "bisnis", "business", "finance", "finansial", "money", "keuangan", "ekbis",
        "market", "properti", "property",
    ),
    "Olahraga": ("olahraga", "sport", "sports", "bola", "sepakbola", "soccer", "football", "motogp", "raket"),
    "Teknologi": ("tekno", "teknologi", "tech", "technology", "inet", "gadget", "sains", "science"),
    "Hiburan": ("hiburan", "showbiz", "celeb", "seleb", "selebriti", "entertainment", "hot", "film", "musik",
                "music"),
    "Gaya Hidup": ("lifestyle", "gaya hidup", "gayahidup", "style", "fashion", "beauty", "kecantikan",
                   "parenting", "relationship", "zodiak", "food", "kuliner"),
    "Kesehatan": ("health", "kesehatan", "sehat"),
    "Otomotif": ("otomotif", "oto", "auto", "automotive"),
    "Wisata": ("travel", "wisata", "traveling", "tourism"),
    "Pendidikan": ("pendidikan", "edukasi", "education", "edu", "kampus"),
    "Religi": ("religi", "islam", "islami", "khazanah", "haji", "umrah"),
}  # fmt: skip
# Words for news in general: a section only when nothing names a more specific one.
GENERAL_CATEGORY_WORDS = {"news": "Nasional", "peristiwa": "Nasional"}

# A date printed relative to when the page was read: "2 jam yang lalu", "30 menit lalu", "sejam lalu",
# "kemarin, 14:05 WIB", "hari ini 09:10", "baru saja", "3 hours ago", "yesterday".
RELATIVE_DATE = re.compile(
    r"\b(?:(?P<count>\d{1,3})\s*|(?:se|an?|one)\s*)"
    r"(?P<unit>detik|menit|mnt|jam|hari|minggu|pekan|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)"
    r"\s+(?:yang\s+)?(?:lalu|ago)\b"
    r"|\b(?P<day>kemarin|yesterday|hari\s+ini|today)\b(?:\s*,?\s*(?:pukul|jam|at)?\s*"
    r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d))?"
    r"|\b(?P<now>baru\s+saja|just\s+now)\b",
    re.I,
)
# When the page was saved or crawled, as the saving tool wrote it (never the page's own modified time):
# SingleFile's "saved date: Tue Dec 01 2026 20:44:42 GMT+0700", HTTrack's "Mirrored from ... by HTTrack
# Website Copier/3.x [XR&CO'2014], Tue, 01 Dec 2026 13:44:42 GMT", the Wayback Machine's "FILE ARCHIVED ON
# 13:44:42 Dec 01, 2026" (UTC). Chrome's "saved from url=(0071)..." has no time.
SINGLEFILE_SAVED = re.compile(
    r"saved date:\s*\w{3}\s+(?P<month>\w{3})\s+(?P<day>\d{1,2})\s+(?P<year>\d{4})\s+"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})\s*GMT(?P<offset>[+-]\d{4})"
)
HTTRACK_SAVED = re.compile(
    r"Mirrored from \S+ by HTTrack Website Copier/[^\]]*\],\s*(?P<stamp>[^>]{10,40}?)\s*-->"
)
WAYBACK_SAVED = re.compile(
    r"FILE ARCHIVED ON (?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}) "
    r"(?P<month>\w{3}) (?P<day>\d{1,2}), (?P<year>\d{4})"
)
