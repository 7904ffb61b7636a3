"""Small nn.Modules: encoders and fusion heads, built from parts passed in."""
