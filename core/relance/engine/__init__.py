"""The escalation engine: policies, the business calendar, the planner and the runner.

The planner is a pure function of (invoices, history, policy, today); everything with
side effects (fetching, sending, recording) is in the runner.
"""
