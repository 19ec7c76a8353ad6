"""Server-side SVG charts for the dashboard: no JavaScript, no CDN (the machine is offline).

Each bar is a link to the task list behind it; the numbers are also printed in a table by the template.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

RED, YELLOW, GREEN, BLUE, GREY = "#c0392b", "#e0a800", "#2e8b57", "#2f6fad", "#8a8f98"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    href: str = ""
    color: str = BLUE
    text: str = ""  # shown at the end of the bar; defaults to the value


def _link(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def hbar_chart(bars: list[Bar], *, title: str, label_width: int = 120, width: int = 440, row: int = 26,
               maximum: float | None = None) -> SafeString:
    """Horizontal bars, one row each, label on the left and value on the right."""
    top = max([maximum or 0.0, *[b.value for b in bars], 1.0])
    plot = width - label_width - 60
    height = row * max(len(bars), 1) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" xmlns="http://www.w3.org/2000/svg">',  # tracker/admin.css scales it (no inline style: CSP)
             f"<title>{escape(title)}</title>"]
    for index, bar in enumerate(bars):
        y = 4 + index * row
        length = 0 if bar.value <= 0 else max(2.0, plot * bar.value / top)
        text = escape(bar.text or f"{bar.value:g}")
        parts.append(_link(bar.href, (
            f'<g><text x="{label_width - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" font-size="13">'
            f"{escape(bar.label[:max(label_width // 13, 4)])}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{bar.color}" rx="2"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="13">{text}</text></g>'
        )))
    if not bars:
        parts.append('<text x="10" y="20" font-size="12" fill="#666">暂无数据</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


def column_chart(categories: list[str], series: list[tuple[str, str, list[Bar]]], *, title: str,
                 width: int = 440, height: int = 220) -> SafeString:
    """Grouped columns per category (e.g. months); `series` is (name, color, bars aligned with categories)."""
    values = [bar.value for _, _, bars in series for bar in bars]
    top = float(max(4, math.ceil(max([*values, 1.0]) / 4) * 4))  # four whole-number grid steps
    left, bottom, legend = 36, 36, 22
    plot_w, plot_h = width - left - 8, height - bottom - legend
    group = plot_w / max(len(categories), 1)
    column = group * 0.8 / max(len(series), 1)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" xmlns="http://www.w3.org/2000/svg">',  # tracker/admin.css scales it (no inline style: CSP)
             f"<title>{escape(title)}</title>"]
    for step in range(5):  # grid lines with their values
        value = top * step / 4
        y = legend + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#666">'
                     f"{value:.0f}</text>")
    for s_index, (name, color, bars) in enumerate(series):
        parts.append(f'<rect x="{left + s_index * 110}" y="4" width="12" height="12" fill="{color}"/>'
                     f'<text x="{left + s_index * 110 + 16}" y="14" font-size="13">{escape(name)}</text>')
        for c_index, bar in enumerate(bars):
            h = plot_h * bar.value / top
            x = left + c_index * group + group * 0.1 + s_index * column
            y = legend + plot_h - h
            parts.append(_link(bar.href, (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column - 1:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(name)} {escape(categories[c_index])}：{bar.value:g}</title></rect>"
            )))
    for c_index, category in enumerate(categories):
        x = left + c_index * group + group / 2
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">'
                     f"{escape(category)}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


def rank_line_chart(points: list[tuple[str, int | None]], *, title: str, worst: int, width: int = 440,
                    height: int = 180) -> SafeString:
    """A department's rank per month (1 at the top = most overdue); months without a rank are gaps."""
    left, top_pad, bottom = 40, 14, 28
    plot_w, plot_h = width - left - 20, height - top_pad - bottom
    worst = max(worst, 1)
    step = plot_w / max(len(points) - 1, 1)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" xmlns="http://www.w3.org/2000/svg">',  # tracker/admin.css scales it (no inline style: CSP)
             f"<title>{escape(title)}</title>"]

    def y_of(rank: int) -> float:
        return top_pad + (plot_h * (rank - 1) / max(worst - 1, 1) if worst > 1 else plot_h / 2)

    for rank in sorted({1, worst}):
        parts.append(f'<text x="{left - 4}" y="{y_of(rank) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#666">第{rank}</text>')
    path: list[str] = []
    for index, (label, rank) in enumerate(points):
        x = left + index * step
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{escape(label)}</text>')
        if rank is None:
            path.append("")
            continue
        y = y_of(rank)
        path.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{RED}"><title>{escape(label)}：第{rank}名'
                     f"</title></circle>")
    for segment in " ".join(p or "|" for p in path).split("|"):
        if segment.strip():
            parts.append(f'<polyline points="{segment.strip()}" fill="none" stroke="{RED}" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above
