"""Starts the assistant's processes — catalogue service, action server, Rasa server — and stops them."""
