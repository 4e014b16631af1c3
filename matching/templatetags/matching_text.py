from django import template

from core.i18n import pick

register = template.Library()


@register.filter
def in_my_language(texts) -> str:
    """{{ alternative.reason|in_my_language }}: a stored {language: text} in the reader's
    language."""
    return pick(texts)


@register.filter
def rule_text(reason) -> str:
    """{{ reason|rule_text }}: a failed rule (matching.adapter.Reason) in the reader's words."""
    from matching.explain import reason_text

    return reason_text(reason)
