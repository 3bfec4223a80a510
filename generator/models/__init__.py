"""Typed models of the course's YAML content, one module per content type."""
