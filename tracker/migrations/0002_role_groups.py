"""Role groups with their model permissions: 督查室 (office), 承办单位 (department staff), 领导 (managers).

Row-level rules (which tasks a department sees) live in tracker.permissions; these are the coarse
Django permissions, also used by the admin. Department staff have no admin access (is_staff False):
their view/add permissions cover what the portal lets them read and write.
"""
from django.db import migrations

OFFICE, DEPARTMENT, MANAGER = "督查室", "承办单位", "领导"
DEPARTMENT_VIEW = (
    "sourcefile", "directive", "task", "assignment", "deadline", "deadlineoccurrence", "department",
    "taskevent", "progressreport", "attachment", "extensionrequest", "urge",
)
DEPARTMENT_ADD = ("progressreport", "attachment", "extensionrequest")


def _ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    config = apps.get_app_config("tracker")
    config.models_module = True  # create_* skip apps without models modules in the migration state
    create_contenttypes(config, verbosity=0, apps=apps)
    create_permissions(config, verbosity=0, apps=apps)


def groups_create(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker = Permission.objects.filter(content_type__app_label="tracker")
    office, _ = Group.objects.get_or_create(name=OFFICE)
    office.permissions.add(*tracker)
    manager, _ = Group.objects.get_or_create(name=MANAGER)
    manager.permissions.add(*tracker.filter(codename__startswith="view_"))
    department, _ = Group.objects.get_or_create(name=DEPARTMENT)
    codenames = [f"view_{m}" for m in DEPARTMENT_VIEW] + [f"add_{m}" for m in DEPARTMENT_ADD]
    department.permissions.add(*tracker.filter(codename__in=codenames))


def groups_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[OFFICE, DEPARTMENT, MANAGER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
