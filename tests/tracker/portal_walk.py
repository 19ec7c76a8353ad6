"""Walk the portal as a user and post its forms the way a browser would: only the fields each form renders,
filled as a person would fill them (a unit name where the field autocompletes units, a deadline phrase where
it parses one, a date in a date box, the first choice where nothing is chosen yet).

A form whose class needs a field the template forgot to render then fails exactly as it fails for a user.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve

# Pages that are files, not HTML; and the JSON endpoints of review.js.
NOT_PAGES = re.compile(r"^/portal/(attachments|sources|export|documents|bulletins|assessment/export|logout"
                       r"|review/departments|review/deadline-parse)/")
TEXT = "已完成3个项目的施工招标和开工准备，完成投资1.2亿元，下一步按月调度推进。"
PDF = b"%PDF-1.4 evidence"
# Forms whose point is to change a choice shown preselected (修改评价 shows the rating given).
CHANGE_CHOICE = {"assignment_action:rate"}


@dataclass
class PostForm:
    page: str  # the page that rendered it
    action: str
    button: str  # the submit button's name
    key: str  # what kind of form: the URL's name (and action slug)
    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)


def form_key(action: str) -> str:
    match = resolve(urlsplit(action).path)
    slug = match.kwargs.get("action")
    return f"{match.url_name}:{slug}" if slug else match.url_name


def pages(client: Client, start: str = "/portal/", limit: int = 150) -> Iterator[tuple[str, Any]]:
    """Breadth-first over the /portal/ pages a user reaches by links (a page per kind of URL is enough: the
    first 25 of each)."""
    seen: set[str] = set()
    per_kind: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        doc = lxml.html.fromstring(response.content.decode())
        yield url, doc
        for href in doc.xpath("//a/@href"):
            target = urljoin(url, href).split("#")[0]
            path = urlsplit(target).path
            if not path.startswith("/portal/") or NOT_PAGES.match(path) or target in seen:
                continue
            try:
                kind = resolve(path).url_name
            except Resolver404:
                continue
            if per_kind.get(kind, 0) < 25:
                per_kind[kind] = per_kind.get(kind, 0) + 1
                queue.append(target)


def _text_value(element: Any, doc: Any, *, units: list[str], today: date) -> str:
    if element.get("data-autocomplete") is not None:
        return units[0] + ("、" + units[1] if element.get("data-multiple") and len(units) > 1 else "")
    if element.get("data-parse") is not None:
        return "3个月内"
    split_of = element.get("data-split-of")
    if split_of:
        source = doc.get_element_by_id(split_of)
        text = source.get("data-text")
        cuts = source.xpath(".//button[@data-at]/@data-at")  # the ✂ a person clicks; none: type the second half
        cut = int(cuts[0]) if cuts else len(text) // 2
        return text[cut:cut + 8]
    if element.get("type") == "date":  # three months ahead, within what the picker offers
        day = today + timedelta(days=90)
        if element.get("max"):
            day = min(day, date.fromisoformat(element.get("max")))
        if element.get("min"):
            day = max(day, date.fromisoformat(element.get("min")))
        return day.isoformat()
    if element.get("type") == "number":
        return "60"
    return TEXT


def post_forms(doc: Any, page: str, *, units: list[str], today: date) -> list[PostForm]:
    """Every <form method=post> of a page, filled from its rendered fields (the logout form left out)."""
    found = []
    for form in doc.xpath("//form[translate(@method, 'POST', 'post')='post']"):
        action = urljoin(page, form.get("action") or page)
        if urlsplit(action).path == "/portal/logout/":
            continue
        buttons = form.xpath(".//button[@type='submit' or not(@type)][@name]")
        post = PostForm(page=page, action=action, button=buttons[0].get("name") if buttons else "",
                        key=form_key(action))
        radios: dict[str, list[Any]] = {}
        for element in form.xpath(".//input|.//textarea|.//select"):
            name, kind = element.get("name"), (element.get("type") or "text").lower()
            if not name or element.get("disabled") is not None:
                continue
            if element.tag == "select":
                options = element.xpath(".//option")
                chosen = [o.get("value") for o in options if o.get("selected") is not None]
                if not chosen:
                    chosen = [o.get("value") for o in options if o.get("value")][:1]
                if chosen:
                    post.fields[name] = chosen if element.get("multiple") is not None else chosen[0]
            elif element.tag == "textarea":
                text = (element.text or "").strip()  # what is there, edited (or written afresh)
                post.fields[name] = f"{text}（补充：{TEXT}）" if text else TEXT
            elif kind == "radio":
                radios.setdefault(name, []).append(element)
            elif kind == "checkbox":
                if element.get("checked") is not None:
                    post.fields.setdefault(name, []).append(element.get("value") or "on")
            elif kind == "file":
                post.files[name] = SimpleUploadedFile("佐证材料.pdf", PDF, content_type="application/pdf")
            elif kind in ("submit", "button", "reset"):
                continue
            elif kind == "hidden" or element.get("value"):
                post.fields[name] = element.get("value") or ""
            else:
                post.fields[name] = _text_value(element, doc, units=units, today=today)
        # A form that is only a list of boxes to tick (mark as read, pick items): a person ticks one.
        boxes = form.xpath(".//input[@type='checkbox'][@name]")
        typed = form.xpath(".//textarea|.//select|.//input[not(@type) or @type='text' or @type='date' or "
                           "@type='number' or @type='file' or @type='radio']")
        if boxes and not typed and not any(b.get("checked") is not None for b in boxes):
            post.fields[boxes[0].get("name")] = [boxes[0].get("value") or "on"]
        for name, group in radios.items():
            # The choice made; none made yet: the first. A form that only changes a choice (修改评价): another.
            checked = [r for r in group if r.get("checked") is not None]
            if post.key in CHANGE_CHOICE:
                checked = [r for r in group if r.get("checked") is None]
            post.fields[name] = (checked or group)[0].get("value")
        found.append(post)
    return found


def db_fingerprint() -> str:
    """A digest of every tracker row but the form tokens: changes iff an action wrote something."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_app_config("tracker").get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or model.__name__ == "FormSubmission":
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def messages_of(doc: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in doc.xpath("//ul[@class='messages']/li"):
        out.setdefault(item.get("class", "").removeprefix("msg-"), []).append(item.text_content().strip())
    return out


def get_forms(doc: Any, page: str, *, units: list[str], today: date) -> list[tuple[str, dict[str, list[Any]]]]:
    """Every <form method=get> (filters, period pickers): its action and, per field, the values a person may
    choose or type (each option of a select, a date, a word)."""
    found = []
    for form in doc.xpath("//form[not(@method) or translate(@method, 'GET', 'get')='get']"):
        action = urljoin(page, form.get("action") or page)
        choices: dict[str, list[Any]] = {}
        for element in form.xpath(".//input|.//select"):
            name, kind = element.get("name"), (element.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "hidden"):
                continue
            if element.tag == "select":
                choices[name] = [o.get("value") for o in element.xpath(".//option") if o.get("value")]
            elif kind in ("checkbox", "radio"):
                choices.setdefault(name, []).append(element.get("value") or "on")
            elif kind == "date":
                choices[name] = [today.isoformat()]
            elif kind == "number":
                choices[name] = [str(today.year)]
            else:
                choices[name] = [units[0], "道路", "〔2023〕"]
        found.append((action, choices))
    return found
