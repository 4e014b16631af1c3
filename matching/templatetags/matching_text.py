from django import template

from core.i18n import pick

register = template.Library()


@register.filter
def in_my_language(texts) -> str:
    """{{ alternative.reason|in_my_language }}: a stored {language: text} in the reader's
    language."""
    return pick(texts)
