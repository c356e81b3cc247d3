package dev.bosun.sandbox;

import java.util.Map;

/**
 * A durable reference to a running worker, stored with its session so that Bosun can find the
 * worker again after a restart.
 *
 * @param runtime    the runtime that started it ({@code process}, {@code docker}, …)
 * @param id         the runtime's id for it: a pid, a container id
 * @param attributes what the runtime needs to recognise the same worker again, e.g. a process's
 *                   start time, so that a recycled pid is never mistaken for the worker
 */
public record WorkerRef(String runtime, String id, Map<String, String> attributes) {
    public WorkerRef {
        attributes = Map.copyOf(attributes);
    }
}
