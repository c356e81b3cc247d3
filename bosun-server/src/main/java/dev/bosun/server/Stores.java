package dev.bosun.server;

import dev.bosun.config.BosunConfig;
import dev.bosun.store.Store;
import dev.bosun.store.postgres.PgUrl;
import dev.bosun.store.postgres.PostgresStore;
import dev.bosun.store.sqlite.SqliteStore;
import java.time.Clock;

/**
 * Opens the store the config names: SQLite in {@code data_dir} when {@code store_url} is empty, else
 * the PostgreSQL database of the URL, as node {@code node_id}.
 */
public final class Stores {
    private Stores() {}

    public static Store open(BosunConfig cfg) {
        if (cfg.store().url().isEmpty()) {
            return SqliteStore.open(
                    cfg.dataDir(),
                    new SqliteStore.Options(
                            true, SqliteStore.Options.reserveFor(cfg.store().minFreeDisk())));
        }
        PgUrl url = PgUrl.parse(cfg.store().url().get());
        return PostgresStore.open(new PostgresStore.Options(
                url, cfg.nodeId(), cfg.store().poolSize(), cfg.store().leaseTtl(), Clock.systemUTC()));
    }

    /** Where the data is, for the start-up banner: the URL without its password. */
    public static String describe(BosunConfig cfg) {
        return cfg.store()
                .url()
                .map(u ->
                        "sessions in " + PgUrl.parse(u) + ", node " + cfg.nodeId() + ", workspaces in " + cfg.dataDir())
                .orElse("data in " + cfg.dataDir());
    }
}
