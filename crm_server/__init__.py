"""The reference CRM backend: the operator API, the intake API and their storage."""
