"""One pagination for every portal list: 50 rows a page, the total count, page links that keep the filters.

Views call `page_of(request, queryset)` and include "tracker/portal/_pager.html" with `pager`. Every link keeps the
request's other GET parameters (the filters); two lists on one page use two parameters (`param`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 50
WINDOW = 2  # page links shown either side of the current one


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int | None  # None: a gap (…)
    href: str = ""
    current: bool = False


@dataclass(frozen=True, slots=True)
class Pager:
    page: Page
    query: QueryDict
    param: str
    noun: str  # what is counted: 项, 件, 条

    @property
    def count(self) -> int:
        return int(self.page.paginator.count)

    @property
    def pages(self) -> int:
        return int(self.page.paginator.num_pages)

    def href(self, number: int) -> str:
        query = self.query.copy()
        query[self.param] = str(number)
        return f"?{query.urlencode()}"

    @property
    def previous_href(self) -> str:
        return self.href(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.href(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def links(self) -> list[PageLink]:
        """The first and last pages and a window around the current one, gaps between."""
        last, current = self.pages, self.page.number
        shown = sorted({1, last, *range(max(1, current - WINDOW), min(last, current + WINDOW) + 1)})
        links: list[PageLink] = []
        previous = 0
        for number in shown:
            if number - previous > 1:
                links.append(PageLink(None))
            links.append(PageLink(number, self.href(number), number == current))
            previous = number
        return links


class _CountedPaginator(Paginator):
    """A paginator whose total comes from a cheaper queryset (without the rows' annotations and prefetches)."""

    def __init__(self, object_list: Any, per_page: int, *, count_of: Any = None) -> None:
        super().__init__(object_list, per_page)
        self._count_of = count_of

    @cached_property
    def count(self) -> int:
        if self._count_of is not None:
            return int(self._count_of.count())
        return int(super().count)


def page_of(request: HttpRequest, items: Any, *, noun: str = "项", count_of: Any = None, param: str = "page",
            per_page: int = PAGE_SIZE) -> Pager:
    """The page asked for by ?<param>= (the last one past the end, the first one for junk)."""
    paginator = _CountedPaginator(items, per_page, count_of=count_of)
    return Pager(paginator.get_page(request.GET.get(param)), request.GET, param, noun)
