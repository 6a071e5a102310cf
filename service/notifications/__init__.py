"""Notifications for people: who is told of which event, in the app and by e-mail."""
