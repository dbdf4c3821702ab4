"""Built-in rules: sustainability pillar (one rule per module)."""
