"""The names under which background jobs sit in the queue.

Huey writes a queued job as the string `<module>.<name>` of its function and the
worker finds the function again by that string; a message whose name no loaded
function carries is read, logged ("Error reading from queue") and dropped. Jobs
enqueued on demand (`outbox_deliver_job`, `portal_link_mail_job`) wait in Redis or in
`var/huey.sqlite3` across a restart, and the scheduler writes the periodic ones there
too. So a job keeps the queue name it was released under when its module or function
is renamed: the job modules were `tasks.py` and their functions `*_task` until issue
10 freed the word, and `queued_as` keeps those names.
"""

from __future__ import annotations


def queued_as(name: str) -> dict[str, str]:
    """Huey decorator arguments that queue a job as `name` ("package.module.function"):
    `@db_task(**queued_as("pactdesk.desk.tasks.portal_link_mail_task"))`.

    Huey's `name=` sets only the function part; the module part is the class
    attribute `__module__`, which Huey copies from the decorator's extra arguments
    (`TaskWrapper.create_task`). `tests/platform/test_job_names.py` pins the result."""
    module, _, function = name.rpartition(".")
    return {"name": function, "__module__": module}
