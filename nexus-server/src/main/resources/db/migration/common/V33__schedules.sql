-- Scheduled tasks: a task's run_at, and recurring schedules that create tasks from a template.

-- The time a task was created to run at (POST /api/tasks with run_at). Until then the task is
-- queued with not_before = run_at, so that the ready queue leaves it out; this row keeps the
-- time once dispatch has cleared not_before.
CREATE TABLE task_run_at (
    task_id VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    run_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Recurring schedules (/api/schedules): cron or interval_seconds, never both.
CREATE TABLE schedules (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    name             VARCHAR(128)  NOT NULL UNIQUE,
    template         TEXT          NOT NULL,
    cron             VARCHAR(200),
    interval_seconds BIGINT,
    time_zone        VARCHAR(64)   NOT NULL,
    overlap          VARCHAR(20)   NOT NULL,
    catch_up         VARCHAR(20)   NOT NULL,
    paused           BOOLEAN       NOT NULL,
    -- the first fire time not yet handled; the sweepers fire schedules whose time has come
    next_fire_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_fired_at    TIMESTAMP WITH TIME ZONE,
    last_task_id     VARCHAR(64),
    created_by       VARCHAR(200)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX schedules_due_idx ON schedules (next_fire_at);

-- One row per fire time handled: the unique key makes a second task for one fire time
-- impossible, whichever node fires it. task_id names no foreign key: retention may delete
-- finished tasks of a schedule's history (never its last task).
CREATE TABLE schedule_fires (
    schedule_id VARCHAR(64) NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    fire_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    task_id     VARCHAR(64),
    outcome     VARCHAR(20) NOT NULL,
    detail      VARCHAR(500),
    fired_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (schedule_id, fire_time)
);
CREATE INDEX schedule_fires_time_idx ON schedule_fires (fired_at);
