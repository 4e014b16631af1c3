"""Small pieces shared by every app (not a Django app: no models, no migrations)."""
