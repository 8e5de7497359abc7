-- Custom playbooks that coaches and seekers make: a named set of enabled
-- rules and parameters (JSON), on top of a built-in. Users and opportunities
-- refer to one by id (built-ins by name) in default_playbook / playbook.
CREATE TABLE playbooks (
    id         TEXT PRIMARY KEY NOT NULL,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL
);
CREATE INDEX playbooks_owner ON playbooks (owner_id, id);
