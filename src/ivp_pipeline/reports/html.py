"""The self-contained report reports/index.html: the analysis sections (reports/analysis.py) rendered
by Jinja2 (autoescape on), charts embedded as SVG data URIs, numbered tables and figures, A4 print."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.reports import views
from ivp_pipeline.reports.document import Figure, Section, Table
from ivp_pipeline.reports.public import public_threshold
from ivp_pipeline.reports.sheets import public_text

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

FILE = "index.html"


@dataclass
class Node:
    """A section as the template shows it: items already numbered, the heading level fixed."""

    title: str
    key: str
    level: int
    items: list[dict[str, Any]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def title(result: ScoreResult) -> str:
    return f"Veiligheidsanalyse {result.region.name}"


def subtitle(result: ScoreResult) -> str:
    until = views.data_until(result)
    profile = views.profile_label(result, views.default_profile(result))
    when = f"; cijfers tot en met {until}" if until else ""
    return (
        f"Onderbouwing van het Integraal Veiligheidsplan, per gemeente en voor {result.region.name}{when}. "
        f"Standaardprofiel: {profile}."
    )


def render_report(result: ScoreResult, sections: list[Section], out_dir: Path) -> Path:
    """Write out_dir/index.html of `sections` (its charts drawn) and return its path."""
    return draft_report(result, sections, out_dir).write()


def draft_report(result: ScoreResult, sections: list[Section], out_dir: Path) -> HtmlDraft:
    """The page of `sections` rendered while the charts are still drawn, each figure's image a
    placeholder: `HtmlDraft.write` puts the images in once they are."""
    figures: list[Figure] = []
    page = _render(result, sections, out_dir, lambda f: _placeholder(f, figures))
    return HtmlDraft(result, sections, out_dir, page, figures)


class HtmlDraft:
    """The rendered page with a placeholder (MARK, n, MARK) for the data URI of figure n."""

    def __init__(
        self, result: ScoreResult, sections: list[Section], out_dir: Path, page: str, figures: list[Figure]
    ) -> None:
        self.result, self.sections, self.out_dir = result, sections, out_dir
        self.page, self.figures = page, figures

    def write(self) -> Path:
        """index.html with every figure's image (`embed` of its files as they are now)."""
        parts = self.page.split(MARK)
        # text, figure number, text, ...: unless a text of the inputs holds the mark itself
        if len(parts) == 2 * len(self.figures) + 1 and parts[1::2] == [
            str(n) for n in range(len(self.figures))
        ]:
            # escaped as the template escapes what it puts in
            parts[1::2] = [str(escape(embed(f, self.out_dir)["src"])) for f in self.figures]
            page = "".join(parts)
        else:
            page = _render(self.result, self.sections, self.out_dir, lambda f: embed(f, self.out_dir)["src"])
        path = self.out_dir / FILE
        write_bytes_atomic(
            path, page.encode("utf-8"), fsync=False
        )  # into the staging folder: swap_in syncs it
        return path


# Around a figure's number in the draft page: a character the texts of a report do not hold (a page
# where one does is rendered again, with the images, rather than filled in).
MARK = "\x00"


def _placeholder(figure: Figure, figures: list[Figure]) -> str:
    figures.append(figure)
    return f"{MARK}{len(figures) - 1}{MARK}"


def _render(result: ScoreResult, sections: list[Section], out_dir: Path, src: Callable[[Figure], str]) -> str:
    """The page, each figure's image given by `src`."""
    env = Environment(
        loader=PackageLoader("ivp_pipeline.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    threshold = public_threshold(result)
    return env.get_template("report.html.j2").render(
        title=title(result),
        subtitle=subtitle(result),
        public=threshold is not None,
        public_note=public_text(threshold) if threshold is not None else "",
        sections=nodes(sections, out_dir, src),
    )


def nodes(sections: list[Section], out_dir: Path, src: Callable[[Figure], str] | None = None) -> list[Node]:
    """Number tables and figures in document order (as the Word document does). `src` gives a
    figure's image (by default its file embedded as it is now)."""
    counter = {"table": 0, "figure": 0}
    used: set[str] = set()
    image = src or (lambda f: embed(f, out_dir)["src"])
    return [_node(s, 1, counter, out_dir, used, image) for s in sections]


def _node(
    section: Section,
    level: int,
    counter: dict[str, int],
    out_dir: Path,
    used: set[str],
    src: Callable[[Figure], str],
) -> Node:
    key = section.key or views.slug(section.title)
    base, n = key, 2
    while key in used:  # anchors must be unique: a theme and an area may share a name
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    node = Node(section.title, key, level)
    for item in section.items:
        if isinstance(item, str):
            node.items.append({"kind": "text", "text": item})
        elif isinstance(item, Table):
            counter["table"] += 1
            node.items.append(
                {
                    "kind": "table",
                    "number": counter["table"],
                    "caption": item.caption,
                    "header": item.header,
                    "rows": item.rows,
                    "note": item.note,
                    "numeric": item.numeric,
                    "long": len(item.rows) > LONG_TABLE,
                }
            )
        elif isinstance(item, Figure):
            counter["figure"] += 1
            node.items.append(
                {
                    "kind": "figure",
                    "number": counter["figure"],
                    "caption": item.caption,
                    "src": src(item),
                    "files": files_text(item, out_dir),
                }
            )
    node.children = [_node(s, level + 1, counter, out_dir, used, src) for s in section.subsections]
    return node


# A table with more rows than this may break across pages in print (its header row repeats); shorter
# ones are kept whole.
LONG_TABLE = 30


def embed(figure: Figure, out_dir: Path) -> dict[str, str]:
    """SVG as a data URI: vector in print, one document per image (no clashing ids), no network.
    Without the SVG the PNG; without either an empty image."""
    image = figure.svg if figure.svg is not None and figure.svg.is_file() else figure.png
    kind = "svg+xml" if image.suffix == ".svg" else "png"
    data = base64.b64encode(image.read_bytes()).decode("ascii") if image.is_file() else ""
    return {
        "caption": figure.caption,
        "src": f"data:image/{kind};base64,{data}",
        "files": files_text(figure, out_dir),
    }


def files_text(figure: Figure, out_dir: Path) -> str:
    """The figure's files, relative to the reports folder."""
    files = [p for p in (figure.png, figure.svg) if p is not None]
    return ", ".join(_relative(p, out_dir) for p in files)


def _relative(path: Path, out_dir: Path) -> str:
    try:
        return path.relative_to(out_dir).as_posix()
    except ValueError:
        return path.name
