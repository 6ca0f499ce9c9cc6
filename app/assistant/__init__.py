"""The AI study assistant (SmartAIExam): services, rendering of answers, endpoints and page."""
