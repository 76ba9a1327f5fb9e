"""The public JSON API (`/api/v1`), its OpenAPI description and its documentation page."""
