"""Scheduled work: APScheduler set-up and the jobs themselves."""
