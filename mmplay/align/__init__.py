"""Alignment: Procrustes and contrastive objectives."""
