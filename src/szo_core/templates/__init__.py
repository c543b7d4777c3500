"""Messages people receive: Slovenian formatting and (see :mod:`.render`) sandboxed templates.

:mod:`szo_core.templates.formatting` formats money, numbers, dates, times and the
four Slovenian plural forms.  Importing this package imports neither Jinja2 nor
Babel.
"""
