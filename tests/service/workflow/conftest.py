"""Workflow tests run on the shared stacks and the journeys' fixtures (shared_flow, tree) of tests/conftest.py."""
