"""The HTTP layer: routes, request guards and error mapping over the services. It owns HTTP
only: it validates requests, opens the transaction a service takes part in, and turns results
and errors into responses. It builds no query, and nothing else in the server imports it but
the CLI, which serves it.
"""
