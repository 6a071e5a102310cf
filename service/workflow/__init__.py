"""The approval workflow: state machine, revisions (new versions of published assets), review queue,
comments, diffs, withdrawal with the list of who took the file, embargo and expiry."""
