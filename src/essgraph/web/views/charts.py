"""Charts of the comparison, drawn on the server as SVG: no script, no asset from another host.

Each chart is an image for assistive technology (``role="img"`` with a ``<title>`` and a ``<desc>`` that says where
the numbers are: the data table beside it); colours are dark enough against white (WCAG 1.4.11, 3:1) and the
legend repeats each plan's colour with its name. Every text is escaped.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

from essgraph.compare.model import Plan, Section

#: one colour per plan, in order; each has a contrast of at least 4.5:1 with white
PALETTE = ("#0b5394", "#b45f06", "#38761d", "#741b47", "#7f6000", "#134f5c", "#990000", "#444444")
MAX_PLANS = len(PALETTE)  # more plans than colours: the table alone
WIDTH = 640
LABEL_WIDTH = 230
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _frame(ident: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" class="chart" {FONT}>'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(plans: list[Plan], y: int) -> tuple[list[str], int]:
    parts, x = [], 0
    for i, plan in enumerate(plans):
        label = _short(plan.title, 40)
        width = 22 + 7 * len(label)
        if x + width > WIDTH:
            x, y = 0, y + 18
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour(i)}"/>'
            f'<text x="{x + 16}" y="{y + 10}" fill="#1f2328">{escape(label)}</text>'
        )
        x += width
    return parts, y + 24


def bars(section: Section, plans: list[Plan]) -> Markup | None:
    """Grouped horizontal bars: per row (a lever, a field), the share of each plan's actions, in percent."""
    if not section.rows or not 1 <= len(plans) <= MAX_PLANS:
        return None
    body, top = _legend(plans, 0)
    bar, gap = 12, 10
    scale = (WIDTH - LABEL_WIDTH - 50) / 100
    y = top
    for row in section.rows:
        group = len(plans) * bar
        body.append(f'<text x="0" y="{y + group / 2 + 4:.0f}" fill="#1f2328">{escape(_short(row.label))}</text>')
        for i, plan in enumerate(plans):
            cell = row.cells.get(plan.key)
            share = cell.share if cell is not None and cell.share is not None else Decimal(0)
            width = max(float(share) * scale, 1.0)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + i * bar}" width="{width:.1f}" height="{bar - 2}" fill="{colour(i)}"/>'
            )
            body.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + i * bar + 9}" fill="#1f2328">{_percent(share)}</text>'
            )
        y += group + gap
    title = f"{section.title} : part des fiches de chaque plan"
    desc = (
        "Diagramme en barres horizontales, une barre par plan et par ligne, longueur proportionnelle au "
        "pourcentage des fiches du plan. Les nombres sont dans le tableau qui suit."
    )
    return _frame(f"chart-{section.id}", title, desc, y, body)


def timeline(section: Section, plans: list[Plan]) -> Markup | None:
    """One line per plan, one box per year from the first to the last year of any plan: how many actions have a
    calendar in that year (boxes without actions are left pale)."""
    years = sorted(int(r.label) for r in section.rows if r.label.isdigit())
    if not years or not 1 <= len(plans) <= MAX_PLANS:
        return None
    span = list(range(years[0], years[-1] + 1))
    by_year = {int(r.label): r for r in section.rows if r.label.isdigit()}
    cell = min(60, (WIDTH - LABEL_WIDTH) // len(span))
    body = [
        f'<text x="{LABEL_WIDTH + i * cell + cell / 2:.0f}" y="12" text-anchor="middle" fill="#1f2328">{year}</text>'
        for i, year in enumerate(span)
    ]
    y = 20
    for p, plan in enumerate(plans):
        body.append(f'<text x="0" y="{y + 15}" fill="#1f2328">{escape(_short(plan.title))}</text>')
        for i, year in enumerate(span):
            found = by_year.get(year)
            count = found.cells.get(plan.key) if found else None
            x = LABEL_WIDTH + i * cell
            if count is not None and count.value:
                body.append(
                    f'<rect x="{x + 1}" y="{y}" width="{cell - 2}" height="22" fill="{colour(p)}"/>'
                    f'<text x="{x + cell / 2:.0f}" y="{y + 15}" text-anchor="middle" fill="#ffffff">'
                    f"{int(count.value)}</text>"
                )
            else:
                body.append(f'<rect x="{x + 1}" y="{y}" width="{cell - 2}" height="22" fill="#eef1f4"/>')
        y += 28
    title = f"{section.title} : fiches par année et par plan"
    desc = (
        "Frise chronologique, une ligne par plan et une case par année ; le nombre dans une case est celui des "
        "fiches du plan dont le calendrier couvre l'année. Les nombres sont dans le tableau qui suit."
    )
    return _frame(f"chart-{section.id}", title, desc, y + 4, body)


def chart(section: Section, plans: list[Plan]) -> Markup | None:
    return {"bars": bars, "timeline": timeline}.get(section.chart or "", lambda s, p: None)(section, plans)


def _percent(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.1")), "f").rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0%"
