"""What every domain stands on: settings, the runtime that holds the adapters, database sessions, the error
base class, password and token hashing, the retry policy and migrations. Imports nothing else of `service`."""
