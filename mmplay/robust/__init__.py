"""Robustness pieces: gating against negative transfer, modality balance, missing modalities."""
