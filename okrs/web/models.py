"""The web layer stores nothing of its own: failed log-ins are django-axes' (settings.AXES_*)."""
