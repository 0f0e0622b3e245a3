"""Install the Intercom Messenger with server-signed JWT identity verification."""

__version__ = "0.1.0"
