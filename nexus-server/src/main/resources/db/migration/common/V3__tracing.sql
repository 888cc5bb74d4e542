-- The W3C trace context in which a task was created (null when Nexus does not trace);
-- dispatch continues that trace in the task_assigned frame.
ALTER TABLE tasks ADD COLUMN traceparent VARCHAR(55);
