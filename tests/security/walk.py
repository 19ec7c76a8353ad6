"""Generated walks over the URL conf: every route, every registered ModelAdmin and its actions, every
form a page renders. Nothing here lists today's URLs: pages added later are walked by themselves."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.security.world import tracker_models

# Never walked: they end the walking client's session (and change no data).
SESSION_ENDING = {"admin:logout", "tracker:logout"}


@dataclass(frozen=True)
class Route:
    """One URL pattern of the URL conf: its full name, the parameters to fill and how."""

    name: str  # "namespace:name", or the raw pattern for unnamed ones
    pattern: str
    kwargs: tuple[tuple[str, str], ...]  # (parameter, converter or "regex")
    positional: int
    admin_model: type[Model] | None = None

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def routes() -> list[Route]:
    """Every URL pattern of the project, with the model of the ModelAdmin that serves it, if any."""
    # admin.site includes each ModelAdmin's URLs under "<app_label>/<model_name>/".
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    found: list[Route] = []

    def walk(patterns: Any, prefix: str, namespace: str, model: type[Model] | None) -> None:
        for entry in patterns:
            part = str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                inner = entry.url_patterns
                walk(inner, prefix + part, ns, by_prefix.get(part, model) if ns.startswith("admin:") else model)
                continue
            assert isinstance(entry, URLPattern)
            kwargs: list[tuple[str, str]] = []
            positional = 0
            if isinstance(entry.pattern, RoutePattern):
                kwargs = [(k, type(c).__name__.replace("Converter", "").lower())
                          for k, c in entry.pattern.converters.items()]
            elif isinstance(entry.pattern, RegexPattern):
                regex = entry.pattern.regex
                kwargs = [(k, "regex") for k in regex.groupindex]
                positional = regex.groups - len(regex.groupindex)
            name = f"{namespace}{entry.name}" if entry.name else prefix + part
            found.append(Route(name=name, pattern=prefix + part, kwargs=tuple(kwargs), positional=positional,
                               admin_model=model))

    walk(get_resolver().url_patterns, "", "", None)
    return found


def int_params(route: Route) -> list[str]:
    return [k for k, kind in route.kwargs if kind == "int" or k in ("pk", "id") or k.endswith("_id")]


# --- pages and their forms --------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    data: dict[str, list[str]]
    files: list[str] = field(default_factory=list)
    editable: list[str] = field(default_factory=list)  # text fields a user would type into
    choices: dict[str, list[str]] = field(default_factory=dict)

    def payload(self, *, edited: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {k: list(v) for k, v in self.data.items()}
        if edited:
            for name in self.editable:
                data[name] = [f"{(data.get(name) or [''])[0]}被人改过的内容（测试修改）"]
            for name, options in self.choices.items():
                if options:
                    data[name] = [options[-1]]
        for name in self.files:
            data[name] = SimpleUploadedFile("walk.txt", b"walk upload", content_type="text/plain")
        return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in data.items()}


def page_forms(html: str, url: str) -> list[Form]:
    """The forms of a page, with what the browser would submit (the first submit button included)."""
    try:
        doc = lxml.html.fromstring(html)
    except Exception:  # empty or non-HTML body
        return []
    forms = []
    for element in doc.forms:
        data: dict[str, list[str]] = {}
        for name, value in element.form_values():
            data.setdefault(name, []).append(value)
        form = Form(action=urljoin(url, element.get("action") or url), method=(element.get("method") or "get").lower(),
                    data=data)
        for control in element.inputs:
            name = control.get("name")
            if not name:
                continue
            tag, kind = control.tag, (control.get("type") or "text").lower()
            if tag == "textarea" or (tag == "input" and kind in ("text", "search", "email", "url", "password",
                                                                 "number", "date")):
                form.editable.append(name)
                form.data.setdefault(name, [""])  # an empty field is still submitted
            elif tag == "input" and kind == "file":
                form.files.append(name)
            elif tag == "select":
                form.choices[name] = [o.get("value", o.text or "") for o in control.findall(".//option")]
        submit = next((c for c in element.inputs if c.tag in ("input", "button")
                       and (c.get("type") or ("submit" if c.tag == "button" else "")).lower() == "submit"
                       and c.get("name")), None)
        if submit is not None:
            form.data.setdefault(submit.get("name"), [submit.get("value", "")])
        forms.append(form)
    return forms


def links(html: str, url: str) -> list[str]:
    try:
        doc = lxml.html.fromstring(html)
    except Exception:
        return []
    return [urljoin(url, a.get("href")) for a in doc.iter("a") if a.get("href")]


def local_path(url: str) -> str | None:
    """The path (and query) of a link or form action of this site, None for elsewhere and for logout."""
    from django.urls import Resolver404, resolve

    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    try:
        match = resolve(parts.path)
        if f"{match.namespace}:{match.url_name}" in SESSION_ENDING:
            return None
    except Resolver404:
        pass
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _Rollback(Exception):
    pass


def dry_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    """POST and roll back whatever it wrote: to see the next page (an action's confirmation form)."""
    try:
        with transaction.atomic():
            response = client.post(url, data)
            raise _Rollback(response)
    except _Rollback as done:
        return done.args[0]


# --- the database, before and after -----------------------------------------------------------


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tracker table (history included) and of the login lockouts."""
    from axes.models import AccessAttempt

    models = [*tracker_models(), AccessAttempt]
    return {m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in models}


def changed_tables(before: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    after = snapshot()
    return [label for label, rows in after.items() if rows != before.get(label)]


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def crawl(client: Client, seeds: list[str], *, prefix: str, limit: int = 300) -> Iterator[tuple[str, Any]]:
    """GET pages under `prefix` breadth-first from `seeds`, following links (query strings dropped)."""
    seen: set[str] = set()
    queue = list(seeds)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        yield path, response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links(body(response).decode(), f"http://testserver{path}"):
            target = local_path(link)
            if target and target.split("?")[0].startswith(prefix) and target.split("?")[0] not in seen:
                queue.append(target.split("?")[0])


# --- filling routes ---------------------------------------------------------------------------

# Admin routes that only redirect elsewhere or serve the admin's catch-all.
NOT_PAGES = {"admin:view_on_site"}


def admin_object(model: type[Model]) -> Model:
    obj = model._base_manager.order_by("-pk").first()
    assert obj is not None, f"tests/security/world.py makes no {model._meta.label} row: add one so its pages are walked"
    return obj


def fill(route: Route, *, ids: list[int], slugs: dict[str, set[str]]) -> Iterator[str]:
    """Every URL of `route`: its object (for an admin page) or each of `ids` in int parameters, and the
    values seen in rendered links for its slug parameters."""
    from django.urls import NoReverseMatch, reverse

    if ":" not in route.name or route.name in NOT_PAGES or route.name in SESSION_ENDING:
        return
    model = route.admin_model
    options: list[dict[str, Any]] = [{}]
    args: list[Any] = []
    if route.positional:
        if model is None:
            return
        obj = admin_object(model)
        args = [obj.pk]
        if route.positional > 1:
            version = model.history.filter(**{model._meta.pk.attname: obj.pk}).order_by("-history_id").first()
            if version is None:
                return
            args.append(version.history_id)
    for name, kind in route.kwargs:
        if name in ("object_id", "id", "pk") and model is not None:
            values: list[Any] = [admin_object(model).pk]
        elif name == "app_label":
            values = sorted({m._meta.app_label for m in admin.site._registry})
        elif kind == "int" or name in ("pk", "id") or name.endswith("_id"):
            values = list(ids)
        else:
            values = sorted(slugs.get(f"{route.name}:{name}", set())) or ["x"]
        options = [{**o, name: v} for o in options for v in values]
    for kwargs in options:
        try:
            yield reverse(route.name, args=args or None, kwargs=kwargs or None)
        except NoReverseMatch:
            continue


def observed_slugs(paths: list[str]) -> dict[str, set[str]]:
    """For each route's string parameters, the values that appear in rendered links and form actions."""
    from django.urls import Resolver404, resolve

    seen: dict[str, set[str]] = {}
    for path in paths:
        try:
            match = resolve(path.split("?")[0])
        except Resolver404:
            continue
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        for key, value in match.kwargs.items():
            if isinstance(value, str) and not value.isdigit():
                seen.setdefault(f"{name}:{key}", set()).add(value)
    return seen


# --- what a user could POST -------------------------------------------------------------------


# Junk a hand-made request could carry: field names of the real forms with values meant to change things.
JUNK = {"_save": "保存", "post": "yes", "apply": "1", "title": "被改", "status": "signed_off", "due_on": "2031-01-01",
        "note": "x", "reason": "被人改过的原因说明文字", "decision": "approve", "reply": "已收到催办答复内容"}


def html_of(response: Any) -> str:
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return ""
    return response.content.decode()


def posts_from(url: str, *pages: Any) -> list[tuple[str, dict[str, Any]]]:
    """What a user could POST from these pages: each POST form as rendered and edited, and junk."""
    posts: list[tuple[str, dict[str, Any]]] = [(url, {}), (url, JUNK)]
    for page in pages:
        for form in page_forms(html_of(page), f"http://testserver{url}"):
            target = local_path(form.action)
            if form.method == "post" and target:
                posts += [(target, form.payload()), (target, form.payload(edited=True))]
    return posts


def id_pool(world: Any) -> list[int]:
    """One id of each table (ids of different tables never coincide in this world)."""
    return sorted({type(obj): obj.pk for obj in world.b_objects}.values())


def portal_pages(*users: Any) -> list[tuple[str, Any]]:
    """The non-admin pages each user reaches by following links from /portal/."""
    from django.test import Client

    pages: list[tuple[str, Any]] = []
    for user in users:
        client = Client()
        client.force_login(user)
        pages += list(crawl(client, ["/portal/"], prefix="/portal/"))
    return pages


def slugs_of(pages: list[tuple[str, Any]]) -> dict[str, set[str]]:
    """String URL parameters as they appear in these pages' own paths, links and form actions."""
    paths = [path for path, _ in pages]
    for path, page in pages:
        html = html_of(page)
        paths += [local_path(f.action) or "" for f in page_forms(html, f"http://testserver{path}")]
        paths += [local_path(link) or "" for link in links(html, f"http://testserver{path}")]
    return observed_slugs(paths)


def admin_pages(user: Any, *, ids: list[int]) -> list[tuple[str, Any]]:
    """Every admin page (each ModelAdmin's and the site's own), GET as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return [(url, client.get(url)) for route in routes() if route.is_admin for url in fill(route, ids=ids, slugs={})]
