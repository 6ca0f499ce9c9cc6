"""Staff analytics over scored results: counts, score distribution, top performers, per-exam
figures, the results list, the result sheet as PDF, and item analysis per exam."""
