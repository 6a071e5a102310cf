"""User administration: admins create users in their subtree, change roles, deactivate."""
