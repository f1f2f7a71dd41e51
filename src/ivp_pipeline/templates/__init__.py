"""Workbooks ivp hands out to be filled in (`ivp template`)."""
