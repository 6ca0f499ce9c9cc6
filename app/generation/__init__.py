"""The AI command centre: teachers generate questions with the model (from an uploaded PDF or a
topic), review and edit them, then save the chosen ones to an exam or export them as CSV."""
