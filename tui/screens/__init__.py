"""The app's screens: one module per screen, each imported only when first shown."""
