"""Peer chat: conversations, messages, connection requests and the live /chat namespace."""
