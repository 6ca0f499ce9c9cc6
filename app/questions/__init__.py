"""The question bank: questions of an exam (MCQ, MSQ, NUMERIC), their validation, bulk
operations, and import/export (CSV, Moodle GIFT and Aiken). Pages and the SmartAIExam admin
JSON API both call `app.questions.services`."""
