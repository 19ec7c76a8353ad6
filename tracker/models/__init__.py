"""All tracker models, split by area (docs/models.md) and re-exported here."""
from tracker.models.directory import Department, DepartmentAlias, DepartmentMembership, HolidayOverride
from tracker.models.documents import Directive, SourceFile
from tracker.models.logins import LoginLockout
from tracker.models.messages import Message
from tracker.models.printables import DocumentCounter, IssuedDocument
from tracker.models.reminders import Reminder, RobotMessage
from tracker.models.tasks import Assignment, Deadline, DeadlineOccurrence, Task
from tracker.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tracker.models.workflow import (
    Attachment,
    ExtensionRequest,
    FormSubmission,
    ProgressReport,
    TaskEvent,
    Urge,
)

__all__ = [
    "Assignment",
    "Attachment",
    "Deadline",
    "DeadlineOccurrence",
    "Department",
    "DepartmentAlias",
    "DepartmentMembership",
    "DocumentCounter",
    "Directive",
    "ExtensionRequest",
    "FormSubmission",
    "HolidayOverride",
    "IssuedDocument",
    "LoginLockout",
    "Message",
    "ProgressReport",
    "Reminder",
    "RobotMessage",
    "SourceFile",
    "Task",
    "TaskEvent",
    "Urge",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
