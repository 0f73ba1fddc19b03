"""The demo's index.html: every picture with a sentence, in one self-contained page (no network).

Pictures are embedded as data URIs and the step player as an iframe's ``srcdoc``, so the
page shows everything even when copied alone; each section also links its own file.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

MIME = {".png": "image/png", ".svg": "image/svg+xml"}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f6; color: #111; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 18px; }
header { background: #fff; border-bottom: 1px solid #d8d8de; padding: 18px 24px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0; color: #444; max-width: 70em; }
main { max-width: 1200px; margin: 0 auto; padding: 12px 24px 40px; }
section { background: #fff; border: 1px solid #d8d8de; border-radius: 10px; margin: 18px 0;
  padding: 14px 20px 18px; }
section h2 { margin: 0 0 6px; font-size: 22px; }
section p { margin: 0 0 12px; max-width: 62em; }
.number { color: #888; font-weight: 400; margin-right: 6px; }
figure { margin: 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
iframe { width: 100%; height: 640px; border: 1px solid #d8d8de; border-radius: 8px; }
.file { font-size: 15px; color: #555; margin-top: 8px; }
.file a { color: #0877bd; }
code { font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
"""


@dataclass(frozen=True)
class Section:
    """One part of the page: a heading, one sentence on what it shows, the picture, and its file name."""

    title: str
    sentence: str
    body: str  # HTML: from ``image`` or ``player``
    file: str
    width: int | None = None  # the picture's largest width in CSS pixels (None: the column's)


def image(data: bytes, name: str, alt: str) -> str:
    """An <img> holding ``data`` (PNG or SVG, by the suffix of ``name``) as a data URI."""
    suffix = name[name.rfind(".") :].lower()
    if suffix not in MIME:
        raise ValueError(f"the demo page embeds {', '.join(MIME)} pictures, got {name!r}")
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:{MIME[suffix]};base64,{encoded}" alt="{html.escape(alt)}">'


def player(page_html: str, height: int = 640) -> str:
    """The step player's own page inside an iframe (``srcdoc``): its ids and script stay apart."""
    source = html.escape(page_html, quote=True)
    return (
        f'<iframe title="backprop step by step" style="height: {int(height)}px" srcdoc="{source}"></iframe>'
    )


def page(title: str, intro: str, sections: list[Section]) -> str:
    """The whole index.html as one string."""
    parts = []
    for number, s in enumerate(sections, start=1):
        link = html.escape(s.file)
        style = f' style="max-width: {s.width}px; margin: 0 auto;"' if s.width else ""
        parts.append(
            f'<section>\n<h2><span class="number">{number}.</span>{html.escape(s.title)}</h2>\n'
            f"<p>{s.sentence}</p>\n<figure{style}>{s.body}</figure>\n"
            f'<div class="file">file: <a href="{link}">{link}</a></div>\n</section>'
        )
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1><p>{intro}</p></header>
<main>
{body}
</main>
</body>
</html>
"""
