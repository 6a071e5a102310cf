"""What runs behind the requests: the worker process (`process`), the job handlers and outbox consumers it
runs (`wiring`), its minute-by-minute sweep (`scheduled`) and the repairs that sweep makes (`maintenance`)."""
