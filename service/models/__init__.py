"""All ORM models, imported here so Alembic's autogenerate and the schema-drift test see every table."""

from service.models.asset import (
    Asset,
    AssetTerm,
    Collection,
    CollectionItem,
    Comment,
    QaItem,
    Rendition,
    ReviewEvent,
    Version,
)
from service.models.base import Base
from service.models.ops import (
    AuditEntry,
    Job,
    OutboxEvent,
    ReportTarget,
    Upload,
    UsageEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from service.models.org import ApiClient, AuthToken, LoginAttempt, Organisation, User
from service.models.vocab import SearchSynonym, VocabularyTerm

__all__ = [
    "ApiClient", "Asset", "AssetTerm", "AuditEntry", "AuthToken", "Base", "Collection", "CollectionItem",
    "Comment", "Job", "LoginAttempt", "Organisation", "OutboxEvent", "QaItem", "Rendition", "ReportTarget",
    "ReviewEvent", "SearchSynonym", "Upload", "UsageEvent", "User", "Version", "VocabularyTerm",
    "WebhookDelivery", "WebhookSubscription",
]
from service.models.language import Caption, TranslationRequest  # noqa: E402,F401  (languages)
from service.models.notifications import EmailMessage, Notification, NotificationPreference  # noqa: E402,F401
from service.models.ops import UploadPart  # noqa: E402,F401  (tus staging in the object store)
from service.models.plans import (  # noqa: E402,F401  (plans, targets, evidence)
    Evidence,
    Plan,
    PlanTask,
    ReportingLine,
    ReportSnapshot,
    Target,
    TargetDeclaration,
    TaskAsset,
    TaskNote,
    UnitContact,
    UnitProfile,
    UsageDaily,
)
from service.models.webhooks import WebhookAttempt  # noqa: E402,F401  (webhooks)
