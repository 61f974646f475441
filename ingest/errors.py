"""The error of an unreadable input, apart from the readers (which need pandas): the CLI
catches it without importing them."""


class BundleError(ValueError):
    """The input is not a readable bundle (encoding, header, missing files)."""
