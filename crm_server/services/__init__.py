"""What the API does, one module per concern: the queries and rules behind each request. They
import nothing of the API layer, and return plain values or the models of `crm_server.schemas`.

A function that is one step of a transaction takes a Connection, and its caller opens the
transaction (`db.read()`, or `db.write()` for a change): a change, its history, its event and
its audit row then commit together, or none does.
A function that is a whole unit of work takes the Database and opens its transactions itself:
sign-in and sign-out, a token's owner, intake, the event log, the audit trail, the reference
data, a view of a report. Some must order several: sign-in runs its slow hash between a read and
a write, intake cleans the photo before it takes the write lock, a view appends its audit row
after its read, and an audit row after a denial commits after the request's own transaction
rolled back.
"""
