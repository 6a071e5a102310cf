"""The transactional outbox: `events.emit` writes an event in the change's own transaction; `pump` hands
committed events to the consumers registered for their topic (`service.worker.wiring`)."""
