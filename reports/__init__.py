"""Report templates and assets (jinja2), shipped inside the package."""
