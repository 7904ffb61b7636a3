"""Seeded data generators; each returns a dataclass of tensors."""
