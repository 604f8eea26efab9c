"""Small real files for format tests: an HTML page with furniture, a two-page PDF."""

from __future__ import annotations

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<title>Harbour reopens after storm | Coastal Times</title>
<meta name="author" content="Jane Doe">
<meta property="og:site_name" content="Coastal Times">
<meta property="article:published_time" content="2024-03-05">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<article>
<h1>Harbour reopens after storm</h1>
<p>The harbour of Port Elmsby reopened on Tuesday after a storm closed it for nine days.</p>
<p>Harbour master Tom Reyes said that forty fishing boats had returned to their moorings.</p>
<p>Repairs to the northern breakwater will cost about 2 million euros, the council said.</p>
<p>The ferry to Lindholm island will resume its daily crossings next Monday.</p>
</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Storm warning issued</a></li></ul></aside>
<div class="comments"><h3>Leave a reply</h3><form>Please enter your comment!</form></div>
<footer>Subscribe to our newsletter. Copyright 2024 Coastal Times. All rights reserved.</footer>
</body></html>
"""


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text a page."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 40 720 Td ({escaped}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
