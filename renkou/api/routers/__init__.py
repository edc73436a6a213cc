"""The API's routers, one per area; each route declares its action with :func:`renkou.api.permissions.requires`."""
