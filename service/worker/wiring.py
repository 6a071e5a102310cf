"""What runs behind the requests, listed in one place: the job handler of each job kind and the outbox
consumers of each topic, in the order they run. Routers and middleware are listed in `service/app.py`,
time-driven work in `service/worker/scheduled.py`.

This module sits above every domain package (it names them all); the infrastructure it fills in
(`service.jobs.runner`, `service.outbox.pump`) knows none of them."""

from __future__ import annotations

from service.indexing import consumers as indexing
from service.jobs import runner
from service.news import consumers as news
from service.notifications import consumers as notifications
from service.outbox.pump import Consumer, install_consumers
from service.processing import handlers as processing
from service.usage import consumers as usage
from service.webhooks import consumers as webhooks
from service.webhooks.service import TOPICS as WEBHOOK_TOPICS


def job_handlers() -> dict[str, runner.Handler]:
    return {"process": processing.process_version}


def outbox_consumers() -> dict[str, list[Consumer]]:
    table: dict[str, list[Consumer]] = {topic: [indexing.reindex_asset] for topic in indexing.TOPICS}
    own = {
        "asset.withdrawn": [news.drop_delivered_copies, notifications.on_withdrawn],
        "asset.published": [notifications.on_published],
        "review.transition": [notifications.on_transition],
        "review.urgent": [notifications.on_urgent_review],
        "comment.added": [notifications.on_comment],
        "report.submitted": [notifications.on_report_submitted],
        "evidence.reviewed": [notifications.on_evidence_reviewed],
        usage.TOPIC: [usage.expand_pull],
    }
    for topic, fns in own.items():
        table.setdefault(topic, []).extend(fns)
    for topic in WEBHOOK_TOPICS:
        table.setdefault(topic, []).append(webhooks.on(topic))
    return table


def install() -> None:
    """Fill the job runner's and the outbox pump's tables (the app, the worker and the CLI call this)."""
    runner.HANDLERS.update(job_handlers())  # update, not replace: tests add their own kinds
    install_consumers(outbox_consumers())
