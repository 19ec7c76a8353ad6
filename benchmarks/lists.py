"""Portal and workbench list pages at 100,000 tasks on PostgreSQL (issue 14.8), then a load run.

1. Every list page, warm, through Django's test Client, as the office, a manager and a department: the pages are
   the URL conf's portal routes without parameters (so the workbench's pages are timed once they exist), plus
   the task list's variants (a far page, a keyword, a unit, drafts, overdue only) and a directive's tasks.
   Bar: median ≤ 300 ms each.
2. A load run: gunicorn on this machine with deploy/gunicorn.conf.py (GUNICORN_WORKERS overrides its workers),
   after a warm-up of each list page; LOAD_USERS (50) concurrent
   logged-in users (office, managers, departments), each browsing list pages (random pages) and task pages they
   can see for LOAD_SECONDS (60), reading each page LOAD_THINK seconds (2–8) before the next click.
   gunicorn's DATABASE_URL asks for persistent connections (?conn_max_age=LOAD_CONN_MAX_AGE, 60; 0: off).
   Bar: p95 ≤ 1 s with 0 errors. The load average is printed with the figures: the machine may be shared.
   BENCH_SKIP_LOAD=1 times the pages only; BENCH_SKIP_PAGES=1 runs the load only.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python -m benchmarks lists`
Builds the 100,000-task world of benchmarks/dashboard.py in a throw-away database `<name>_bench_lists` (or, with
BENCH_REUSE_DB=<database>, uses one kept by BENCH_KEEP_DB=1), prints the figures and drops it.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.pg import postgres_url, throwaway_database

RUNS = 9
PAGE_BAR_MS = 300
LOAD_USERS = int(os.environ.get("LOAD_USERS", "50"))
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
P95_BAR_S = 1.0
CONN_MAX_AGE = int(os.environ.get("LOAD_CONN_MAX_AGE", "60"))  # gunicorn's DATABASE_URL ?conn_max_age= (0: off)
DEPARTMENT_USERS = 10  # of the busiest departments; the load run's department users cycle through them


def _users() -> dict[str, list[object]]:
    """An office user, managers and department users (members of the busiest departments)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from tracker.models import Assignment, DepartmentMembership
    from tracker.permissions import DEPARTMENT_GROUP, MANAGER_GROUP, OFFICE_GROUP

    user_model = get_user_model()

    def user(name: str, group: str, **extra: object) -> object:
        found, _ = user_model.objects.get_or_create(username=name, defaults={"first_name": name, **extra})
        found.groups.add(Group.objects.get_or_create(name=group)[0])
        return found

    busiest = list(Assignment.objects.values("department_id").annotate(n=Count("pk")).order_by("-n")
                   .values_list("department_id", flat=True)[:DEPARTMENT_USERS])
    departments = []
    for index, department_id in enumerate(busiest):
        member = user(f"bench-dept-{index}", DEPARTMENT_GROUP)
        DepartmentMembership.objects.get_or_create(user=member, department_id=department_id)
        departments.append(member)
    return {"office": [user("bench-office", OFFICE_GROUP, is_staff=True)],
            "manager": [user(f"bench-manager-{i}", MANAGER_GROUP) for i in range(3)],
            "department": departments}


def list_pages() -> list[str]:
    """The portal routes a person opens without an id: the lists, the workbench, the review list, 考评."""
    from tests.security.walk import routes  # the URL conf's walk of the security suite
    skip = re.compile(r"^(api/|oidc/|cas/|portal/login/|portal/logout/|portal/export/|portal/bulletins/|"
                      r"portal/assessment/export/|portal/review/deadline-parse/|portal/review/departments/)")
    return sorted({"/" + r.pattern for r in routes() if not r.is_admin and not r.kwargs and not r.positional
                   and r.pattern.startswith("portal/") and not skip.match(r.pattern)})


def _variants(office_list: str, *, department_id: int, directive_id: int) -> list[str]:
    return [f"{office_list}?page=1000", f"{office_list}?q=阳政办发[2023]16号", f"{office_list}?q=部门17",
            f"{office_list}?department={department_id}", f"{office_list}?department={department_id}&page=3",
            f"{office_list}?status=pending_review", f"{office_list}?overdue=on",
            f"/portal/directives/{directive_id}/", f"/portal/directives/{directive_id}/?page=2"]


def _timed(client: object, url: str) -> tuple[list[float], int]:
    response = client.get(url)  # type: ignore[attr-defined]  # warm: templates, session, plans
    status = response.status_code
    timings: list[float] = []
    if status in (403, 404):
        return timings, status
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    return timings, status


def _queries(client: object, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)  # type: ignore[attr-defined]
    return len(captured)


def time_pages(users: dict[str, list[object]]) -> bool:
    from django.db.models import Count
    from django.test import Client

    from tracker.models import Task

    department_id = users["department"][0].department_memberships.get().department_id  # type: ignore[attr-defined]
    directive_id = (Task.objects.values("directive_id").annotate(n=Count("pk")).order_by("-n")
                    .values_list("directive_id", flat=True).first())
    ok = True
    pages = list_pages()
    task_list = "/portal/tasks/" if "/portal/tasks/" in pages else "/portal/"
    for role in ("office", "manager", "department"):
        client = Client()
        client.force_login(users[role][0])
        urls = pages + (_variants(task_list, department_id=department_id, directive_id=directive_id)
                        if role != "department" else [f"{task_list}?page=5", f"{task_list}?q=督办任务1"])
        for url in urls:
            timings, status = _timed(client, url)
            if status in (403, 404, 405):
                continue  # not this role's page, or a POST-only route (mark-read) that is no page
            median = statistics.median(timings)
            passed = median <= PAGE_BAR_MS and status == 200
            ok &= passed
            print(f"  {role:10} {url:55} median {median:4.0f} ms  max {max(timings):4.0f} ms  "
                  f"{_queries(client, url):3} queries  HTTP {status}  {'PASS' if passed else 'FAIL'}", flush=True)
    return ok


# --- the load run -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(*, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with the project's settings (DEBUG off), started and stopped here (its own process group)."""
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    if CONN_MAX_AGE > 0:  # persistent connections, as a production DATABASE_URL should ask for
        env["DATABASE_URL"] = f"{env['DATABASE_URL']}{'&' if '?' in env['DATABASE_URL'] else '?'}" \
                              f"conn_max_age={CONN_MAX_AGE}"
    config = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"  # as deployed; bind here
    process = subprocess.Popen(
        [binary, "config.wsgi", "--config", str(config), "--bind", f"127.0.0.1:{port}",
         *(["--workers", str(workers)] if workers else []), "--log-level", "warning"],
        env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _session_cookie(user: object) -> str:
    """A logged-in session for `user` (as the login view makes one), without the login form's throttling."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return str(session.session_key)


def _role_pages(users: dict[str, list[object]]) -> dict[str, list[str]]:
    """The list pages each role may open (a department gets 403 on the office's review list and on 考评)."""
    from django.test import Client

    pages = list_pages()
    found = {}
    for role, people in users.items():
        client = Client()
        client.force_login(people[0])
        found[role] = [url for url in pages if client.get(url).status_code == 200]
    return found


def _visible_tasks(user: object) -> list[int]:
    from tracker.permissions import task_visible_to

    return list(task_visible_to(user=user).order_by("?").values_list("pk", flat=True)[:500])


def load_run(users: dict[str, list[object]], *, base: str) -> bool:
    """LOAD_USERS people (a tenth office, a tenth managers, the rest departments) browse for LOAD_SECONDS: a list
    page (a random page of the task list, or another list of their role) or a task page they can see, then read
    it for LOAD_THINK seconds (uniform; default 2–8: a person reads a page before the next click)."""
    import requests
    from django.conf import settings

    think = [float(x) for x in os.environ.get("LOAD_THINK", "2,8").split(",")]
    role_pages = _role_pages(users)
    task_list = "/portal/tasks/" if "/portal/tasks/" in role_pages["office"] else "/portal/"
    tenth = max(1, LOAD_USERS // 10)
    people = [("office", users["office"][0])] * tenth
    people += [("manager", users["manager"][i % len(users["manager"])]) for i in range(tenth)]
    people += [("department", users["department"][i % len(users["department"])])
               for i in range(LOAD_USERS - 2 * tenth)]
    visible = {id(user): _visible_tasks(user) for _, user in people}
    cookies = {id(user): _session_cookie(user) for _, user in people}
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS

    def browse(role: str, user: object, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, cookies[id(user)])
        time.sleep(rng.uniform(0, think[1]))  # people arrive over the first seconds, not at once
        while time.monotonic() < stop:
            roll = rng.random()
            if roll < 0.45:
                kind, url = "list", f"{base}{task_list}?page={rng.randint(1, 20)}"
            elif roll < 0.6:
                kind, url = "list", f"{base}{rng.choice(role_pages[role])}"
            else:
                kind, url = "detail", f"{base}/portal/tasks/{rng.choice(visible[id(user)])}/"
            started = time.perf_counter()
            try:
                status = session.get(url, timeout=30, allow_redirects=False).status_code
            except requests.RequestException:
                status = 0
            with lock:
                results.append((kind, time.perf_counter() - started, status))
            time.sleep(rng.uniform(*think))

    # Warm each worker (imports, templates, the summary counts) as a server that has been up a while is.
    warm = requests.Session()
    for role, user in {role: user for role, user in people}.items():
        warm.cookies.set(settings.SESSION_COOKIE_NAME, cookies[id(user)])
        for url in role_pages[role] * 3:
            warm.get(f"{base}{url}", timeout=60)
    threads = [threading.Thread(target=browse, args=(role, user, n)) for n, (role, user) in enumerate(people)]
    load_before = os.getloadavg()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    load_after = os.getloadavg()
    errors: dict[int, int] = {}
    for _, _, status in results:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    for kind in ("list", "detail", "all"):
        chosen = sorted(t for k, t, _ in results if kind in ("all", k))
        if not chosen:
            continue
        p50, p95 = chosen[len(chosen) // 2], chosen[max(0, int(len(chosen) * 0.95) - 1)]
        print(f"  {kind:6}: {len(chosen):5} requests, p50 {p50 * 1000:5.0f} ms, p95 {p95 * 1000:5.0f} ms, "
              f"max {chosen[-1] * 1000:5.0f} ms")
    times = sorted(t for _, t, _ in results)
    p95_all = times[max(0, int(len(times) * 0.95) - 1)]
    ok = p95_all <= P95_BAR_S and not errors
    print(f"load run: {len(people)} users ({tenth} office, {tenth} managers, {len(people) - 2 * tenth} departments), "
          f"think {think[0]:g}–{think[1]:g} s, {wall:.0f} s, {len(results) / wall:.1f} requests/s, "
          f"errors {sum(errors.values())} {errors or ''}; p95 bar {P95_BAR_S:.0f} s: {'PASS' if ok else 'FAIL'}")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}; {os.cpu_count()} cores")
    return ok


def main() -> None:
    url = postgres_url()
    if url is None:
        print("lists: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped")
        return
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    reuse = os.environ.get("BENCH_REUSE_DB")
    if reuse:
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{reuse}"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        _run(build=False)
        return
    with throwaway_database(url, "bench_lists", keep=os.environ.get("BENCH_KEEP_DB") == "1"):
        _run(build=True)


def _run(*, build: bool) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s of pages not the role's
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from benchmarks.dashboard import _build
    from tracker.models import Task

    if build:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _build(timezone.localdate())
        print(f"built {Task.objects.count():,} tasks in {time.perf_counter() - started:.0f} s")
    else:
        call_command("migrate", verbosity=0)  # indexes added since the database was kept
    as_of: date = timezone.localdate()
    users = _users()
    print(f"list pages at {Task.objects.count():,} tasks, warm, {RUNS} runs, bar {PAGE_BAR_MS} ms "
          f"(as of {as_of}; load average {os.getloadavg()[0]:.2f}):", flush=True)
    if os.environ.get("BENCH_SKIP_PAGES") != "1":
        pages_ok = time_pages(users)
        print(f"list pages: {'PASS' if pages_ok else 'FAIL'}")
    if os.environ.get("BENCH_SKIP_LOAD") == "1":
        return
    connection.close()
    port = _free_port()
    workers = int(os.environ.get("GUNICORN_WORKERS", "0"))  # 0: deploy/gunicorn.conf.py's
    print(f"load run: gunicorn --config deploy/gunicorn.conf.py{f' --workers {workers}' if workers else ''} on "
          f"127.0.0.1:{port} (conn_max_age={CONN_MAX_AGE}), "
          f"{LOAD_USERS} users, {LOAD_SECONDS:.0f} s", flush=True)
    with gunicorn(port=port, workers=workers):
        load_run(users, base=f"http://127.0.0.1:{port}")
    connection.close()
