"""办结评价: required at 办结确认 and at 销号 (one per unit), corrected by the office with a reason, audited, and
seen only by the office, managers and the rated unit — through the services and through the rendered forms."""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, Task, TaskEvent
from tracker.services import lifecycle_office
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S, A = Task.Status, Assignment.Status
DUE = date(2099, 6, 30)


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def units():
    return (department_user(username="zhujian", department_name="市住房和城乡建设局"),
            department_user(username="jiaotong", department_name="市交通运输局"))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _co_led(units, status=S.COMPLETION_REQUESTED) -> Task:
    (_, u1), (_, u2) = units
    return workflow_task(lead=u1, co_leads=(u2,), status=status, due_on=DUE, text="整治城区道路积水点，汛期前完成。")


def test_acceptance_needs_a_rating_and_stores_it_with_who_and_when(office, units):
    task = _co_led(units)
    part = lead_of(task, units[0][1])
    for bad in ("", "perfect"):
        with pytest.raises(TransitionError, match="请评价市住房和城乡建设局的办结质量"):
            lifecycle_office.assignment_accept(assignment=part, actor=office, rating=bad)
    part.refresh_from_db()
    assert (part.status, part.rating) == (A.COMPLETION_REQUESTED, "")
    lifecycle_office.assignment_accept(assignment=part, actor=office, rating="excellent", note="成效明显，资料齐全")
    part.refresh_from_db()
    assert (part.status, part.rating, part.rating_note, part.rated_by) == (A.ACCEPTED, "excellent", "成效明显，资料齐全",
                                                                           office)
    assert part.rated_at is not None
    rate = TaskEvent.objects.get(task=task, action=TaskEvent.Action.RATE)
    assert (rate.department, rate.note) == (units[0][1], "评价：优秀。成效明显，资料齐全")
    # The acceptance's own line keeps the office's note only: units may read it, the rating they may not.
    assert TaskEvent.objects.get(task=task, action="accept").note == "成效明显，资料齐全"


def test_sign_off_rates_every_unit_it_accepts_or_nothing_happens(office, units):
    task = _co_led(units)
    a, b = lead_of(task, units[0][1]), lead_of(task, units[1][1])
    with pytest.raises(TransitionError, match="请评价「市交通运输局」的办结质量"):
        lifecycle_office.task_sign_off(task=task, actor=office, note="同意销号", ratings={a.pk: "good"})
    assert set(task.assignments.values_list("status", flat=True)) == {A.COMPLETION_REQUESTED}
    lifecycle_office.task_sign_off(task=task, actor=office, note="两单位均已完成", ratings={a.pk: "good", b.pk: "poor"})
    assert dict(task.assignments.values_list("department__name", "rating")) == {
        "市住房和城乡建设局": "good", "市交通运输局": "poor"}
    assert Task.objects.get(pk=task.pk).status == S.SIGNED_OFF
    assert sorted(TaskEvent.objects.filter(task=task, action="rate").values_list("note", flat=True)) == [
        "评价：不合格。两单位均已完成", "评价：良好。两单位均已完成"]


def test_the_office_corrects_a_rating_with_a_reason_and_the_trail_keeps_both(office, units):
    task = _co_led(units)
    part = lead_of(task, units[0][1])
    lifecycle_office.assignment_accept(assignment=part, actor=office, rating="good")
    with pytest.raises(TransitionError, match="修改理由"):
        lifecycle_office.assignment_rating_correct(assignment=part, actor=office, rating="excellent", reason="改")
    with pytest.raises(TransitionError, match="评价已是「良好」"):
        lifecycle_office.assignment_rating_correct(assignment=part, actor=office, rating="good", reason="复核后维持")
    lifecycle_office.assignment_rating_correct(assignment=part, actor=office, rating="excellent",
                                               reason="复核佐证材料后上调")
    part.refresh_from_db()
    assert (part.rating, part.rating_note) == ("excellent", "复核佐证材料后上调")
    notes = list(TaskEvent.objects.filter(task=task, action__in=["rate", "rate_correct"]).order_by("pk")
                 .values_list("action", "note"))
    assert notes == [("rate", "评价：良好"), ("rate_correct", "评价由「良好」改为「优秀」：复核佐证材料后上调")]
    assert part.history.filter(rating="good").exists()  # simple-history keeps the old value too


def test_nobody_but_the_office_corrects_and_only_accepted_lead_parts(office, units):
    (user1, u1), (_, u2) = units
    task = workflow_task(lead=u1, support=(u2,), status=S.SIGNED_OFF, due_on=DUE)
    lead = lead_of(task)
    for actor in (user1, manager_user()):
        with pytest.raises(TransitionError, match="只有督查室"):
            lifecycle_office.assignment_rating_correct(assignment=lead, actor=actor, rating="poor", reason="自行修改评价")
    support = task.assignments.get(role=Assignment.Role.SUPPORT)
    with pytest.raises(TransitionError, match="配合单位不单独评价"):
        lifecycle_office.assignment_rating_correct(assignment=support, actor=office, rating="good", reason="补充评价")
    working = workflow_task(lead=u1, status=S.IN_PROGRESS, due_on=DUE)
    with pytest.raises(TransitionError, match="不能执行「修改评价」"):
        lifecycle_office.assignment_rating_correct(assignment=lead_of(working), actor=office, rating="good",
                                                   reason="提前评价一下")


def test_the_database_refuses_a_rating_on_a_part_not_accepted(units):
    task = workflow_task(lead=units[0][1], status=S.IN_PROGRESS, due_on=DUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=lead_of(task).pk).update(rating="good")


# --- who sees ratings ------------------------------------------------------------------------------


def _rated_co_led(office, units) -> Task:
    task = _co_led(units)
    lifecycle_office.assignment_accept(assignment=lead_of(task, units[0][1]), actor=office, rating="excellent")
    lifecycle_office.assignment_accept(assignment=lead_of(task, units[1][1]), actor=office, rating="poor")
    return task


def test_a_unit_sees_its_own_rating_never_a_co_leads(office, units):
    task = _rated_co_led(office, units)
    (user1, _), (user2, _) = units
    page1 = _client(user1).get(f"/portal/tasks/{task.pk}/").content.decode()
    page2 = _client(user2).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "优秀" in page1 and "不合格" not in page1
    assert "不合格" in page2 and "优秀" not in page2
    # Its own rating line in the trail, not the co-lead's.
    assert "评价：优秀" in page1 and "评价：不合格" not in page1
    assert "评价：不合格" in page2 and "评价：优秀" not in page2
    for html in (_client(office).get(f"/portal/tasks/{task.pk}/").content.decode(),
                 _client(manager_user()).get(f"/portal/tasks/{task.pk}/").content.decode()):
        assert "优秀" in html and "不合格" in html


# --- through the rendered forms ----------------------------------------------------------------------


def _form(html: str, form_id: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(fields as the browser posts them, radio groups with their options) of one rendered form."""
    form = html.split(f'id="{form_id}"')[1].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    radios: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) == "radio":
            radios.setdefault(name.group(1), []).append(value.group(1))
            if "checked" not in tag:
                continue
        fields.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name in re.findall(r'<textarea[^>]*name="([^"]+)"', form):
        fields.setdefault(name, [""])
    return fields, radios


def test_every_rating_form_posts_through_its_rendered_fields(office, units):
    (_, u1), (_, u2) = units
    client = _client(office)
    task = _co_led(units)
    a, b = lead_of(task, u1), lead_of(task, u2)
    url = f"/portal/tasks/{task.pk}/"

    # 办结确认 of one unit: the rating as four radio buttons, none chosen; posted as rendered it is refused.
    fields, radios = _form(client.get(url).content.decode(), f"form-accept-{a.pk}")
    assert radios == {f"accept-{a.pk}-rating": ["excellent", "good", "adequate", "poor"]}
    response = client.post(f"/portal/assignments/{a.pk}/accept/", fields, follow=True)
    assert "请选择办结评价" in response.content.decode() and lead_of(task, u1).status == A.COMPLETION_REQUESTED
    fields = _form(client.get(url).content.decode(), f"form-accept-{a.pk}")[0]
    fields[f"accept-{a.pk}-rating"] = ["good"]
    response = client.post(f"/portal/assignments/{a.pk}/accept/", fields, follow=True)
    assert "已确认该单位办结并评价" in response.content.decode() and lead_of(task, u1).rating == "good"

    # 销号 of the rest: one rating per unit still waiting (here only 市交通运输局).
    fields, radios = _form(client.get(url).content.decode(), "form-sign_off")
    assert list(radios) == [f"sign_off-rating_{b.pk}"]
    fields["sign_off-note"] = ["材料齐全，同意销号"]
    fields[f"sign_off-rating_{b.pk}"] = ["adequate"]
    response = client.post(f"/portal/tasks/{task.pk}/sign_off/", fields, follow=True)
    assert "已销号" in response.content.decode() and lead_of(task, u2).rating == "adequate"

    # 修改评价: the current rating preselected; the reason typed.
    html = client.get(url).content.decode()
    assert "办结评价：良好（修改）" in html
    fields, radios = _form(html, f"form-rate-{a.pk}")
    assert fields[f"rate-{a.pk}-rating"] == ["good"]
    fields[f"rate-{a.pk}-rating"] = ["excellent"]
    fields[f"rate-{a.pk}-reason"] = ["复核佐证材料后上调"]
    response = client.post(f"/portal/assignments/{a.pk}/rate/", fields, follow=True)
    assert "评价已修改" in response.content.decode() and lead_of(task, u1).rating == "excellent"


def test_the_sign_off_form_names_each_unit_it_rates(office, units):
    task = _co_led(units)
    html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    form = html.split('id="form-sign_off"')[1].split("</form>")[0]
    assert "办结评价：市住房和城乡建设局" in form and "办结评价：市交通运输局" in form
