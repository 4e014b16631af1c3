"""How the rest of Dugnad asks for a matching run: see `core.tasks_by_name`, which apps below
matching use too (they may not import this module)."""

from core.tasks_by_name import DEBOUNCE_KEY, UNDEBOUNCED, request_matching_run

__all__ = ["DEBOUNCE_KEY", "UNDEBOUNCED", "request_matching_run"]
