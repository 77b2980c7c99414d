"""A dedicated client's work: tasks, logged time and the ranked work order."""
