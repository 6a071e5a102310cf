"""When an approved version may go live: its required renditions exist."""
