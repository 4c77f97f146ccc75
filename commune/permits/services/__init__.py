"""Writes: one function per action, named <entity>_<action>; each checks the workflow,
saves, writes the audit trail and schedules the e-mails."""
