"""The subject tutor: chat sessions with a subject's AI tutor and practice tests inside them
(Backend document: /chat, /sessions*)."""
