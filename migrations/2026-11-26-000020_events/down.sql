DROP TABLE event_counter;
DROP TABLE events;
