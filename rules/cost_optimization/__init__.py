"""Built-in rules: cost optimization pillar (one rule per module)."""
