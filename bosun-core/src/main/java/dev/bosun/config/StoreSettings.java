package dev.bosun.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the durable state lives.
 *
 * @param url       empty: the embedded SQLite file in {@code data_dir}; else a {@code postgresql://} URL
 *                  that several nodes share (it may hold a password: never log or echo it)
 * @param poolSize  connections each node keeps to PostgreSQL
 * @param leaseTtl  how long a node's ownership of its worker sessions outlives its last heartbeat;
 *                  after that another node ends them {@code worker_lost}
 * @param minFreeDisk free bytes the data dir's disk must keep: below it new sessions, sends, emits and
 *                  tasks are refused (ends and terminates still work); 0 turns the floor off
 */
public record StoreSettings(Optional<String> url, int poolSize, Duration leaseTtl, long minFreeDisk) {
    /** Whether the sessions live in a database that other nodes may share. */
    public boolean shared() {
        return url.isPresent();
    }
}
