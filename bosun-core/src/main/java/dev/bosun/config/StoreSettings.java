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
 */
public record StoreSettings(Optional<String> url, int poolSize, Duration leaseTtl) {
    /** Whether the sessions live in a database that other nodes may share. */
    public boolean shared() { return url.isPresent(); }
}
