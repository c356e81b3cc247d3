package dev.bosun.store.sqlite;

import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.store.jdbc.JdbcIdempotency;
import java.sql.SQLException;
import java.util.Set;

/** Where the writer thread inserts a request's idempotency key, in the batch of its first write (D78). */
final class SqliteIdempotency {
    private SqliteIdempotency() {}

    /** See {@link JdbcIdempotency#insert}. */
    static void insert(Conn c, IdempotencyClaim claim, Set<String> touched) throws SQLException {
        JdbcIdempotency.insert(c, claim, touched);
    }
}
