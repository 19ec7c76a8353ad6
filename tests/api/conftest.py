"""The API's world: the office, a manager and two units with their tokens; unit A's and unit B's tasks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Department, Task

S = Task.Status


def token_client(user: Any) -> APIClient:
    """A client that calls as `user` with `Authorization: Token …` (no session, no CSRF)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@dataclass
class People:
    office: Any
    manager: Any
    user_a: Any
    unit_a: Department
    user_b: Any
    unit_b: Department
    task_a: Task
    task_b: Task


@pytest.fixture
def people() -> People:
    office = office_user()
    manager = manager_user()
    user_a, unit_a = department_user(username="api_a", department_name="市教育局")
    user_b, unit_b = department_user(username="api_b", department_name="市卫生健康委")
    task_a = workflow_task(lead=unit_a, status=S.ASSIGNED, due_on=date(2030, 6, 30),
                           text="推进校园安全隐患排查整治，年底前完成。")
    task_b = workflow_task(lead=unit_b, status=S.ASSIGNED, due_on=date(2030, 6, 30),
                           text="推进紧密型县域医共体建设，年底前实现全覆盖。")
    return People(office, manager, user_a, unit_a, user_b, unit_b, task_a, task_b)


@pytest.fixture
def office_api(people: People) -> APIClient:
    return token_client(people.office)


@pytest.fixture
def a_api(people: People) -> APIClient:
    return token_client(people.user_a)


@pytest.fixture
def b_api(people: People) -> APIClient:
    return token_client(people.user_b)


@pytest.fixture
def manager_api(people: People) -> APIClient:
    return token_client(people.manager)


def lead(task: Task) -> Any:
    return lead_of(task)
