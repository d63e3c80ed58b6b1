"""Telegram: inbound updates, rendering, sending, and the PTB runtime that ties them."""
