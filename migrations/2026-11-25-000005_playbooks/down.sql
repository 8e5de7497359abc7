DROP TABLE playbooks;
