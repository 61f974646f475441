"""The HTTP API: the app factory (`api.http.app.create_app`), its routers (`api.http.routers`,
one per scope of the role matrix, registered in one list), and what only the service uses
(dependencies, problem details, request limits, rate limits, masked subjects, uploads,
evaluation jobs). What the CLI shares with it (settings, roles, keys, the audit trail)
stays in `api`."""
