"""The HTTP layer: routes, request guards and error mapping over the services."""
