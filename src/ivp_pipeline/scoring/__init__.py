"""Scoring: from processed facts, perception and professional input to ranked candidate priorities."""
