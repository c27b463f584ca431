"""Attendee-list, LinkedIn and vCard imports: reading files (reading), recognising
columns (columns), cleaning one row (cleaning), the dry run (planning) and the writes
(services)."""
