"""The command-line commands beside the chat: admin set-up and team operations."""
