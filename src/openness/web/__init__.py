"""The index's web page and JSON API (``openness serve``): FastAPI, Jinja2 templates, no JS build."""
