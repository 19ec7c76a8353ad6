"""The department directory: canonical units, their aliases, users' memberships, calendar overrides."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Department(models.Model):
    """A canonical responsible unit (单位); unverified ones came from unknown mentions and await a merge."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", "市直部门"
        COUNTY_GOVERNMENT = "county_government", "县区政府"
        DEVELOPMENT_ZONE = "development_zone", "开发区"
        BRANCH = "branch", "驻市/省垂单位"
        COMPANY = "company", "企业"
        BANK = "bank", "金融机构"
        GROUP = "group", "单位组"
        OTHER = "other", "其他"

    class WebhookKind(models.TextChoices):
        NONE = "", "无"
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True, default="")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="上级单位"
    )
    members = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="member_of", verbose_name="成员单位"
    )
    verified = models.BooleanField("已核实", default=True, help_text="未核实：从文件中识别出的未知单位，待督查室合并或确认")
    active = models.BooleanField("启用", default=True)
    contact_email = models.EmailField("联系邮箱", blank=True, default="")
    webhook_url = models.URLField("群机器人地址", max_length=500, blank=True, default="")
    webhook_kind = models.CharField(
        "机器人类型", max_length=10, choices=WebhookKind.choices, blank=True, default=WebhookKind.NONE
    )
    webhook_secret = models.CharField("机器人加签密钥", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name if self.verified else f"{self.name}（未核实）"


class DepartmentAlias(models.Model):
    """Another name of a department (abbreviation, former name, OCR variant)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位"
    )
    alias = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.department.name}"


class DepartmentMembership(models.Model):
    """A user works for a department (a user may work for several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships",
        verbose_name="用户",
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="memberships", verbose_name="单位"
    )

    class Meta:
        verbose_name = "单位人员"
        verbose_name_plural = "单位人员"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="%(app_label)s_%(class)s_unique_user_department",
                violation_error_message="该用户已属于该单位。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department.name}"


class HolidayOverride(models.Model):
    """The office's word on one day (holiday or make-up working day); wins over the calendar package."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选：调休上班；不勾选：放假")
    note = models.CharField("说明", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_workday else '放假'}"
