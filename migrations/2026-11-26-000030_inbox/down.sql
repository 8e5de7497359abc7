DROP TABLE inbox_proposals;
DROP TABLE inbox_messages;
