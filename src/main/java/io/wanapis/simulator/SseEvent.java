package io.wanapis.simulator;

/**
 * One {@code data:} event of a stream.
 *
 * @param generated true for events that carry a newly generated token; only those are paced at the
 *                  request's tokens-per-second (role, finish and usage chunks follow without delay)
 */
record SseEvent(String data, boolean generated) {}
